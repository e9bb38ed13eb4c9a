import type { Severity } from '../../findings/finding.ts';
import type { JsonReport } from '../json-report-schema.ts';
import type { CodeQualityIssue, CodeQualitySeverity } from './schema.ts';
import { clean, lines, reportedFindings } from './select.ts';

export type { CodeQualityIssue } from './schema.ts';

/**
 * Code Quality has five levels against our five. Critical goes to `blocker` so that the one level
 * GitLab reserves for "must not merge" is used exactly for what the gate treats as most severe; the
 * rest shift down one step (high → critical, medium → major, low → minor) and info stays info.
 */
const SEVERITY: Record<Severity, CodeQualitySeverity> = {
  critical: 'blocker',
  high: 'critical',
  medium: 'major',
  low: 'minor',
  info: 'info',
};

/**
 * The MR widget shows one line per issue: criteria first (`[CC6.1, CC7.1] …`) so reviewers see which
 * controls a finding touches, then the message with control characters removed and whitespace folded.
 */
function description(criteria: readonly string[], message: string, fallback: string): string {
  const text = clean(message, fallback).replace(/\s+/g, ' ');
  const ids = criteria.map((c) => clean(c, '')).filter(Boolean);
  return ids.length > 0 ? `[${ids.join(', ')}] ${text}` : text;
}

/** GitLab Code Quality report for `artifacts:reports:codequality` (works on the Free tier). */
export function gitlabCodeQualityReport(report: JsonReport): CodeQualityIssue[] {
  return reportedFindings(report).map((f) => ({
    description: description(f.criteria, f.message, clean(f.ruleId)),
    check_name: `${clean(f.scanner)}:${clean(f.ruleId)}`,
    // Our fingerprint ignores line numbers, so an issue that only moved is not shown as new + fixed.
    fingerprint: clean(f.fingerprint),
    severity: SEVERITY[f.severity],
    location: { path: clean(f.path), lines: lines(f) },
  }));
}
