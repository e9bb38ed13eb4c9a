import { mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type * as Sarif from 'sarif';
import { goBinaryPaths } from '../../src/install/go-binary.ts';
import { locateTool } from '../../src/tools/locate.ts';
import { plainConfig } from '../settings.ts';
import type { PlanContext, Scanner, SuppressionComment, SuppressionSite } from '../types.ts';
import { addHistoryResults, gitCommitLines } from './history.ts';
import { type IgnoreEntry, matchingEntry, parseGitleaksIgnore, type ResultKey } from './ignore-file.ts';
import { gitleaksInstall } from './install.ts';
import { buildMirror, MIRROR_SOURCE, removeMirror, workspacePathOf, workspaceUri } from './mirror.ts';
import { passedOverFile } from './passed-over.ts';
import { clearReport, type ReportPair, reportFiles, writeRepairedReports } from './report.ts';
import { gitleaksSkipped } from './skipped-files.ts';

/**
 * The exit code asked for when Gitleaks finds leaks. Not its default 1: Gitleaks also exits 1 on a
 * fatal error (a configuration it cannot load, a folder it cannot read) and after a partial scan (git
 * failed midway), which writes a report too, so 1 could not tell findings from a failure. Nothing
 * else in Gitleaks exits 9 (126 is a bad flag, 2 a Go panic).
 */
export const LEAKS_EXIT_CODE = 9;

/** Its configuration: Gitleaks' built-in rules, and nothing a scanned folder says. */
const DEFAULT_RULES_CONFIG =
  "# Written by controlgate: Gitleaks's built-in rules, named explicitly so no .gitleaks.toml,\n" +
  '# GITLEAKS_CONFIG or GITLEAKS_CONFIG_TOML replaces them.\n' +
  '[extend]\nuseDefault = true\n';

/** Files of a run's output folder: the configuration, the empty ignore folder and the run's facts. */
function runFiles(outDir: string) {
  return {
    config: path.join(outDir, 'gitleaks-config.toml'),
    noIgnores: path.join(outDir, 'gitleaks-no-ignores'),
    workspace: path.join(outDir, 'gitleaks-workspace.json'),
  };
}

/** The repository's ignore file, as Gitleaks run on the workspace root reads it. */
export const IGNORE_FILE = '.gitleaksignore';

/**
 * A leaked credential is high severity (8.0 on the CVSS-like scale): whoever reads the repository or
 * its history can use it, until it is rotated. Gitleaks' SARIF gives neither a severity nor a CWE.
 */
export const SECRET_SECURITY_SEVERITY = '8.0';
/** CWE-798, hard-coded credentials: the weakness Semgrep's secret rules name, so both merge as one problem. */
export const SECRET_CWE = 'CWE-798';

/** Flags both commands share: SARIF to a file, values redacted, every result reported and marked by us. */
function commonArgs(outDir: string, report: ReportPair): string[] {
  const files = runFiles(outDir);
  mkdirSync(files.noIgnores, { recursive: true });
  writeFileSync(files.config, DEFAULT_RULES_CONFIG);
  clearReport(report);
  return [
    '--report-format',
    'sarif',
    // Its own file: writeSarif copies it, repaired, to the one the runner reads (report.ts).
    '--report-path',
    report.tool,
    '--no-banner',
    '--no-color',
    '--exit-code',
    String(LEAKS_EXIT_CODE),
    // `gitleaks:allow` results are reported too and marked suppressed (inSourceSuppression), so a
    // comment the change adds is seen and judged instead of silently hiding the leak.
    '--ignore-gitleaks-allow',
    // An empty folder: Gitleaks drops nothing by a .gitleaksignore; amendLog marks what it lists.
    '--gitleaks-ignore-path',
    files.noIgnores,
    // Explicit, so neither a .gitleaks.toml the change adds to the scanned folder nor the environment
    // (GITLEAKS_CONFIG*) can switch rules off; the base's `args` may still name another.
    '--config',
    files.config,
  ];
}

/**
 * After the base's `args`, so none of them can undo it (the last of a flag wins): the secret never
 * reaches a file or a log, not even the tool's own report. Then the folder scanned.
 */
const LAST_ARGS = ['--redact', MIRROR_SOURCE];

/**
 * The size limit the base's `args` set with `--max-target-megabytes` (the last one wins), in bytes,
 * or undefined for none (Gitleaks' default). Gitleaks checks it against the size of what it walks,
 * which for the links it is given is the link's own few bytes: the runner applies it instead, and
 * names a larger file as not judged.
 */
export function gitleaksMaxFileBytes(extraArgs: readonly string[]): number | undefined {
  let limit: number | undefined;
  for (const [i, arg] of extraArgs.entries()) {
    const value = arg.startsWith('--max-target-megabytes=')
      ? arg.slice('--max-target-megabytes='.length)
      : arg === '--max-target-megabytes'
        ? extraArgs[i + 1]
        : undefined;
    if (value === undefined) continue;
    const mb = Number(value);
    if (Number.isInteger(mb)) limit = mb > 0 ? mb * 1_000_000 : undefined;
  }
  return limit;
}

/** `gitleaks:allow` on a line of the finding: Gitleaks' own comment that hides a result. */
export function gitleaksAllow(site: SuppressionSite): SuppressionComment | undefined {
  for (let n = site.startLine; n <= site.endLine; n++) {
    if ((site.lines[n - 1] ?? '').includes('gitleaks:allow')) return { text: 'gitleaks:allow', line: n };
  }
  return undefined;
}

/** What plan leaves for amendLog, which is given only the output folder and the folder Gitleaks ran in. */
interface WorkspaceFacts {
  root: string;
}

/** What plan wrote for the later steps, or undefined when it cannot be read. */
async function readWorkspaceFacts(outDir: string): Promise<WorkspaceFacts | undefined> {
  try {
    return JSON.parse(await readFile(runFiles(outDir).workspace, 'utf8')) as WorkspaceFacts;
  } catch {
    return undefined;
  }
}

/** The tree scan's command: Gitleaks walks a folder of links to exactly the given files (mirror.ts). */
export function planTreeScan({ root, files, outDir, tool, options }: PlanContext) {
  const paths = runFiles(outDir);
  const reports = reportFiles(outDir);
  mkdirSync(outDir, { recursive: true });
  // The history scan's too: writeSarif copies whichever report is there.
  clearReport(reports.history);
  const args = commonArgs(outDir, reports.tree);
  const cwd = buildMirror(root, files);
  writeFileSync(paths.workspace, `${JSON.stringify({ root } satisfies WorkspaceFacts)}\n`);
  return {
    file: tool.command,
    args: ['dir', '--follow-symlinks', ...args, ...options.extraArgs, ...LAST_ARGS],
    cwd,
    sarifPath: reports.tree.sarif,
  };
}

/** A result's `.gitleaksignore` key: its workspace path (tree) or its commit and path (history). */
function ignoreKey(result: Sarif.Result, rel: string | undefined): ResultKey | undefined {
  const history = result.properties?.gitleaksHistory as
    | { commit?: string; file?: string; line?: number }
    | undefined;
  if (!result.ruleId) return undefined;
  if (history?.commit && history.file && history.line !== undefined) {
    return { file: history.file, ruleId: result.ruleId, startLine: history.line, commit: history.commit };
  }
  const line = result.locations?.[0]?.physicalLocation?.region?.startLine;
  return rel === undefined || line === undefined
    ? undefined
    : { file: rel, ruleId: result.ruleId, startLine: line };
}

/** Where a result is: its rule and its first location's file and region. */
function placeOf(result: Sarif.Result): string {
  const location = result.locations?.[0]?.physicalLocation;
  const region = location?.region;
  return JSON.stringify([
    result.ruleId,
    location?.artifactLocation?.uri,
    region?.startLine,
    region?.startColumn,
    region?.endLine,
    region?.endColumn,
  ]);
}

/**
 * One result per rule and place. Gitleaks reports a match a second time when it finds it again in
 * the base64-decoded text (tags `decoded:base64`), at the same region (seen on the example app's PEM
 * key): one secret, so one finding. The first, the text as written, is kept.
 */
export function oncePerPlace(results: readonly Sarif.Result[]): Sarif.Result[] {
  const seen = new Set<string>();
  return results.filter((result) => {
    const place = placeOf(result);
    if (seen.has(place)) return false;
    seen.add(place);
    return true;
  });
}

/** The suppression an ignore entry puts on a result: in `.gitleaksignore`, at the entry's line. */
function ignoreSuppression(entry: IgnoreEntry, ignoreUri: string): Sarif.Suppression {
  return {
    kind: 'inSource',
    justification: `${IGNORE_FILE}: ${entry.text}`,
    location: {
      physicalLocation: { artifactLocation: { uri: ignoreUri }, region: { startLine: entry.line } },
    },
  };
}

/**
 * Makes Gitleaks' log say what the gate needs: each tree result at its workspace file (not the
 * mirror's link) with a message that names it, each `.gitleaksignore`-listed result marked, each rule
 * given CWE-798 and a severity, and the empty commit fields of a folder scan dropped.
 */
export async function amendGitleaksLog(log: Sarif.Log, outDir: string, cwd: string): Promise<void> {
  removeMirror(cwd);
  const facts = await readWorkspaceFacts(outDir);
  if (!facts) return;
  let entries: IgnoreEntry[] = [];
  try {
    entries = parseGitleaksIgnore(await readFile(path.join(facts.root, IGNORE_FILE), 'utf8'));
  } catch {
    entries = []; // No ignore file: nothing listed.
  }
  // Relative to the folder Gitleaks ran in, which normalization resolves an in-source suppression's
  // file against; a scheme-less URI, as it requires for one in another file.
  const ignoreUri = path.relative(cwd, path.join(facts.root, IGNORE_FILE)).split(path.sep).join('/');
  for (const run of log.runs) {
    if (run.results) run.results = oncePerPlace(run.results);
    for (const rule of run.tool.driver.rules ?? []) {
      rule.properties = {
        ...rule.properties,
        cwe: [SECRET_CWE],
        'security-severity': SECRET_SECURITY_SEVERITY,
      };
    }
    for (const result of run.results ?? []) {
      const artifact = result.locations?.[0]?.physicalLocation?.artifactLocation;
      const rel = artifact?.uri === undefined ? undefined : workspacePathOf(artifact.uri, cwd);
      if (artifact && rel !== undefined) {
        artifact.uri = workspaceUri(facts.root, rel);
        // Gitleaks names the link's target by its absolute path. The finding's location names the
        // file; the message says what to do (a path in a secret finding's message may be masked).
        result.message = {
          text: `A secret matching Gitleaks' ${result.ruleId ?? 'gitleaks'} rule is written here: rotate it, then read it from the environment or a secrets manager.`,
        };
      }
      const fingerprints = result.partialFingerprints;
      if (fingerprints) {
        for (const key of ['author', 'email', 'date', 'commitMessage']) delete fingerprints[key];
        if (fingerprints.commitSha === '') delete fingerprints.commitSha;
      }
      const key = ignoreKey(result, rel);
      const entry = key ? matchingEntry(entries, key) : undefined;
      if (entry) result.suppressions = [...(result.suppressions ?? []), ignoreSuppression(entry, ignoreUri)];
    }
  }
}

export const gitleaks = {
  id: 'gitleaks',
  displayName: 'Gitleaks',
  // No keys of its own in .controlgate.yml: enabled, timeout and args.
  config: plainConfig,
  // Built from its pinned Go module (scanners/gitleaks/pin.json) into <tools>/gitleaks.
  install: gitleaksInstall,
  // A secret is a secret in the file it is written in, whatever the other files say.
  scope: 'file',
  startupSeconds: 0.5,
  inSourceSuppression: gitleaksAllow,
  maxFileBytes: (options) => gitleaksMaxFileBytes(options.extraArgs),
  // Every file, since a secret can be anywhere, but those its default rules pass over whatever they
  // hold (lockfiles, images, vendored code): given one, it would read nothing and count as judging it.
  selectFiles: (files, root) => files.filter((file) => passedOverFile(file, root) === undefined),
  skipReason: (file, root) => passedOverFile(file, root),
  locate: (context) =>
    locateTool(
      {
        id: 'gitleaks',
        binary: 'gitleaks',
        installedAt: (dir) => goBinaryPaths(dir, 'gitleaks').binary,
        recordedIn: (dir) => goBinaryPaths(dir, 'gitleaks').dir,
        versionArgs: ['version'],
      },
      context,
    ),
  plan: planTreeScan,
  planHistory({ outDir, tool, options, history }) {
    const { history: report } = reportFiles(outDir);
    const empty = path.join(outDir, 'gitleaks-history-cwd');
    mkdirSync(empty, { recursive: true });
    return {
      file: tool.command,
      args: [
        'git',
        `--log-opts=${history.from}..${history.to}`,
        ...commonArgs(outDir, report),
        ...options.extraArgs,
        ...LAST_ARGS,
      ],
      // Gitleaks reads `<scanned folder>/.gitleaksignore` whatever it is told: it scans an empty
      // folder, and git finds the repository through GIT_DIR (its `.git`, a folder or a worktree's file).
      cwd: empty,
      env: { GIT_DIR: path.join(history.repoRoot, '.git') },
      sarifPath: report.sarif,
    };
  },
  historyResults: (history, tree, context) =>
    addHistoryResults(history, tree, context, gitCommitLines(context.exec, context.history.repoRoot)),
  amendLog: amendGitleaksLog,
  writeSarif: async (outDir, cwd) => {
    // Once Gitleaks exited without failing, its links are not needed: nothing reads the files
    // through them (results are mapped to the workspace by path arithmetic).
    removeMirror(cwd);
    await writeRepairedReports(outDir);
  },
  // It logs a file it could not follow or read on standard error and goes on with the others.
  unjudgedFiles: async ({ stderrTail, files, cwd, outDir }) => {
    const facts = await readWorkspaceFacts(outDir);
    return facts ? gitleaksSkipped(stderrTail, files, cwd, facts.root) : [];
  },
  // 0 clean, LEAKS_EXIT_CODE leaks; 1 is a fatal error or a partial scan, 126 a bad flag.
  interpretExit: (code) => (code === 0 ? 'clean' : code === LEAKS_EXIT_CODE ? 'findings' : 'error'),
} satisfies Scanner;
