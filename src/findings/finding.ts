/** Severity scale shared by every scanner once normalized. Ordered from most to least severe. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Rank for sorting and thresholds: critical = 4 … info = 0. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.length - 1 - SEVERITIES.indexOf(severity);
}

/** How a finding came to be suppressed; in-source comments are kept and marked, not dropped. */
export interface Suppression {
  kind: 'inSource' | 'external';
  status: 'accepted' | 'underReview' | 'rejected';
  justification?: string;
  /** For an in-source suppression: the 1-based line of its comment, when known. */
  line?: number;
  /**
   * For an in-source suppression written in another file than the finding's (Gitleaks'
   * `.gitleaksignore`): that file, workspace-relative; `line` is then its line.
   */
  file?: string;
  /**
   * Set on a run compared with a base: true when the change wrote this suppression (its comment is
   * on a line the change added or edited, or the finding it hides is itself new), so it was never
   * reviewed on the base branch; false when it was already there.
   */
  addedByChange?: boolean;
}

/**
 * One replacement in the finding's file: the region (1-based lines and columns, end column
 * exclusive, as SARIF's region) and the text that takes its place.
 */
export interface FixReplacement {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
  text: string;
  /** The tool's words for the fix, when it gives any. */
  description?: string;
}

/** One problem reported by one scanner, in the shape every later stage reads. */
export interface Finding {
  scanner: string;
  scannerVersion: string;
  ruleId: string;
  ruleName?: string;
  message: string;
  severity: Severity;
  /** Where the severity came from, so reviewers can see why a finding is "high". */
  severitySource: 'security-severity' | 'tool-property' | 'level' | 'rule-default' | 'fallback';
  /** e.g. ["CWE-89"], sorted and unique. */
  cwe: string[];
  category?: string;
  tags: string[];
  /** Repo-relative POSIX path; for locations outside the workspace, the redacted original URI. */
  path: string;
  /** False when the SARIF location pointed outside the workspace: never read, never linked. */
  inWorkspace: boolean;
  line: number;
  endLine: number;
  column?: number;
  snippet?: string;
  suppressed: boolean;
  suppressions: Suppression[];
  /** Stable identity: survives line shifts (rule + path + normalized matched code + occurrence). */
  fingerprint: string;
  /** True when the finding is a secret; its values were redacted from message and snippet. */
  secret: boolean;
  helpUri?: string;
  /**
   * The tool's own fix for this finding (SARIF `fixes`, Semgrep's `fix:`), as one replacement of a
   * region of the finding's file; absent when the tool proposes none, and never kept for a secret.
   */
  fix?: FixReplacement;
  /** Index of the result in the scanner's own SARIF run, for tracing back to the raw evidence. */
  resultIndex: number;
  /**
   * Set when the scan compared with a base: introduced by the change, present at the base too,
   * or present at the base and gone now. Absent when everything is judged without a base.
   */
  baselineState?: 'new' | 'unchanged' | 'fixed';
}
