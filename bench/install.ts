/**
 * Installing the scanners (issue 8): `node scripts/install-scanners.ts` cold, with every cache it
 * uses pointed at empty folders (tools folder, Go module and build caches, pip's cache), then warm:
 * again with the same folders, as a CI job with a restored cache would run it. Then restored-cache
 * (issue 17): the Action's install step on a fresh runner, from an empty tools folder to verified
 * scanners through the Actions cache (a local one, bench/actions-cache-server.ts): download, untar,
 * re-check every file against its install record.
 *   npm run bench:install [-- --warm-runs N --restore-runs N --no-cold --wait-minutes N]
 * The cold run downloads Semgrep, Bandit and their dependencies from PyPI and KICS's sources from the
 * Go module proxy, and builds KICS: about 3 minutes and 2 GB of temporary files, removed at the end.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BUILTIN_SCANNERS } from '../scanners/index.ts';
import { toolsDir } from '../src/paths.ts';
import {
  folderBytes,
  idleWaiter,
  loadAverage,
  machineSummary,
  makeWritable,
  markdownTable,
  median,
  positiveInt,
  seconds,
  type Timed,
  timed,
  undisturbed,
  waitForQuietMachine,
} from './common.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const script = path.join(root, 'scripts', 'install-scanners.ts');

const { values: flags } = parseArgs({
  options: {
    'warm-runs': { type: 'string', default: '3' },
    // 0: no restored-cache figure.
    'restore-runs': { type: 'string', default: '3' },
    // Only the warm runs, on a tools folder that is already complete (the project's own .tools).
    'no-cold': { type: 'boolean', default: false },
    'wait-minutes': { type: 'string', default: '30' },
  },
});
const warmRuns = positiveInt(flags['warm-runs'], '--warm-runs', 1);
const restoreRuns = positiveInt(flags['restore-runs'], '--restore-runs', 0);
const waitSeconds = 60 * positiveInt(flags['wait-minutes'], '--wait-minutes', 0);
// Between runs: wait while other processes are busy, up to the same time in all.
const waitForIdle = idleWaiter(waitSeconds);

const mib = (bytes: number): string => `${Math.round(bytes / 2 ** 20).toLocaleString('en')} MiB`;

const scratch = mkdtempSync(path.join(os.tmpdir(), 'controlgate-bench-install-'));
const dirs = {
  CONTROLGATE_TOOLS_DIR: path.join(scratch, 'tools'),
  GOPATH: path.join(scratch, 'gopath'),
  GOMODCACHE: path.join(scratch, 'gopath', 'pkg', 'mod'),
  GOCACHE: path.join(scratch, 'gocache'),
  PIP_CACHE_DIR: path.join(scratch, 'pip-cache'),
  XDG_CACHE_HOME: path.join(scratch, 'xdg-cache'),
};
for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
// --no-cold measures the project's own tools folder, with the user's caches: what `npm run
// scanners:install` costs on a machine where it already ran.
const env: NodeJS.ProcessEnv = flags['no-cold'] ? { ...process.env } : { ...process.env, ...dirs };

/** The script's own per-tool lines ("kics 2.2.0: installed at … (2 min 41 s)"), paths shortened. */
function toolLines(run: Timed): string[] {
  return run.stdout
    .split('\n')
    .filter((l) => /^(semgrep|bandit|kics|gitleaks|osv-scanner)\b/.test(l))
    .map((l) => l.replaceAll(scratch, '<tmp>'));
}

function install(name: string): Timed {
  const run = timed(process.execPath, [script], { cwd: root, env });
  process.stderr.write(
    `${name}: ${run.wall.toFixed(1)} s wall, ${run.cpu.toFixed(1)} s CPU, others ${run.otherCpu.toFixed(1)} s CPU, load ${run.loadAtStart.toFixed(2)}\n`,
  );
  if (run.status !== 0) {
    throw new Error(
      `${name} exited ${run.status ?? run.signal}:\n${run.stdout.slice(-3000)}\n${run.stderr.slice(-3000)}`,
    );
  }
  return run;
}

/** Starts the local Actions cache service in its own process; the ACTIONS_* variables that reach it. */
async function startCacheService(dir: string): Promise<{ child: ChildProcess; env: Record<string, string> }> {
  const child = spawn(process.execPath, [path.join(root, 'bench', 'actions-cache-server.ts'), dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (!child.stdout) throw new Error('the cache service started without a stdout pipe');
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    lines.close();
    return { child, env: JSON.parse(line) as Record<string, string> };
  }
  throw new Error('bench/actions-cache-server.ts exited before printing its address');
}

/** The folders the install recipes keep in a cache (the venv, kics), relative to the tools folder. */
function cachedFolders(): string[] {
  const folders = new Set<string>();
  for (const scanner of BUILTIN_SCANNERS.values())
    if (scanner.install?.cache) folders.add(scanner.install.cache.folder);
  return [...folders];
}

/**
 * restored-cache: saves a copy of the installed tools folder to a local Actions cache service once,
 * then restores it `restoreRuns` times into the same, emptied folder (the cache version names the
 * path) with the Action's install step (bench/tools-cache-step.ts).
 */
async function restoredCache(source: string): Promise<{ row: string[]; details: string[] }> {
  const base = path.join(scratch, 'restored');
  const tools = path.join(base, 'tools');
  const service = await startCacheService(path.join(base, 'cache-service'));
  try {
    mkdirSync(tools, { recursive: true });
    for (const name of ['workspace', 'runner-temp']) mkdirSync(path.join(base, name), { recursive: true });
    // cp -a keeps the venv's links and modes as they are: the install record lists both.
    for (const folder of cachedFolders()) execFileSync('cp', ['-a', path.join(source, folder), tools]);
    const stepEnv: NodeJS.ProcessEnv = {
      ...env,
      ...service.env,
      CONTROLGATE_TOOLS_DIR: tools,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_WORKSPACE: path.join(base, 'workspace'),
      RUNNER_TEMP: path.join(base, 'runner-temp'),
    };
    const step = path.join(root, 'bench', 'tools-cache-step.ts');
    const save = timed(process.execPath, [step, 'save'], { cwd: root, env: stepEnv });
    if (save.status !== 0)
      throw new Error(
        `saving to the cache failed:\n${save.stdout.slice(-3000)}\n${save.stderr.slice(-3000)}`,
      );
    const archives = folderBytes(path.join(base, 'cache-service'));
    const runs: Timed[] = [];
    for (let i = 0; i < restoreRuns; i++) {
      const run = await undisturbed(
        () => {
          rmSync(tools, { recursive: true, force: true });
          const r = timed(process.execPath, [step, 'restore'], { cwd: root, env: stepEnv });
          process.stderr.write(
            `restored-cache ${i + 1}: ${r.wall.toFixed(1)} s wall, ${r.cpu.toFixed(1)} s CPU, others ${r.otherCpu.toFixed(1)} s CPU\n`,
          );
          if (r.status !== 0)
            throw new Error(`restore ${i + 1} failed:\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
          return r;
        },
        (r) => r,
        waitForIdle,
      );
      runs.push(run);
    }
    const walls = runs.map((r) => r.wall);
    const restoredLines = (runs.at(-1)?.stdout ?? '')
      .split('\n')
      .filter((l) => /^(scanners restored|semgrep|bandit|kics|gitleaks|osv-scanner)\b/.test(l))
      .map((l) => l.replaceAll(scratch, '<tmp>'));
    return {
      row: [
        `restored-cache: empty tools folder, restored from a local Actions cache service (median of ${restoreRuns}; ${walls.map((w) => w.toFixed(2)).join(', ')} s)`,
        seconds(median(walls)),
        seconds(median(runs.map((r) => r.cpu))),
        seconds(median(runs.map((r) => r.otherCpu))),
      ],
      details: [
        `saving the cache once (tar + zstd + upload of ${cachedFolders().join(' and ')}): ${seconds(save.wall)} s wall, ${seconds(save.cpu)} s CPU; archives ${mib(archives)} for ${mib(folderBytes(tools))} of tools`,
        `restored-cache run: ${restoredLines.join('; ')}`,
      ],
    };
  } finally {
    service.child.kill('SIGTERM');
  }
}

try {
  const quiet = await waitForQuietMachine({ maxWaitSeconds: waitSeconds });
  console.log(
    `machine: ${machineSummary()}; load average ${loadAverage()} at the start${quiet.quiet ? '' : ' (NOT quiet: figures taken under load)'}\n`,
  );
  const rows: string[][] = [];
  const details: string[] = [];
  if (!flags['no-cold']) {
    const cold = install('cold');
    rows.push([
      'cold: empty tools folder, Go and pip caches',
      seconds(cold.wall),
      seconds(cold.cpu),
      seconds(cold.otherCpu),
    ]);
    details.push(`cold run: ${toolLines(cold).join('; ')}`);
    details.push(
      `after the cold run: tools folder ${mib(folderBytes(dirs.CONTROLGATE_TOOLS_DIR))}, Go module cache ${mib(folderBytes(dirs.GOMODCACHE))}, Go build cache ${mib(folderBytes(dirs.GOCACHE))}, pip cache ${mib(folderBytes(dirs.PIP_CACHE_DIR))}`,
    );
  }
  const warm: Timed[] = [];
  for (let i = 0; i < warmRuns; i++) {
    warm.push(
      await undisturbed(
        () => install(`warm ${i + 1}`),
        (r) => r,
        waitForIdle,
      ),
    );
  }
  const walls = warm.map((w) => w.wall);
  rows.push([
    `warm: ${flags['no-cold'] ? 'the project’s own tools folder and caches' : 'the same folders again'} (median of ${warmRuns}; ${walls.map((w) => w.toFixed(2)).join(', ')} s)`,
    seconds(median(walls)),
    seconds(median(warm.map((w) => w.cpu))),
    seconds(median(warm.map((w) => w.otherCpu))),
  ]);
  const last = warm.at(-1);
  if (last) details.push(`warm run: ${toolLines(last).join('; ')}`);
  if (restoreRuns > 0) {
    const restored = await restoredCache(flags['no-cold'] ? toolsDir(env) : dirs.CONTROLGATE_TOOLS_DIR);
    rows.push(restored.row);
    details.push(...restored.details);
  }
  console.log(
    markdownTable(['run', 'wall (s)', 'CPU user+sys (s)', 'other processes’ CPU (s)'], rows, [
      false,
      true,
      true,
      true,
    ]),
  );
  console.log('');
  const warmMedian = median(walls);
  console.log(`- target: warm < 5 s: ${warmMedian < 5 ? 'met' : 'MISSED'} (${seconds(warmMedian)} s)`);
  for (const line of details) console.log(`- ${line}`);
  console.log(`\nload average at the end: ${loadAverage()}`);
} finally {
  makeWritable(scratch);
  rmSync(scratch, { recursive: true, force: true });
}
