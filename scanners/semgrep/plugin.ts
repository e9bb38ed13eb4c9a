import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type * as Sarif from 'sarif';
import { packageRoot } from '../../src/paths.ts';
import { locateTool } from '../../src/tools/locate.ts';
import { OFFLINE_ENV, PYTHON_NO_WRITE_ENV } from '../../src/tools/offline-env.ts';
import { isMinifiedJs, isTextCandidate } from '../file-kinds.ts';
import { firstLine, toolNotifications } from '../notifications.ts';
import { pythonScannersDir, pythonScannersVenv } from '../python-venv.ts';
import type { BaseCopy, Scanner, SuppressionComment, SuppressionSite, UnjudgedFile } from '../types.ts';
import { type SemgrepOptions, semgrepConfig } from './config.ts';
import { amendWithSemgrepFixes, semgrepJsonPath } from './fixes.ts';
import { DEFAULT_SEMGREP_IGNORE, semgrepIgnoreReason } from './ignore.ts';

/** The files Semgrep reads by kind: text, and minified JavaScript (its ignore files decide on that). */
function readsKind(file: string): boolean {
  return isTextCandidate(file) || isMinifiedJs(file);
}

/** The rule pack shipped with controlgate; `builtin` in the config points here. */
export function builtinRulesDir(): string {
  return path.join(packageRoot(), 'scanners', 'semgrep', 'rules');
}

/** The files of a rule config on disk (one file, or a folder's, sorted); none when it is not local. */
function filesUnder(target: string): string[] {
  const info = statSync(target, { throwIfNoEntry: false });
  if (!info) return [];
  if (info.isFile()) return [target];
  return readdirSync(target, { recursive: true })
    .map((f) => path.join(target, String(f)))
    .filter((f) => statSync(f).isFile())
    .sort();
}

/** Semgrep's SARIF in its output folder; its JSON output sits beside it (fixes.ts). */
const SARIF_FILE = 'semgrep.sarif';

const NOSEM = /(?:#|\/\/|\/\*|--|<!--)\s*nosem(?:grep)?\b(?:\s*:\s*([\w.\-/, ]+))?/i;

/**
 * Semgrep's `nosemgrep` comment: on the finding's first line, or alone on the line before it. With
 * rule ids listed it only covers those ids (a suffix of the full id counts, as Semgrep does it).
 */
function nosemgrep(site: SuppressionSite): SuppressionComment | undefined {
  const candidates = [{ text: site.lines[site.startLine - 1] ?? '', line: site.startLine }];
  const previous = site.lines[site.startLine - 2];
  if (previous !== undefined && /^\s*(#|\/\/|\/\*|--|<!--)/.test(previous))
    candidates.push({ text: previous, line: site.startLine - 1 });
  for (const { text, line } of candidates) {
    const match = NOSEM.exec(text);
    if (!match) continue;
    const ids = match[1]
      ?.split(/[\s,]+/)
      .map((id) => id.trim())
      .filter(Boolean);
    if (!ids || ids.length === 0 || ids.some((id) => site.ruleId === id || site.ruleId.endsWith(`.${id}`))) {
      return { text: match[0].replace(/^(#|\/\/|\/\*|--|<!--)\s*/, '').trim(), line };
    }
  }
  return undefined;
}

/** Whether `text` names `file` as a whole path (not as the start of a longer one: a.js in a.jsx). */
function names(text: string, file: string): boolean {
  for (let at = text.indexOf(file); at !== -1; at = text.indexOf(file, at + 1)) {
    if (!/[\w.\-/]/.test(text[at + file.length] ?? '')) return true;
  }
  return false;
}

/**
 * Semgrep keeps going past a file whose rules time out or that does not parse, exits 0 and reports
 * it only as an execution notification (`Timeout`, `Syntax error`, …) whose message names the rule
 * and the path without a SARIF location. Any such notification naming a file it was given leaves
 * that file unjudged: what the rule would have found there is unknown.
 */
export function semgrepUnjudged(log: Sarif.Log, cwd: string, files: readonly string[]): UnjudgedFile[] {
  return toolNotifications(log, cwd)
    .filter((n) => n.level === 'error' || n.level === 'warning')
    .flatMap((n) => {
      const timedOut = /^Timeout when running (\S+) on /.exec(n.text);
      const reason = timedOut ? `rule ${timedOut[1]} timed out` : `${n.id || 'error'}: ${firstLine(n.text)}`;
      const named = new Set([...n.files, ...files.filter((f) => names(n.text, f))]);
      return [...named].map((file) => ({ path: file, reason }));
    });
}

/** Whether the configuration's `args` set `flag` (alone or as `flag=value`). */
function gives(extraArgs: readonly string[], flag: string): boolean {
  return extraArgs.some((a) => a === flag || a.startsWith(`${flag}=`));
}

/**
 * Semgrep gives up a rule on a file after 5 s, and the whole file after 3 such time-outs, then exits
 * 0: on a large file that drops exactly the taint rules that matter. 30 s a rule costs nothing on
 * files that finish (most take milliseconds) and is bounded by the scanner's own time-out. Semgrep
 * refuses a repeated option, so a value in the configuration's `args` replaces the default.
 */
export function ruleTimeouts(extraArgs: readonly string[]): string[] {
  const given = (flag: string) => gives(extraArgs, flag);
  return [
    ...(given('--timeout') ? [] : ['--timeout', '30']),
    ...(given('--timeout-threshold') ? [] : ['--timeout-threshold', '3']),
  ];
}

export const semgrep = {
  id: 'semgrep',
  displayName: 'Semgrep',
  config: semgrepConfig,
  // With Bandit, in the venv of scanners/python-scanners.lock.
  install: pythonScannersVenv,
  // Open-source Semgrep's analysis (taint included) stays within one file.
  scope: 'file',
  // Parsing its rule pack and starting its workers: about 4 s even for one file.
  startupSeconds: 4,
  inSourceSuppression: nosemgrep,
  // Our rule pack includes language-agnostic secret rules, so every text file is in scope.
  // Its own settings (SEMGREP_*, e.g. a rule registry mirror); SEMGREP_APP_TOKEN never passes (a credential).
  environment: ['SEMGREP_*', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME'],
  // Minus what its ignore files (without any, its default list) leave out, as Semgrep run on the
  // folder does: minified JavaScript too, which its default list leaves out and a .semgrepignore may not.
  selectFiles: (files, root, options?) =>
    files.filter(
      (f) =>
        readsKind(f) && semgrepIgnoreReason(options?.ignore ?? DEFAULT_SEMGREP_IGNORE, root, f) === undefined,
    ),
  skipReason: (file, root, options?) =>
    readsKind(file) ? semgrepIgnoreReason(options?.ignore ?? DEFAULT_SEMGREP_IGNORE, root, file) : undefined,
  locate: (context) =>
    locateTool(
      {
        id: 'semgrep',
        binary: 'semgrep',
        installedAt: (dir) => path.join(pythonScannersDir(dir), 'bin', 'semgrep'),
        recordedIn: pythonScannersDir,
        versionArgs: ['--version'],
      },
      context,
    ),
  plan({ root, files, outDir, tool, options }) {
    const sarifPath = path.join(outDir, SARIF_FILE);
    const configs = (options.configs ?? ['builtin']).flatMap((c) => [
      '--config',
      c === 'builtin' ? builtinRulesDir() : c,
    ]);
    return {
      file: tool.command,
      args: [
        'scan',
        '--metrics=off',
        '--disable-version-check',
        // Keep rule ids as written: otherwise Semgrep prefixes them with the config's path.
        '--no-rewrite-rule-ids',
        // Report nosemgrep results too; normalization marks them suppressed instead of losing them.
        '--disable-nosem',
        '--sarif',
        '--output',
        sarifPath,
        // Its JSON too, in the same run: only the JSON has each result's fix (see fixes.ts). Semgrep
        // refuses a repeated option: a JSON output the configuration asks for wins, without fixes.
        ...(gives(options.extraArgs, '--json-output') ? [] : [`--json-output=${semgrepJsonPath(sarifPath)}`]),
        '--quiet',
        ...configs,
        ...ruleTimeouts(options.extraArgs),
        ...options.extraArgs,
        // Explicit targets, which Semgrep judges whatever its ignore files say: selectFiles applied
        // them already (ignore.ts), so these are the files Semgrep run on the folder would judge.
        ...files,
      ],
      cwd: root,
      env: { ...OFFLINE_ENV, ...PYTHON_NO_WRITE_ENV },
      sarifPath,
    };
  },
  // Semgrep reads the YAML files of each local config (the rule pack's test files beside them are not rules).
  // On a change they are the base's copies, named as the repository names them.
  ruleFiles: (options: SemgrepOptions, root: string, copy?: BaseCopy) =>
    (options.configs ?? ['builtin']).flatMap((config) => {
      const builtin = config === 'builtin';
      const local = builtin ? builtinRulesDir() : path.resolve(root, config);
      const copied = copy !== undefined && (local === copy.dir || local.startsWith(`${copy.dir}${path.sep}`));
      const base = builtin ? packageRoot() : copy && copied ? copy.root : root;
      return filesUnder(local)
        .filter((file) => /\.ya?ml$/.test(file))
        .map((file) => ({ path: file, base }));
    }),
  // 0 with or without findings (1 only under --error); 2 and up are errors.
  interpretExit: (code) => (code === 0 || code === 1 ? 'findings' : 'error'),
  amendLog: (log, outDir, cwd) =>
    amendWithSemgrepFixes(log, semgrepJsonPath(path.join(outDir, SARIF_FILE)), cwd),
  unjudgedFiles: async ({ log, cwd, files }) => semgrepUnjudged(log, cwd, files),
} satisfies Scanner<SemgrepOptions>;
