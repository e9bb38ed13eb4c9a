import { type Severity, severityRank } from './finding.ts';

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
