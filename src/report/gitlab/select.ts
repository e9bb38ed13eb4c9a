import { stripControlChars } from '../../text.ts';
import type { JsonReport } from '../json-report-schema.ts';

export type ReportFinding = JsonReport['findings'][number];

/**
 * The findings GitLab is told about, one vulnerability or issue each:
 * - suppressed (`# nosec`, `nosemgrep`, …) and waived findings are left out. GitLab has no field for
 *   "accepted risk", so listing them would reopen in the MR widget what was already dismissed in the
 *   repository; the waiver and the suppression stay on record in controlgate.json and the evidence.
 * - advisory findings (ones that map to no criterion the gate checks) are left out: the GitLab
 *   reports show what the gate acts on.
 * - findings outside the workspace are left out: their path is not a file of the project, and GitLab
 *   would link to nothing.
 */
export function reportedFindings(report: JsonReport): ReportFinding[] {
  return report.findings.filter((f) => !f.suppressed && f.waiver === null && !f.advisory && f.inWorkspace);
}

/** Control characters removed; an empty result replaced, for fields GitLab requires to be non-empty. */
export function clean(text: string, fallback = 'unknown'): string {
  const stripped = stripControlChars(text).trim();
  return stripped === '' ? fallback : stripped;
}

/** First and last line, at least 1 and in order, whatever the scanner reported. */
export function lines(f: ReportFinding): { begin: number; end: number } {
  const begin = Math.max(1, Math.trunc(f.line) || 1);
  return { begin, end: Math.max(begin, Math.trunc(f.endLine) || begin) };
}

/** "CWE-89" → "89"; anything else is not a CWE id. */
export function cweNumber(cwe: string): string | undefined {
  return /^CWE-(\d+)$/i.exec(cwe.trim())?.[1];
}

/** An http(s) link, or nothing: GitLab's schema rejects other URL forms. */
export function httpUrl(url: string | null): string | undefined {
  return url !== null && /^https?:\/\/\S+$/.test(url) ? url : undefined;
}
