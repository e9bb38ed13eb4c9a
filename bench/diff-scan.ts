/**
 * Diff-aware scan on a generated repository (issue 7): `controlgate scan --base main` on a 5-file
 * change against the full scan of the same checkout, with Semgrep's own diff-aware mode
 * (`--baseline-commit`) and a plain Semgrep scan as anchors. Median of N runs (default 3).
 *   npm run bench:diff [-- --runs N --files N]
 * Needs `npm run scanners:install` first. The repository is rebuilt at every start in
 * out/bench/diff-repo (git-ignored), so it can be inspected after a run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { toolsDir } from '../src/paths.ts';
import { OFFLINE_ENV } from '../src/tools/offline-env.ts';
import { childrenCpuSeconds, loadAverage, machineSummary, median, positiveInt } from './common.ts';
import {
  generate,
  git as gitIn,
  JS_BLOCKS,
  JS_FINDINGS,
  type Module,
  makeBlocks,
  PY_FINDINGS,
  randomSource,
  render,
  writeFile,
  writeRepository,
} from './generated-repo.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// The source entry point, not dist/: the diff-aware scan is measured as the code stands, no build needed.
const cli = path.join(root, 'src', 'cli.ts');
const repo = path.join(root, 'out', 'bench', 'diff-repo');
const rulesDir = path.join(root, 'scanners', 'semgrep', 'rules');
const semgrepBin = path.join(toolsDir(), 'venv', 'bin', 'semgrep');

const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    files: { type: 'string', default: '5000' },
  },
});

const runs = positiveInt(flags.runs, '--runs', 1);
// Below ~20 files there are not enough modules of each language to pick the change's targets from.
const fileCount = positiveInt(flags.files, '--files', 20);

// ---------------------------------------------------------------------------------------------
// The repository (bench/generated-repo.ts) and the change this benchmark makes to it

interface BuiltRepo {
  files: number;
  lines: number;
  flaggedFiles: number;
  mergeBase: string;
  change: string[];
}

function buildRepo(count: number): BuiltRepo {
  const generated = generate(count);
  const { modules, targets } = generated;
  const { files, lines } = writeRepository(
    repo,
    generated,
    '# Generated repository\n\nBuilt by controlgate `bench/diff-scan.ts`; its findings are planted on purpose.\n',
  );
  const write = (file: string, text: string): void => writeFile(repo, file, text);
  const git = (...args: string[]): string => gitIn(repo, ...args);
  git('init', '--quiet');
  git('add', '-A');
  git('commit', '--quiet', '-m', 'Generated application');
  const mergeBase = git('rev-parse', 'HEAD').trim();

  git('checkout', '--quiet', '-b', 'feature');
  const r = randomSource(0xfea7_0001);
  // 1. A new finding in an existing Python file.
  const add = PY_FINDINGS.shell;
  targets.pyAdd.imports.push(...add.imports);
  targets.pyAdd.blocks.push(add.make(r, 'ledger'));
  write(targets.pyAdd.path, render(targets.pyAdd));
  // 2. Code moved within a Python file: its finding changes lines, not identity.
  const blocks = targets.pyMove.blocks;
  const flaggedAt = blocks.findIndex((b) => b.name.startsWith('restore_'));
  const [flagged] = blocks.splice(flaggedAt, 1);
  if (!flagged) throw new Error('the code-move target has no finding');
  if (flaggedAt === blocks.length) blocks.unshift(flagged);
  else blocks.push(flagged);
  write(targets.pyMove.path, render(targets.pyMove));
  // 3. A new JavaScript file with a finding.
  const newJs: Module = {
    path: 'web/catalog/lib/rule-engine.js',
    lang: 'javascript',
    imports: [],
    blocks: [...makeBlocks(r, JS_BLOCKS, 3), JS_FINDINGS.eval.make(r, 'discount')],
  };
  write(newJs.path, render(newJs));
  // 4. A renamed Python file, content unchanged.
  const renamed = targets.pyRename.path.replace(/\/([^/]+)\.py$/, '/legacy_$1.py');
  rmSync(path.join(repo, targets.pyRename.path));
  write(renamed, render(targets.pyRename));
  // 5. A JavaScript file whose eval is replaced by JSON.parse: a fixed finding.
  const jsText = render(targets.jsFix);
  const fixedText = jsText.replace('Boolean(eval(expression))', 'Boolean(JSON.parse(expression))');
  if (fixedText === jsText) throw new Error('the fix target has no eval');
  write(targets.jsFix.path, fixedText);
  git('add', '-A');
  git('commit', '--quiet', '-m', 'Feature: rule engine, ledger export, legacy settings');

  const flaggedFiles = modules.filter((m) => m.finding).length;
  const change = git('diff', '--name-status', '-M', `${mergeBase}..HEAD`)
    .trim()
    .split('\n')
    .map((l) => l.replaceAll('\t', ' '));
  return { files, lines, flaggedFiles, mergeBase, change };
}

// ---------------------------------------------------------------------------------------------
// Measuring

// Without CI variables: the bench measures a local scan, and in GitHub Actions or GitLab CI the
// command would also publish comments and evidence.
const childEnv: NodeJS.ProcessEnv = { ...process.env, ...OFFLINE_ENV, NO_COLOR: '1' };
for (const key of ['CI', 'GITHUB_ACTIONS', 'GITLAB_CI', 'GITHUB_EVENT_PATH', 'CI_MERGE_REQUEST_IID']) {
  delete childEnv[key];
}

interface Case {
  name: string;
  file: string;
  args: string[];
  /** Checks each run's output, so a fast run that measured the wrong thing fails loudly. */
  check?: (stdout: string) => void;
  /**
   * One untimed run first, to load the tools and warm the caches (as bench/example-app.ts does).
   * Not for the full scans: a cold start costs well under a second of a minute-long run, and
   * warming them up would add about two minutes to the benchmark.
   */
  warmUp: boolean;
  /** A line about what the run did (per-scanner times, counts), from its last run's output. */
  describe?: (stdout: string) => string;
  /** Semgrep's SARIF output, read after the runs to report how many results it gave. */
  sarif?: string;
}

interface Sample {
  wall: number;
  cpu: number;
  stdout: string;
}

function runOnce(c: Case): Sample {
  const cpuBefore = childrenCpuSeconds();
  const started = performance.now();
  const result = spawnSync(c.file, c.args, {
    cwd: repo,
    env: childEnv,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const wall = (performance.now() - started) / 1000;
  const cpu = childrenCpuSeconds() - cpuBefore;
  // 0 = pass, 1 = blocked (controlgate) or findings (semgrep); anything else is a failed run.
  if (result.status !== 0 && result.status !== 1) {
    throw new Error(`${c.name} exited ${result.status ?? result.signal}: ${result.stderr.slice(-2000)}`);
  }
  c.check?.(result.stdout);
  return { wall, cpu, stdout: result.stdout };
}

interface BaselineFacts {
  status: string;
  counts: { new: number; unchanged: number; fixed: number };
  changedFiles: unknown[];
  scanners: { id: string; compared: boolean; reason: string | null; baseFilesScanned: number | null }[];
}

function baselineOf(stdout: string): BaselineFacts {
  const report = JSON.parse(stdout) as { baseline: BaselineFacts | null };
  if (!report.baseline) throw new Error('PR scan: the JSON report has no baseline');
  return report.baseline;
}

interface ScannerFacts {
  id: string;
  status: string;
  filesScanned: number | null;
  durationMs: number | null;
}

/** Each scanner's own time: shows which one the wall time waits for, and what the rest share. */
function scannerTimes(stdout: string): string {
  const report = JSON.parse(stdout) as { scanners: ScannerFacts[] };
  return report.scanners
    .map((s) =>
      s.status === 'ok'
        ? `${s.id} ${((s.durationMs ?? 0) / 1000).toFixed(1)} s on ${s.filesScanned ?? '?'} files`
        : `${s.id} ${s.status}`,
    )
    .join(', ');
}

/** The PR scan's comparison: what was new, unchanged and fixed, and how much of the base was scanned. */
function comparison(stdout: string): string {
  const b = baselineOf(stdout);
  const base = b.scanners
    .map((s) => `${s.id} ${s.baseFilesScanned ?? 0}${s.reason ? ` (${s.reason})` : ''}`)
    .join(', ');
  return `${b.counts.new} new, ${b.counts.unchanged} unchanged, ${b.counts.fixed} fixed; base files scanned: ${base}; head: ${scannerTimes(stdout)}`;
}

// ---------------------------------------------------------------------------------------------
// Main

console.log(`machine: ${machineSummary()}; ${runs} runs each; load average ${loadAverage()}`);
const genStart = performance.now();
const built = buildRepo(fileCount);
console.log(
  `repository: ${built.files} files, ${built.lines.toLocaleString('en')} lines of Python/JavaScript, ${built.flaggedFiles} files with a planted finding; generated and committed in ${((performance.now() - genStart) / 1000).toFixed(1)} s`,
);
console.log(`change (main...feature): ${built.change.join('; ')}\n`);

const sarifDir = mkdtempSync(path.join(os.tmpdir(), 'controlgate-bench-diff-'));
const cases: Case[] = [
  {
    name: 'controlgate PR scan (`--base main`)',
    file: process.execPath,
    warmUp: true,
    args: [cli, 'scan', repo, '--base', 'main', '--no-evidence', '--no-progress', '--format', 'json'],
    check: (stdout) => {
      const b = baselineOf(stdout);
      if (b.status !== 'compared') throw new Error(`PR scan: baseline status ${b.status}, not compared`);
      if (b.counts.new < 1) throw new Error('PR scan: no new finding, so the change was not judged');
      if (b.changedFiles.length !== 5)
        throw new Error(`PR scan: ${b.changedFiles.length} changed files, not 5`);
    },
    describe: comparison,
  },
  {
    name: 'controlgate full scan (`--no-base`)',
    file: process.execPath,
    warmUp: false,
    describe: scannerTimes,
    args: [cli, 'scan', repo, '--no-base', '--no-evidence', '--no-progress', '--format', 'json'],
  },
  {
    name: 'semgrep `--baseline-commit` (anchor)',
    file: semgrepBin,
    warmUp: true,
    args: [
      'scan',
      '--baseline-commit',
      built.mergeBase,
      '--config',
      rulesDir,
      '--metrics=off',
      '--disable-version-check',
      '--quiet',
      '--sarif',
      '-o',
      path.join(sarifDir, 'baseline.sarif'),
      repo,
    ],
    sarif: path.join(sarifDir, 'baseline.sarif'),
  },
  {
    name: 'semgrep full scan (context)',
    file: semgrepBin,
    warmUp: false,
    args: [
      'scan',
      '--config',
      rulesDir,
      '--metrics=off',
      '--disable-version-check',
      '--quiet',
      '--sarif',
      '-o',
      path.join(sarifDir, 'full.sarif'),
      repo,
    ],
    sarif: path.join(sarifDir, 'full.sarif'),
  },
];

interface Row {
  c: Case;
  samples: Sample[];
}

const rows: Row[] = [];
const notes: string[] = [];
try {
  for (const c of cases) {
    if (c.warmUp) runOnce(c);
    rows.push({ c, samples: Array.from({ length: runs }, () => runOnce(c)) });
    process.stderr.write(`measured: ${c.name}\n`);
    if (c.sarif) {
      const log = JSON.parse(readFileSync(c.sarif, 'utf8')) as { runs: { results?: unknown[] }[] };
      const count = log.runs.reduce((n, run) => n + (run.results?.length ?? 0), 0);
      notes.push(`${c.name}: ${count} results`);
    }
  }
} finally {
  rmSync(sarifDir, { recursive: true, force: true });
}

const fullWall = median(rows[1]?.samples.map((s) => s.wall) ?? []);
console.log('| run | median wall (s) | min / max (s) | median CPU user+sys (s) | vs full scan |');
console.log('|---|---:|---:|---:|---:|');
for (const { c, samples } of rows) {
  const walls = samples.map((s) => s.wall);
  const wall = median(walls);
  console.log(
    `| ${c.name} | ${wall.toFixed(1)} | ${Math.min(...walls).toFixed(1)} / ${Math.max(...walls).toFixed(1)} | ${median(samples.map((s) => s.cpu)).toFixed(1)} | ${((100 * wall) / fullWall).toFixed(1)} % |`,
  );
}
console.log('');
for (const { c, samples } of rows) {
  const last = samples.at(-1);
  if (c.describe && last) console.log(`${c.name}, last run: ${c.describe(last.stdout)}`);
}
for (const line of notes) console.log(line);
console.log(`load average at the end: ${loadAverage()}`);
