import type { LocateContext, LocatedTool } from '../src/tools/locate.ts';

/** Everything a plugin needs to build its command line for one run. */
export interface PlanContext {
  /** Absolute workspace root: finding paths are relative to it. */
  root: string;
  /** Absolute path the user asked to scan. */
  target: string;
  /** Absolute paths of the files this scanner applies to (already filtered by selectFiles). */
  files: readonly string[];
  /** Absolute directory reserved for this scanner's output. */
  outDir: string;
  tool: LocatedTool;
  options: ScannerOptions;
}

/** The command a plugin wants run; started with an argument array, never through a shell. */
export interface PlannedCommand {
  file: string;
  args: string[];
  cwd?: string;
  env?: Record<string, string>;
  /** Absolute path where the SARIF log lands; undefined means the tool prints it on stdout. */
  sarifPath?: string;
}

/** How a plugin reads its exit code: ran and found nothing, ran and found something, or failed. */
export type ExitMeaning = 'clean' | 'findings' | 'error';

/** Options common to all scanners, from the configuration file. */
export interface ScannerOptions {
  timeoutSeconds: number;
  /** Extra arguments appended to the scanner's command line. */
  extraArgs: string[];
  /** Semgrep: rule configs (paths, or registry packs where the CI has internet). */
  configs?: string[];
}

/** The code around a finding, for recognizing suppression comments. */
export interface SuppressionSite {
  lines: readonly string[];
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  ruleId: string;
}

/** One scanner plugin. Registered by id in scanners/index.ts and checked with `satisfies Scanner`. */
export interface Scanner {
  id: string;
  displayName: string;
  /**
   * Recognizes the tool's in-source suppression comments (nosec, nosemgrep). Plugins ask their tool
   * to report suppressed results anyway, so they are kept and marked rather than silently dropped.
   */
  inSourceSuppression?: (site: SuppressionSite) => string | undefined;
  /**
   * What a result depends on. `file`: only the file it is in, so a pull request scan may give it
   * just the changed files. `tree`: other files too (cross-file analysis, lockfiles), so it always
   * scans everything.
   */
  scope: 'file' | 'tree';
  /**
   * Rough seconds one run costs before the first file (loading rules or queries), on a 2-core runner.
   * Only used to decide which scanner starts first when they do not all run at once.
   */
  startupSeconds?: number;
  /** Which of the candidate files (absolute) under `root` this scanner looks at; none means skipped. */
  selectFiles(files: readonly string[], root: string): string[];
  /** Finds the executable and its version; throws ToolMissingError when it is not installed. */
  locate(context: LocateContext): Promise<LocatedTool>;
  /** Builds the argument list for one run. */
  plan(context: PlanContext): PlannedCommand;
  /**
   * Rule properties the tool reports outside its SARIF (KICS writes each query's own severity only
   * in its JSON report), by rule id; merged under the SARIF rule's properties when normalizing.
   */
  ruleProperties?: (outDir: string) => Promise<ReadonlyMap<string, Record<string, unknown>>>;
  /** Interprets the exit status; the runner treats a signal or timeout as an error itself. */
  interpretExit(exitCode: number): ExitMeaning;
}
