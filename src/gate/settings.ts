import path from 'node:path';
import { CONFIG_FILE_NAMES } from '../config/load.ts';
import { UsageError } from '../errors.ts';
import { DEFAULT_WAIVERS_FILE } from '../findings/waivers.ts';
import type { ActionInputs } from '../platforms/github/inputs.ts';
import type { CommentMode, FailMode } from '../platforms/types.ts';
import { parseYamlSource } from '../yaml-source.ts';

/** `markdown` is the PR/MR comment's body, to preview it locally. */
export type OutputFormat = 'text' | 'json' | 'sarif' | 'markdown';

/** What the change is compared with. */
export type BaseSetting =
  /** The pull/merge request's or merge queue's base in CI; nothing on pushes and locally. */
  | { kind: 'auto' }
  /** Judge everything, even on a pull/merge request. */
  | { kind: 'none' }
  /** This git ref's merge base with the checkout. */
  | { kind: 'ref'; ref: string };

/**
 * Everything one gate run is told, whoever started it (the CLI, the Action, a GitLab job). Paths are
 * absolute, except the target, which messages quote as the user wrote it. Built by the pure
 * functions below; nothing else maps arguments or inputs onto a run.
 */
export interface GateSettings {
  /** The folder or file to scan, as given: relative to `cwd` unless absolute. */
  target: string;
  /** The folder the run works from (the CLI's cwd, the Action's working-directory). */
  cwd: string;
  /** Scanner ids to run; undefined: every scanner the configuration enables. */
  scannerIds?: readonly string[];
  /** SARIF logs produced earlier (CodeQL, ESLint, …), gated like the scanners' own. */
  sarifInputs: readonly string[];
  /** The configuration file; undefined: .controlgate.yml in the target or at the repository root. */
  configFile?: string;
  /** The waivers file; undefined: the configuration's `waivers`, else .controlgate-waivers.yml beside it. */
  waiversFile?: string;
  /** How many scanners run at once; undefined: the configuration's, else all of them. */
  concurrency?: number;
  base: BaseSetting;
  /** An earlier run's evidence bundle (folder or zip) standing for the base instead of scanning it. */
  baseline?: string;
  /**
   * Judge with the change's own policy instead of its base's: a local experiment with a proposed
   * .controlgate.yml. Refused in CI, where a change never chooses its own rules.
   */
  policyFromHead: boolean;
  /** Install the selected scanners (pinned, hash-checked) before scanning. */
  installScanners: boolean;
  /** A line per scanner as it starts and ends. */
  progress: boolean;
  /** The report printed on stdout in this format; undefined prints none (the Action's log has the summary). */
  print?: OutputFormat;
  /** The report in `print`'s format goes to this file instead, and stdout gets the text summary. */
  outputFile?: string;
  /** Raw scanner output is kept here (under raw/), with controlgate.json and controlgate.sarif. */
  outDir?: string;
  /** One SARIF file per scanner goes here, each run with its own category, for code scanning upload. */
  scannerSarifDir?: string;
  evidence: {
    /** The evidence bundle's folder; undefined writes none (unless `zip`). */
    dir?: string;
    /** The bundle as one reproducible zip as well. */
    zip?: string;
    /** What the bundle is called where people find it (the artifact's name). */
    name: string;
    /** Upload the folder as the platform's artifact. */
    upload: boolean;
    /** Days the platform keeps the artifact; undefined: the repository's setting. */
    retentionDays?: number;
  };
  /** Where platform reports (GitLab's SAST and Code Quality JSON) are written. */
  reportsDir: string;
  /** update: one sticky PR comment / MR note kept up to date, told apart from other jobs' by `key`. */
  comment: { mode: CommentMode; key: string };
  /** A commit status branch protection can require, under this name. */
  status: { enabled: boolean; context: string };
  /** Inline annotations on the most severe findings. */
  annotations: boolean;
  /**
   * enforce: the exit code blocks the merge; report-only: the decision is reported, the step passes;
   * auto: enforce on a change (and locally), report-only on CI runs with no change to judge (pushes,
   * schedules), so an existing repository's default branch records its debt without failing.
   */
  failMode: FailMode;
  /** End with a one-line decision in the log (the Action; the CLI's report already says it). */
  announceDecision: boolean;
  /** Fork-safe second half: publish the results in this downloaded evidence folder instead of scanning. */
  reportFrom?: string;
}

/** The `scan` command's arguments as commander parses them. */
export type { FailMode };

export interface ScanArgs {
  path: string;
  waivers?: string;
  /** A folder name, false for --no-evidence, or undefined: on by default in CI. */
  evidence?: string | false;
  evidenceZip?: string;
  commentKey: string;
  comment: CommentMode;
  reportsDir?: string;
  scanners?: string[];
  format: OutputFormat;
  output?: string;
  outDir?: string;
  config?: string;
  concurrency?: number;
  progress: boolean;
  /** Compare with this git ref's merge base; false for --no-base (judge everything even in CI). */
  base?: string | false;
  /** Compare with an earlier run's evidence bundle. */
  baseline?: string;
  /** SARIF logs from other tools to add as inputs. */
  sarif?: string[];
  /** Judge with the change's own policy (local experiments only). */
  policyFromHead?: boolean;
  /** enforce | report-only | auto (the default). */
  failMode?: FailMode;
  /** Install the selected built-in scanners before scanning (the GitLab template's job). */
  installScanners?: boolean;
}

/** The evidence folder CI runs write when the user names none: where auditors look for artifacts. */
export const DEFAULT_EVIDENCE_NAME = 'controlgate-evidence';

function resolved(cwd: string, file: string | undefined): string | undefined {
  return file === undefined ? undefined : path.resolve(cwd, file);
}

function baseFromFlag(flag: string | false | undefined): BaseSetting {
  if (flag === false) return { kind: 'none' };
  return flag === undefined ? { kind: 'auto' } : { kind: 'ref', ref: flag };
}

/**
 * Settings for `controlgate scan` outside GitLab. `ci`: the run is in CI, where the evidence
 * bundle is written by default.
 */
export function settingsFromCli(args: ScanArgs, cwd: string, ci: boolean): GateSettings {
  const none = args.scanners?.length === 1 && args.scanners[0] === 'none';
  if (none && !args.sarif?.length)
    throw new UsageError('--scanners none leaves nothing to scan; add --sarif FILE… with the logs to gate');
  if (args.policyFromHead && ci)
    throw new UsageError(
      "--policy-from-head is for trying a policy locally; in CI a change is always judged by its base's policy",
    );
  const evidenceDir =
    args.evidence === false ? undefined : (args.evidence ?? (ci ? DEFAULT_EVIDENCE_NAME : undefined));
  const evidenceZip = resolved(cwd, args.evidenceZip);
  const outputFile = resolved(cwd, args.output);
  const outDir = resolved(cwd, args.outDir);
  const configFile = resolved(cwd, args.config);
  const waiversFile = resolved(cwd, args.waivers);
  const baseline = resolved(cwd, args.baseline);
  return {
    target: args.path,
    cwd,
    ...(args.scanners ? { scannerIds: none ? [] : args.scanners } : {}),
    sarifInputs: (args.sarif ?? []).map((f) => path.resolve(cwd, f)),
    ...(configFile ? { configFile } : {}),
    ...(waiversFile ? { waiversFile } : {}),
    ...(args.concurrency ? { concurrency: args.concurrency } : {}),
    base: baseFromFlag(args.base),
    ...(baseline ? { baseline } : {}),
    policyFromHead: args.policyFromHead === true,
    installScanners: args.installScanners === true,
    progress: args.progress,
    print: args.format,
    ...(outputFile ? { outputFile } : {}),
    ...(outDir ? { outDir } : {}),
    evidence: {
      ...(evidenceDir ? { dir: path.resolve(cwd, evidenceDir) } : {}),
      ...(evidenceZip ? { zip: evidenceZip } : {}),
      name: evidenceDir ? path.basename(evidenceDir) : DEFAULT_EVIDENCE_NAME,
      upload: false,
    },
    reportsDir: path.resolve(cwd, args.reportsDir ?? '.'),
    comment: { mode: args.comment, key: args.commentKey },
    status: { enabled: false, context: '' },
    annotations: false,
    failMode: args.failMode ?? 'auto',
    announceDecision: false,
  };
}

/**
 * Settings for `controlgate scan` in a GitLab job (the template's script): as the CLI in CI, with
 * the MR note on and the SAST and Code Quality reports beside the job (its `artifacts:reports`).
 */
export function settingsFromGitlab(args: ScanArgs, cwd: string): GateSettings {
  return settingsFromCli(args, cwd, true);
}

/**
 * Settings for the Action: paths relative to `working-directory` in the workspace, the evidence
 * and per-scanner SARIF in the runner's temporary folder, everything else from the inputs.
 */
export function settingsFromAction(
  inputs: ActionInputs,
  runner: { workspace: string; temp: string },
): GateSettings {
  const cwd = path.resolve(runner.workspace, inputs.workingDirectory);
  const temp = path.join(runner.temp, 'controlgate');
  const base: BaseSetting =
    inputs.base === 'auto'
      ? { kind: 'auto' }
      : inputs.base === 'none'
        ? { kind: 'none' }
        : { kind: 'ref', ref: inputs.base };
  const fromEvidence = inputs.reportFrom !== undefined;
  return {
    target: inputs.path,
    cwd,
    ...(inputs.scanners ? { scannerIds: inputs.scanners } : {}),
    sarifInputs: [],
    ...(inputs.config ? { configFile: path.resolve(cwd, inputs.config) } : {}),
    base,
    ...(inputs.baseline ? { baseline: path.resolve(cwd, inputs.baseline) } : {}),
    policyFromHead: false,
    installScanners: inputs.installScanners,
    progress: true,
    scannerSarifDir: path.join(temp, 'sarif'),
    evidence: {
      dir: path.join(temp, inputs.evidenceName),
      name: inputs.evidenceName,
      upload: true,
      ...(inputs.evidenceRetentionDays !== undefined ? { retentionDays: inputs.evidenceRetentionDays } : {}),
    },
    reportsDir: cwd,
    comment: { mode: inputs.comment, key: inputs.commentKey },
    status: { enabled: inputs.status, context: inputs.statusContext },
    // The second half re-posts an earlier run's results: its annotations were made by that run.
    annotations: inputs.annotations && !fromEvidence,
    failMode: inputs.failMode,
    announceDecision: true,
    // A downloaded artifact's folder, as the workflow's earlier step named it: from the workspace.
    ...(fromEvidence ? { reportFrom: path.resolve(runner.workspace, inputs.reportFrom ?? '.') } : {}),
  };
}

/**
 * The policy and waiver files a merge record checks, repository-relative: the configuration (the
 * given one, else .controlgate.yml at the root) and the waivers file it names, else the one beside
 * it. Read from the checkout of the target branch after the merge.
 */
export function policyPaths(
  repoRoot: string,
  configFile: string | undefined,
  readText: (file: string) => string | undefined,
): { path: string; kind: 'config' | 'waivers' }[] {
  const config =
    configFile ??
    CONFIG_FILE_NAMES.map((name) => path.join(repoRoot, name)).find((f) => readText(f) !== undefined) ??
    path.join(repoRoot, CONFIG_FILE_NAMES[0] ?? '.controlgate.yml');
  let waivers: string | undefined;
  const text = readText(config);
  if (text !== undefined) {
    try {
      const data = parseYamlSource(text, config).data as { waivers?: unknown } | null;
      if (typeof data?.waivers === 'string') waivers = data.waivers;
    } catch {
      // A broken configuration: the gate reports it; the record still checks the default names.
    }
  }
  const relative = (file: string) => path.relative(repoRoot, file).split(path.sep).join('/');
  return [
    { path: relative(config), kind: 'config' },
    { path: relative(path.resolve(path.dirname(config), waivers ?? DEFAULT_WAIVERS_FILE)), kind: 'waivers' },
  ];
}
