import type * as core from '@actions/core';
import { compareFindings } from '../../findings/order.ts';
import { blockingFingerprints } from '../../report/blocking-problems.ts';
import type { JsonReport } from '../../report/json-report-schema.ts';
import { ruleLabel } from '../../report/rule-label.ts';
import { flatLine, stripControlChars } from '../../text.ts';

/** GitHub shows at most 10 error and 10 warning annotations per step. */
const ANNOTATION_CAP = 10;

type Annotator = Pick<typeof core, 'error' | 'warning'>;
type ReportFinding = JsonReport['findings'][number];

/**
 * Which findings get annotations: errors on the problems that block (most severe first), warnings on
 * the next most severe findings that do not. Compared with a base, only what the change introduced:
 * existing debt on untouched lines is not the author's to fix in this change.
 */
export function annotationTargets(report: JsonReport): {
  errors: ReportFinding[];
  warnings: ReportFinding[];
} {
  const compared = report.baseline?.status === 'compared';
  const blocking = blockingFingerprints(report);
  const candidates = report.findings
    .filter(
      (f) =>
        f.inWorkspace &&
        !f.suppressed &&
        f.waiver === null &&
        f.severity !== 'info' &&
        (!compared || f.baselineState === 'new'),
    )
    .sort(compareFindings);
  return {
    errors: candidates.filter((f) => blocking.has(f.fingerprint)).slice(0, ANNOTATION_CAP),
    warnings: candidates.filter((f) => !blocking.has(f.fingerprint)).slice(0, ANNOTATION_CAP),
  };
}

/**
 * Up to 10 error annotations on blocking problems and 10 warnings on the next most severe findings,
 * on the changed files' lines; the rest stay in the comment, summary and evidence.
 */
export function annotate(report: JsonReport, out: Annotator): { errors: number; warnings: number } {
  const { errors, warnings } = annotationTargets(report);
  const emit = (f: ReportFinding, kind: 'error' | 'warning') => {
    const criteria = f.criteria.length > 0 ? ` (${f.criteria.join(', ')})` : '';
    const properties = {
      // A title is one line on the checks page; a rule name is text from the scanned project.
      title: flatLine(`${f.severity.toUpperCase()} ${ruleLabel(f)}${criteria}`),
      file: f.path,
      startLine: f.line,
      endLine: f.endLine,
    };
    out[kind](stripControlChars(`${f.scanner}: ${f.message}`), properties);
  };
  for (const f of errors) emit(f, 'error');
  for (const f of warnings) emit(f, 'warning');
  return { errors: errors.length, warnings: warnings.length };
}
