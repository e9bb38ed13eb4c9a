import { type Finding, type Severity, severityRank } from './finding.ts';

/** The fields every report orders findings by. */
export interface Orderable {
  severity: Severity;
  path: string;
  line: number;
  scanner: string;
  ruleId: string;
  fingerprint: string;
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The one order of findings in every report (terminal, comment, HTML): most severe first, then by
 * place, then rule and fingerprint, so equal inputs give equal bytes. Locale-independent on purpose.
 */
export function compareFindings(a: Orderable, b: Orderable): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    byCodeUnits(a.path, b.path) ||
    a.line - b.line ||
    byCodeUnits(a.scanner, b.scanner) ||
    byCodeUnits(a.ruleId, b.ruleId) ||
    byCodeUnits(a.fingerprint, b.fingerprint)
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Findings in file order: path, line, column, rule, fingerprint. Semgrep and KICS write results in an
 * order that varies between runs on the same input; the report, the merged SARIF and the evidence
 * list findings in this order instead, so two runs on the same tree give the same files.
 */
export function byLocation(a: Finding, b: Finding): number {
  return (
    compareText(a.path, b.path) ||
    a.line - b.line ||
    (a.column ?? 0) - (b.column ?? 0) ||
    compareText(a.ruleId, b.ruleId) ||
    compareText(a.message, b.message) ||
    compareText(a.fingerprint, b.fingerprint)
  );
}
