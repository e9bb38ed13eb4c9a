import type { Finding, Severity } from '../findings/finding.ts';
import type { SarifLevel } from './model.ts';

/** CVSS-style 0–10 score to a severity, the scale GitHub code scanning uses for `security-severity`. */
export function severityFromScore(score: number): Severity {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  if (score > 0) return 'low';
  return 'info';
}

/**
 * The `security-severity` written for a rule whose tool gives none (Bandit, KICS), from our severity:
 * the middle of GitHub code scanning's bands (9.0 and up critical, 7.0–8.9 high, 4.0–6.9 medium,
 * 0.1–3.9 low), so code scanning shows the same Critical / High / Medium / Low as the report. Info
 * gets none: code scanning then goes by the SARIF level (a note).
 */
export const SECURITY_SEVERITY: Readonly<Record<Severity, string | undefined>> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '2.0',
  info: undefined,
};

/** A tool's own severity word (Bandit's issue_severity, KICS's severity, …) to our scale. */
export function severityFromWord(word: string): Severity | undefined {
  switch (word.trim().toLowerCase()) {
    case 'critical':
    case 'blocker':
      return 'critical';
    case 'high':
    case 'error':
    case 'major':
      return 'high';
    case 'medium':
    case 'moderate':
    case 'warning':
      return 'medium';
    case 'low':
    case 'minor':
    case 'note':
      return 'low';
    case 'info':
    case 'informational':
    case 'information':
    case 'none':
    case 'trace':
      return 'info';
    default:
      return undefined;
  }
}

/** SARIF level to severity: error is high (a level cannot say critical), warning medium, note low. */
export function severityFromLevel(level: SarifLevel): Severity {
  return ({ error: 'high', warning: 'medium', note: 'low', none: 'info' } as const)[level];
}

function readScore(value: unknown): number | undefined {
  const n =
    typeof value === 'number' ? value : typeof value === 'string' ? Number.parseFloat(value) : Number.NaN;
  return Number.isFinite(n) && n >= 0 && n <= 10 ? n : undefined;
}

/** Property names tools use for their own severity word, most specific first. */
const TOOL_SEVERITY_KEYS = ['issue_severity', 'severity', 'Severity'] as const;

export interface SeveritySignals {
  resultProperties?: Record<string, unknown>;
  ruleProperties?: Record<string, unknown>;
  resultLevel?: SarifLevel;
  ruleLevel?: SarifLevel;
  resultKind?: string;
}

/**
 * Picks a finding's severity from the strongest signal present: `security-severity`, then the tool's
 * own severity property, then the result level, then the rule's default level; SARIF's default
 * level is warning, hence medium when nothing is said.
 */
export function resolveSeverity(s: SeveritySignals): Pick<Finding, 'severity' | 'severitySource'> {
  const score =
    readScore(s.resultProperties?.['security-severity']) ??
    readScore(s.ruleProperties?.['security-severity']);
  if (score !== undefined) return { severity: severityFromScore(score), severitySource: 'security-severity' };
  for (const bag of [s.resultProperties, s.ruleProperties]) {
    for (const key of TOOL_SEVERITY_KEYS) {
      const value = bag?.[key];
      const severity = typeof value === 'string' ? severityFromWord(value) : undefined;
      if (severity) return { severity, severitySource: 'tool-property' };
    }
  }
  if (s.resultLevel) return { severity: severityFromLevel(s.resultLevel), severitySource: 'level' };
  if (s.resultKind && s.resultKind !== 'fail') return { severity: 'info', severitySource: 'level' };
  if (s.ruleLevel) return { severity: severityFromLevel(s.ruleLevel), severitySource: 'rule-default' };
  return { severity: 'medium', severitySource: 'fallback' };
}
