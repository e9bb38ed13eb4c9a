import type * as Sarif from 'sarif';
import type { Finding } from './finding.ts';

/** The outcome of one scanner in one scan: what ran, how it ended, and what it found. */
export interface ScannerRun {
  id: string;
  displayName: string;
  /** ok: ran and its SARIF was read; failed: could not run or be read; skipped: no files for it. */
  status: 'ok' | 'failed' | 'skipped';
  version?: string;
  /** Why it failed or was skipped, in one line. */
  error?: string;
  /** The last part of its stderr, for diagnosing failures (already redacted). */
  stderrTail?: string;
  exitCode?: number | null;
  signal?: string;
  durationMs: number;
  command?: { file: string; args: string[]; cwd?: string };
  sarifPath?: string;
  filesScanned: number;
  /**
   * Files the tool was given but says it could not judge (did not parse, its rules timed out), with
   * its reason; paths relative to the root. Their criteria are not evaluated: no finding is no proof.
   */
  unjudged?: { path: string; reason: string }[];
  findings: Finding[];
  /**
   * The tool's SARIF without its results (tool, rules, invocations), for the merged SARIF. Typed with
   * the published SARIF types, which sarif/model.ts's validated subset is checked to fit, so that this
   * stage type stays below sarif/ (which reads and writes it) instead of importing it.
   */
  log?: Sarif.Log;
  /** The tool's whole SARIF on disk, secret values redacted: what the evidence keeps as raw. */
  rawSarifPath?: string;
  /** Criteria this run stands for when its scanner is not in the mapping data (imported SARIF). */
  covers?: readonly string[];
  /** True for a SARIF log given with --sarif rather than a scanner controlgate ran. */
  imported?: boolean;
}
