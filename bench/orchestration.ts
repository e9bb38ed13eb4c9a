/**
 * What controlgate's orchestration costs (issue 8): `controlgate scan --no-base --no-evidence` against
 * each scanner run alone with the very command line controlgate gives it, and against the three run
 * one after another. On the example app and on a generated medium repository (3,000 Python,
 * JavaScript and Terraform files, 60 of them Terraform). Median of N runs (default 3).
 *   npm run bench:orchestration [-- --runs N --files N --terraform N --targets example,medium
 *                                  --wait-minutes N]
 * Needs `npm run scanners:install` first. The medium repository is rebuilt at every start in
 * out/bench/medium-repo (git-ignored), so it can be inspected after a run.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BUILTIN_SCANNERS } from '../scanners/index.ts';
import type { Scanner } from '../scanners/types.ts';
import { loadConfig } from '../src/config/load.ts';
import { realExec, scannerEnvironment } from '../src/exec/exec.ts';
import { toolsDir } from '../src/paths.ts';
import { listFiles, resolveWorkspace } from '../src/pipeline/workspace.ts';
import { OFFLINE_ENV } from '../src/tools/offline-env.ts';
import {
  idleWaiter,
  loadAverage,
  machineSummary,
  markdownTable,
  median,
  positiveInt,
  seconds,
  type Timed,
  timed,
  undisturbed,
  waitForQuietMachine,
} from './common.ts';
import { generate, git, writeRepository } from './generated-repo.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// The source entry point, as bench/diff-scan.ts uses: the code as it stands, no build needed.
const cli = path.join(root, 'src', 'cli.ts');
const mediumRepo = path.join(root, 'out', 'bench', 'medium-repo');

const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    files: { type: 'string', default: '3000' },
    terraform: { type: 'string', default: '60' },
    targets: { type: 'string', default: 'example,medium' },
    // How long to wait for a quiet machine (load average ≤ 0.7) before measuring anyway; 0: no wait.
    'wait-minutes': { type: 'string', default: '30' },
  },
});
const runs = positiveInt(flags.runs, '--runs', 1);
// The generator needs a few modules of each language; see bench/generated-repo.ts.
const fileCount = positiveInt(flags.files, '--files', 40);
const terraformCount = positiveInt(flags.terraform, '--terraform', 1);
const waitSeconds = 60 * positiveInt(flags['wait-minutes'], '--wait-minutes', 0);
// Between runs: wait while other processes are busy, up to the same time in all.
const waitForIdle = idleWaiter(waitSeconds);
const targetNames = flags.targets.split(',').map((t) => t.trim());
for (const t of targetNames) {
  if (t !== 'example' && t !== 'medium') throw new Error(`--targets takes example and/or medium, not ${t}`);
}

// Without CI variables: the bench measures a local scan, and in GitHub Actions or GitLab CI the
// command would also publish comments and evidence.
const childEnv: NodeJS.ProcessEnv = { ...process.env, ...OFFLINE_ENV, NO_COLOR: '1' };
for (const key of ['CI', 'GITHUB_ACTIONS', 'GITLAB_CI', 'GITHUB_EVENT_PATH', 'CI_MERGE_REQUEST_IID']) {
  delete childEnv[key];
}

// ---------------------------------------------------------------------------------------------
// The scanners' own command lines

interface AloneCommand {
  scanner: Scanner;
  file: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** How many files controlgate hands this scanner. */
  files: number;
  outDir: string;
  sarifPath: string | undefined;
}

const BUILTIN_IDS = ['semgrep', 'bandit', 'kics'] as const;

/**
 * The commands controlgate would run, built by controlgate's own code: the same workspace and file
 * listing, each plugin's file selection and command plan, only with output into this benchmark's
 * folder. A scan's JSON report names each scanner's file count, which is checked against these.
 */
async function aloneCommands(target: string, scratch: string): Promise<AloneCommand[]> {
  const workspace = resolveWorkspace(target);
  const { config } = await loadConfig({ target: workspace.targetDir, root: workspace.root });
  const files = await listFiles(workspace, config);
  const commands: AloneCommand[] = [];
  for (const id of BUILTIN_IDS) {
    const scanner = BUILTIN_SCANNERS.get(id);
    if (!scanner) throw new Error(`no built-in scanner ${id}`);
    const settings = config.scanners[id];
    const configs = id === 'semgrep' ? config.scanners.semgrep.configs : ['builtin'];
    // Settings would change controlgate's command lines; this benchmark builds the default ones only.
    if (!settings.enabled || settings.args.length > 0 || configs.join() !== 'builtin') {
      throw new Error(
        `${target}: the configuration changes ${id}'s settings; the benchmark expects the defaults`,
      );
    }
    const selected = scanner.selectFiles(files, workspace.root);
    const tool = await scanner.locate({ exec: realExec, toolsDir: toolsDir(), env: childEnv });
    const outDir = path.join(scratch, id);
    const plan = scanner.plan({
      root: workspace.root,
      target: workspace.target,
      files: selected,
      outDir,
      tool,
      options: scanner.config.options(settings, workspace.root),
    });
    commands.push({
      scanner,
      file: plan.file,
      args: plan.args,
      cwd: plan.cwd ?? workspace.root,
      env: { ...scannerEnvironment(childEnv), ...plan.env },
      files: selected.length,
      outDir,
      sarifPath: plan.sarifPath,
    });
  }
  return commands;
}

// ---------------------------------------------------------------------------------------------
// Cases and runs

interface ScannerFacts {
  id: string;
  status: string;
  filesScanned: number;
  durationMs: number;
  findings: number;
}

interface Sample {
  run: Timed;
  /** controlgate runs: each scanner's time inside controlgate, from the JSON report. */
  inside?: ScannerFacts[];
  /** Scanners run alone: how many results their SARIF holds. */
  results?: number;
}

interface Case {
  name: string;
  /** The scanner a run alone stands for; controlgate runs have none. */
  scannerId?: string;
  run: () => Sample;
}

function controlgateCase(name: string, target: string, extra: string[], alone: AloneCommand[]): Case {
  const args = [
    cli,
    'scan',
    target,
    '--no-base',
    '--no-evidence',
    '--format',
    'json',
    '--no-progress',
    ...extra,
  ];
  return {
    name,
    run: () => {
      const run = timed(process.execPath, args, { cwd: root, env: childEnv });
      // 0 = pass, 1 = blocked; 2 would mean a scanner failed, and then nothing here is comparable.
      if (run.status !== 0 && run.status !== 1) {
        throw new Error(`${name} exited ${run.status ?? run.signal}: ${run.stderr.slice(-2000)}`);
      }
      const report = JSON.parse(run.stdout) as { scanners: ScannerFacts[] };
      for (const command of alone) {
        const facts = report.scanners.find((s) => s.id === command.scanner.id);
        if (facts?.status !== 'ok')
          throw new Error(`${name}: ${command.scanner.id} ${facts?.status ?? 'did not run'}`);
        // The alone runs must get the same files, or the comparison is of different work.
        if (facts.filesScanned !== command.files) {
          throw new Error(
            `${name}: ${command.scanner.id} scanned ${facts.filesScanned} files, the alone run gets ${command.files}`,
          );
        }
      }
      return { run, inside: report.scanners };
    },
  };
}

function aloneCase(command: AloneCommand): Case {
  const name = `${command.scanner.id} alone (${command.files} files)`;
  return {
    name,
    scannerId: command.scanner.id,
    run: () => {
      // As controlgate does: an empty output folder for every run.
      rmSync(command.outDir, { recursive: true, force: true });
      mkdirSync(command.outDir, { recursive: true });
      const run = timed(command.file, command.args, { cwd: command.cwd, env: command.env });
      if (run.status === null || command.scanner.interpretExit(run.status) === 'error') {
        throw new Error(`${name} exited ${run.status ?? run.signal}: ${run.stderr.slice(-2000)}`);
      }
      if (!command.sarifPath) return { run };
      const log = JSON.parse(readFileSync(command.sarifPath, 'utf8')) as { runs: { results?: unknown[] }[] };
      return { run, results: log.runs.reduce((n, r) => n + (r.results?.length ?? 0), 0) };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Targets

interface Target {
  name: string;
  dir: string;
  /** One untimed run of every case first (tools' caches, the page cache). */
  warmUp: boolean;
  describe: string;
}

function buildMedium(): Target {
  const started = performance.now();
  const generated = generate(fileCount, terraformCount);
  const built = writeRepository(
    mediumRepo,
    generated,
    '# Generated repository\n\nBuilt by controlgate `bench/orchestration.ts`; its findings are planted on purpose.\n',
  );
  // A repository of its own, so the workspace root is this folder and not controlgate's checkout.
  git(mediumRepo, 'init', '--quiet');
  git(mediumRepo, 'add', '-A');
  git(mediumRepo, 'commit', '--quiet', '-m', 'Generated application');
  const py = generated.modules.filter((m) => m.lang === 'python').length;
  return {
    name: 'medium repository',
    dir: mediumRepo,
    warmUp: false,
    describe: `${built.files} files (${py} Python, ${generated.modules.length - py} JavaScript, ${generated.terraform.size} Terraform, a README), ${built.lines.toLocaleString('en')} lines; generated in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  };
}

interface Row {
  c: Case;
  samples: Sample[];
}

const medianOf = (samples: readonly Sample[], pick: (s: Sample) => number): number =>
  median(samples.map(pick));

function insideSeconds(samples: readonly Sample[], id: string): number {
  return medianOf(samples, (s) => (s.inside?.find((f) => f.id === id)?.durationMs ?? 0) / 1000);
}

async function measureTarget(target: Target): Promise<string[]> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'controlgate-bench-orchestration-'));
  try {
    const alone = await aloneCommands(target.dir, scratch);
    const cases: Case[] = [
      controlgateCase('controlgate, default (all at once)', target.dir, [], alone),
      controlgateCase('controlgate `--concurrency 2`', target.dir, ['--concurrency', '2'], alone),
      controlgateCase('controlgate `--concurrency 1`', target.dir, ['--concurrency', '1'], alone),
      ...alone.map(aloneCase),
    ];
    if (target.warmUp) for (const c of cases) c.run();
    const rows: Row[] = cases.map((c) => ({ c, samples: [] }));
    // Round by round rather than case by case: a disturbance spreads over the cases instead of
    // landing on one of them.
    for (let round = 0; round < runs; round++) {
      for (const row of rows) {
        row.samples.push(await undisturbed(row.c.run, (sample) => sample.run, waitForIdle));
        const last = row.samples.at(-1)?.run;
        process.stderr.write(
          `${target.name}, round ${round + 1}: ${row.c.name} ${last?.wall.toFixed(1)} s wall, ${last?.cpu.toFixed(1)} s CPU, others ${last?.otherCpu.toFixed(1)} s CPU, load ${last?.loadAtStart.toFixed(2)}\n`,
        );
      }
    }
    return report(target, rows);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const idOf = (row: Row): string => row.c.scannerId ?? 'controlgate';

function report(target: Target, rows: Row[]): string[] {
  const wall = (r: Row) => medianOf(r.samples, (s) => s.run.wall);
  const cpu = (r: Row) => medianOf(r.samples, (s) => s.run.cpu);
  const [chosen, twoAtOnce, oneByOne, ...aloneRows] = rows;
  if (!chosen || !twoAtOnce || !oneByOne) throw new Error('no controlgate runs');
  const slowest = aloneRows.reduce((a, b) => (wall(b) > wall(a) ? b : a));
  const sumWall = aloneRows.reduce((n, r) => n + wall(r), 0);
  const sumCpu = aloneRows.reduce((n, r) => n + cpu(r), 0);
  const tableRows = rows.map((r) => {
    const walls = r.samples.map((s) => s.run.wall);
    return [
      r.c.name,
      seconds(wall(r)),
      `${seconds(Math.min(...walls))} / ${seconds(Math.max(...walls))}`,
      seconds(cpu(r)),
      seconds(medianOf(r.samples, (s) => s.run.otherCpu)),
    ];
  });
  tableRows.push(['the three alone, one after another (sum)', seconds(sumWall), '', seconds(sumCpu), '']);
  const limit = 1.1 * wall(slowest) + 1;
  const cores = os.cpus().length;
  const lines = [
    `### ${target.name}: ${target.describe}`,
    '',
    markdownTable(
      ['run', 'median wall (s)', 'min / max (s)', 'median CPU user+sys (s)', 'other processes’ CPU (s)'],
      tableRows,
      [false, true, true, true, true],
    ),
    '',
    `- controlgate (default) / slowest alone (${idOf(slowest)}): ${(wall(chosen) / wall(slowest)).toFixed(2)}×, overhead ${(wall(chosen) - wall(slowest)).toFixed(1)} s; target ≤ 1.1 × ${seconds(wall(slowest))} + 1 = ${seconds(limit)} s: ${wall(chosen) <= limit ? 'met' : 'MISSED'}`,
    `- \`--concurrency 2\` / default: ${(wall(twoAtOnce) / wall(chosen)).toFixed(2)}× the wall time, ${(cpu(twoAtOnce) / cpu(chosen)).toFixed(2)}× the CPU`,
    `- controlgate \`--concurrency 1\` / the sum of the three alone: ${(wall(oneByOne) / sumWall).toFixed(2)}×, overhead ${(wall(oneByOne) - sumWall).toFixed(1)} s`,
    `- the three alone need ${seconds(sumCpu)} s of CPU; on ${cores} cores no schedule finishes before ${seconds(Math.max(wall(slowest), sumCpu / cores))} s (the slowest alone, or the CPU sum / ${cores})`,
    `- each scanner inside controlgate (median, JSON report): default ${aloneRows.map((r) => `${idOf(r)} ${seconds(insideSeconds(chosen.samples, idOf(r)))} s`).join(', ')}; \`--concurrency 2\` ${aloneRows.map((r) => `${idOf(r)} ${seconds(insideSeconds(twoAtOnce.samples, idOf(r)))} s`).join(', ')}; \`--concurrency 1\` ${aloneRows.map((r) => `${idOf(r)} ${seconds(insideSeconds(oneByOne.samples, idOf(r)))} s`).join(', ')}`,
    `- results: ${aloneRows.map((r) => `${idOf(r)} ${r.samples.at(-1)?.results ?? '?'} in its SARIF`).join(', ')}; controlgate ${chosen.samples
      .at(-1)
      ?.inside?.map((s) => `${s.id} ${s.findings}`)
      .join(', ')} findings`,
    `- runs (wall s): ${rows.map((r) => `${r.c.name.split(' (')[0]}: ${r.samples.map((s) => s.run.wall.toFixed(1)).join(', ')}`).join('; ')}`,
  ];
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Main

const quiet = await waitForQuietMachine({ maxWaitSeconds: waitSeconds });
console.log(
  `machine: ${machineSummary()}; ${runs} runs each; load average ${loadAverage()} at the start${quiet.quiet ? '' : ' (NOT quiet: figures taken under load)'}\n`,
);
const targets: Target[] = [];
if (targetNames.includes('example')) {
  targets.push({
    name: 'example app',
    dir: path.join(root, 'examples', 'vulnerable-app'),
    warmUp: true,
    describe: 'examples/vulnerable-app',
  });
}
if (targetNames.includes('medium')) targets.push(buildMedium());
for (const target of targets) {
  const lines = await measureTarget(target);
  console.log(`${lines.join('\n')}\n`);
}
console.log(`load average at the end: ${loadAverage()}`);
