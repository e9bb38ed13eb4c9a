import type * as core from '@actions/core';
import type { JsonReport } from '../../report/json-report-schema.ts';
import { flatLine, stripControlChars } from '../../text.ts';

/** GitHub shows at most 10 error and 10 warning annotations per step. */
const ANNOTATION_CAP = 10;

type Annotator = Pick<typeof core, 'error' | 'warning'>;

/**
 * Annotations on the most severe findings that count against a criterion. GitHub shows at most 10
 * errors and 10 warnings per step, so the rest stay in the comment, summary and evidence.
 */
export function annotate(report: JsonReport, out: Annotator): { errors: number; warnings: number } {
  const counted = new Set(
    report.controls.filter((c) => c.verdict === 'fail' || c.verdict === 'warn').flatMap((c) => c.findings),
  );
  const rank = { critical: 0, high: 1, medium: 2, low: 3, info: 4 } as const;
  const findings = report.findings
    .filter((f) => counted.has(f.fingerprint) && f.inWorkspace)
    .sort((a, b) => rank[a.severity] - rank[b.severity] || a.path.localeCompare(b.path) || a.line - b.line);
  let errors = 0;
  let warnings = 0;
  for (const f of findings) {
    const properties = {
      // A title is one line on the checks page; a rule name is text from the scanned project.
      title: flatLine(`${f.severity.toUpperCase()} ${f.ruleName ?? f.ruleId} (${f.criteria.join(', ')})`),
      file: f.path,
      startLine: f.line,
      endLine: f.endLine,
    };
    const message = stripControlChars(`${f.scanner}: ${f.message}`);
    if ((f.severity === 'critical' || f.severity === 'high') && errors < ANNOTATION_CAP) {
      out.error(message, properties);
      errors += 1;
    } else if (f.severity === 'medium' && warnings < ANNOTATION_CAP) {
      out.warning(message, properties);
      warnings += 1;
    }
  }
  return { errors, warnings };
}
