import type * as Sarif from 'sarif';
import type { z } from 'zod';
import type { Exec } from '../src/exec/exec.ts';
import type { InstallRecipe } from '../src/install/recipe.ts';
import type { LocateContext, LocatedTool } from '../src/tools/locate.ts';

/** Everything a plugin needs to build its command line for one run. */
export interface PlanContext<Options extends ScannerOptions = ScannerOptions> {
  /** Absolute workspace root: finding paths are relative to it. */
  root: string;
  /** Absolute path the user asked to scan. */
  target: string;
  /** Absolute paths of the files this scanner applies to (already filtered by selectFiles). */
  files: readonly string[];
  /** Absolute directory reserved for this scanner's output. */
  outDir: string;
  tool: LocatedTool;
  options: Options;
  /** On a change compared with its base: the commits it adds (head phase only). */
  history?: ChangeHistory;
}

/**
 * The commits a change adds, for a scanner that also reads history (Gitleaks: a secret added in one
 * commit of a pull request and removed in a later one is still leaked).
 */
export interface ChangeHistory {
  /** Absolute top folder of the git repository. */
  repoRoot: string;
  /** Where the change forked from its base (excluded). */
  from: string;
  /** The change's head commit (included). */
  to: string;
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

/**
 * Options of one run that every scanner has, from the configuration file. A plugin with settings of
 * its own extends them (Semgrep's rule configs); only that plugin produces and reads its options.
 */
export interface ScannerOptions {
  timeoutSeconds: number;
  /** Extra arguments appended to the scanner's command line. */
  extraArgs: string[];
}

/** What every scanner's section under `scanners:` in .controlgate.yml says, whatever else it adds. */
export interface CommonSettings {
  enabled: boolean;
  /** Seconds before the scanner and all its child processes are killed. */
  timeout: number;
  /** Extra command-line arguments appended to the scanner's own. */
  args: string[];
}

/** A built-in scanner's section of .controlgate.yml, and how it becomes the options of a run. */
export interface ScannerConfig<Options extends ScannerOptions = ScannerOptions> {
  /** zod schema of `scanners.<id>`: strict, every key defaulted, so `{}` parses to the defaults. */
  schema: z.ZodType<CommonSettings>;
  /** The options of one run from the parsed section; `root` is the workspace root. */
  options(settings: CommonSettings, root: string): Options;
}

/** A local file a run's results rest on (a rule file), and the folder its evidence path is relative to. */
export interface RuleFile {
  /** Absolute path of the file. */
  path: string;
  /** Absolute folder the evidence names it relative to (the package for shipped rules, else the workspace). */
  base: string;
}

/** A scratch copy of repository files as the base commit has them (src/pipeline/base-rules.ts). */
export interface BaseCopy {
  /** Absolute folder laid out like the repository. */
  dir: string;
  /** The folder in it that stands for the workspace root. */
  root: string;
}

/** The code around a finding, for recognizing suppression comments. */
export interface SuppressionSite {
  lines: readonly string[];
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  ruleId: string;
}

/** How to see the suppression comments of a tool that drops what they hide. */
export interface DroppedSuppressions {
  /** The 1-based lines of a file holding the tool's suppression comments. */
  commentLines(lines: readonly string[]): number[];
  /** A comment line made inert for the tool, with the same length so lines and columns stay put. */
  neutralize(line: string): string;
  /**
   * A copied file's text as the copy must read so the tool, scanning it beside the original, keeps
   * both apart (KICS merges two Helm charts of one name); `rel` is its repository-relative path.
   */
  distinguish?(rel: string, text: string): string;
}

/** A suppression comment found for a finding: its text and the 1-based line it is on. */
export interface SuppressionComment {
  text: string;
  line: number;
}

/**
 * One scanner plugin. Registered by id in scanners/index.ts and checked with `satisfies Scanner`
 * (`Scanner<ItsOptions>` when it has options of its own).
 */
export interface Scanner<Options extends ScannerOptions = ScannerOptions> {
  id: string;
  displayName: string;
  /** Its section of .controlgate.yml; built-in scanners have one, custom commands are configured in `custom`. */
  config?: ScannerConfig<Options>;
  /** How `controlgate scanners install` puts the tool into the tools folder; none: the user provides it. */
  install?: InstallRecipe;
  /**
   * Recognizes the tool's in-source suppression comments (nosec, nosemgrep). Plugins ask their tool
   * to report suppressed results anyway, so they are kept and marked rather than silently dropped.
   */
  inSourceSuppression?: (site: SuppressionSite) => SuppressionComment | undefined;
  /**
   * For a tool that drops the results its suppression comments hide instead of reporting them
   * (KICS): how to find those comments and make them inert. Where a suppression must be judged
   * (a file the change touched), the runner also scans a copy with the comments made inert, and
   * what only the copy shows is kept as suppressed by that comment (src/runner/reveal.ts).
   */
  droppedSuppressions?: DroppedSuppressions;
  /**
   * For a file-scoped scanner whose files are read together (KICS: a Terraform module, a Helm
   * chart): the unit a repository-relative path belongs to, or undefined for a file on its own. On
   * a pull request the scanner gets every file of each unit the change touched.
   */
  unitOf?: (rel: string, exists: (rel: string) => boolean) => string | undefined;
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
  /**
   * The largest file (bytes) the tool reads with these options. A larger file is not given to it (KICS
   * stops the whole run on one) and is unjudged, so the criteria it covers are not evaluated.
   */
  maxFileBytes?: (options: Options) => number | undefined;
  /**
   * Which of the candidate files (absolute) under `root` this scanner looks at; none means skipped.
   * `options`, when given, are the run's (Semgrep's ignore files live there).
   */
  selectFiles(files: readonly string[], root: string, options?: Options): string[];
  /**
   * Why a file of a kind this scanner reads is still not given to it (Semgrep: its ignore files), or
   * undefined; the coverage ledger says it.
   */
  skipReason?: (file: string, root: string, options?: Options) => string | undefined;
  /** Finds the executable and its version; throws ToolMissingError when it is not installed. */
  locate(context: LocateContext): Promise<LocatedTool>;
  /** Builds the argument list for one run. */
  plan(context: PlanContext<Options>): PlannedCommand;
  /**
   * The local files a run with these options rests on (its rule files), hashed into the evidence so
   * an auditor can tell which rules decided; registry rules have no local bytes and are left out.
   * `copy`, on a change, is where local rules were read from the base: files in it are named as the
   * repository names them.
   */
  ruleFiles?(options: Options, root: string, copy?: BaseCopy): RuleFile[];
  /**
   * Rule properties the tool reports outside its SARIF (KICS writes each query's own severity only
   * in its JSON report), by rule id; merged under the SARIF rule's properties when normalizing.
   */
  ruleProperties?: (outDir: string) => Promise<ReadonlyMap<string, Record<string, unknown>>>;
  /**
   * Adds to the tool's SARIF, in place and before it is normalized, what the tool reports only
   * beside it (Semgrep's fixes are only in its JSON output). It must not throw: a failure here may
   * cost that addition, never the findings; `cwd` is the folder the tool ran in.
   */
  amendLog?: (log: Sarif.Log, outDir: string, cwd: string) => Promise<void>;
  /**
   * Variables of the job's environment the scanner needs besides the basics (PATH, HOME, locale,
   * temp, certificates, proxies): names, or prefixes ending in `*`. Nothing else reaches it.
   */
  environment?: readonly string[];
  /**
   * For a tool whose SARIF lacks what the gate needs (OSV-Scanner's has no fixed versions): writes
   * the SARIF at the plan's `sarifPath` from the tool's own report in `outDir`, after a run that did
   * not fail, and again after the history command (`planHistory`) of a run that has one. A throw
   * fails the run with its message.
   */
  writeSarif?: (outDir: string, cwd: string) => Promise<void>;
  /**
   * A second command run after the first on a change (head phase only, `PlanContext.history` set):
   * a scan of the change's commits. Its exit code is read with `interpretExit`, its SARIF lands at
   * its `sarifPath`, and `historyResults` says which of its results join the first run's.
   */
  planHistory?: (context: PlanContext<Options> & { history: ChangeHistory }) => PlannedCommand;
  /**
   * The results of the history scan to add to the tree scan's log (in place, before it is
   * normalized): those the tree scan does not already show, located so they are not read as the
   * head's lines. It must not throw for a readable log.
   */
  historyResults?: (history: Sarif.Log, tree: Sarif.Log, context: HistoryContext) => Promise<void>;
  /**
   * The data a run's results rest on besides the tool and its rules (OSV-Scanner: the advisory
   * database, offline folder or online service), for the evidence: where it was, its files' hashes
   * and the date of its newest record. Undefined when the tool has none.
   */
  databaseOf?: (options: Options, root: string) => Promise<ToolDatabase | undefined>;
  /** Interprets the exit status; the runner treats a signal or timeout as an error itself. */
  interpretExit(exitCode: number): ExitMeaning;
  /**
   * Looks behind a run that exited as clean or with findings and wrote readable SARIF: why it must
   * still count as failed (KICS that loaded no queries judged nothing), or undefined when it stands.
   */
  checkRun?: (run: FinishedRun) => Promise<string | undefined>;
  /**
   * The files a run that looked successful could not judge, from the tool's own error channel (its
   * SARIF notifications, its side files or its log): a file it could not parse or whose rules timed
   * out was not checked, so it must not count as clean. The runner fails the run when none was judged.
   */
  unjudgedFiles?: (run: JudgedRun) => Promise<UnjudgedFile[]>;
}

/** The advisory data a scanner matched against, as the evidence names it. */
export interface ToolDatabase {
  /** `offline`: files on this machine; `online`: a service queried during the run. */
  kind: 'offline' | 'online';
  /** The folder (offline) or the service's URL (online). */
  location: string;
  /** ISO date-time of the newest record's `modified` over all files (offline), when known. */
  snapshot?: string;
  /** Offline: each file read, relative to `location`, with its SHA-256, size and number of records. */
  files?: { path: string; sha256: string; bytes: number; records: number }[];
}

/** What `historyResults` knows besides the two logs. */
export interface HistoryContext {
  history: ChangeHistory;
  /** Absolute workspace root. */
  root: string;
  /** The folder the tree scan ran in: relative URIs in its log are relative to it. */
  cwd: string;
  outDir: string;
  /** Starts processes (argument arrays): Gitleaks reads a commit's line with git to tell a removed secret from one still there. */
  exec: Exec;
}

/** A file the tool was given but could not judge, and why in the tool's words. */
export interface UnjudgedFile {
  /** Absolute path, as given to the tool. */
  path: string;
  reason: string;
}

/** What a plugin's `unjudgedFiles` sees: the run, its SARIF and the files it was given. */
export interface JudgedRun extends FinishedRun {
  /** Absolute paths of the files the tool was given. */
  files: readonly string[];
  /** The folder the tool ran in: relative paths in its output are relative to it. */
  cwd: string;
  /** Its SARIF log as read, before results are dropped from it. */
  log: Sarif.Log;
  /** Its standard output when its SARIF went to a file (KICS logs there). */
  stdout: string;
}

/** What a plugin's `checkRun` sees of a run that looked successful. */
export interface FinishedRun {
  /** The folder the run wrote its output to (its SARIF, KICS's kics.json). */
  outDir: string;
  exitCode: number;
  /** The end of its standard error. */
  stderrTail: string;
}
