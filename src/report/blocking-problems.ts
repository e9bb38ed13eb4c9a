import { SEVERITIES, type Severity } from '../findings/finding.ts';
import type { JsonReport } from './json-report-schema.ts';

type ReportFinding = JsonReport['findings'][number];

/** Fingerprints of the problems that block: what a failing, blocking criterion holds against the change. */
export function blockingFingerprints(report: JsonReport): Set<string> {
  return new Set(
    report.controls.filter((c) => c.verdict === 'fail' && c.blocking).flatMap((c) => c.findings),
  );
}

/**
 * The blocking problems, each once however many criteria it fails (a fingerprint can name the same
 * code twice in a file: both count), in the report's order.
 */
export function blockingProblems(report: JsonReport): ReportFinding[] {
  const blocking = blockingFingerprints(report);
  return report.findings.filter((f) => blocking.has(f.fingerprint));
}

/** How many problems of each severity, most severe first, zero counts left out. */
export function severityCounts(findings: readonly Pick<ReportFinding, 'severity'>[]): [Severity, number][] {
  return SEVERITIES.map((s): [Severity, number] => [
    s,
    findings.filter((f) => f.severity === s).length,
  ]).filter(([, n]) => n > 0);
}

/** "2 critical and 8 high": the counts as a reader says them. */
export function saySeverityCounts(counts: readonly [Severity, number][]): string {
  const parts = counts.map(([s, n]) => `${n} ${s}`);
  if (parts.length <= 1) return parts[0] ?? '0';
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/**
 * "2 critical and 8 high new problems in 4 files": what blocks, in the developer's units, said the
 * same in the comment's title and the commit status. "new" when compared with a base and none of
 * them predates the change (mode full judges existing ones too).
 */
export function blockingCount(report: JsonReport, problems: readonly ReportFinding[]): string {
  const files = new Set(problems.map((f) => f.path)).size;
  const fresh =
    report.baseline?.status === 'compared' && problems.every((f) => f.baselineState !== 'unchanged');
  const noun = problems.length === 1 ? 'problem' : 'problems';
  return `${saySeverityCounts(severityCounts(problems))} ${fresh ? 'new ' : ''}${noun} in ${files} file${files === 1 ? '' : 's'}`;
}
