/** Helpers the benchmarks share, so each script measures and reports its figures the same way. */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Median of the runs: one slow run (a cache miss, a noisy neighbour) does not move it. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** The machine and runtime the figures came from; timings mean nothing without them. */
export function machineSummary(): string {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB; node ${process.version}`;
}

/** A command-line count such as --runs 3; anything else stops the benchmark before it measures. */
export function positiveInt(value: string, flag: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`${flag} needs a whole number ≥ ${min}, got ${value}`);
  return n;
}

// Load averages frame the figures: other work on a 2-core machine stretches every wall time.
export const loadAverage = (): string =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

const clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/**
 * User + system CPU seconds of this process's waited-for children (cutime + cstime in
 * /proc/self/stat). process.resourceUsage() and process.cpuUsage() cover this process only, and the
 * scanners run as grandchildren, which the kernel adds to a child's counters when it waits for them.
 */
export function childrenCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  // Fields after the command name, which is in parentheses and may itself contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // cutime and cstime are fields 16 and 17 of the file; this list starts at field 3.
  return (Number(fields[13]) + Number(fields[14])) / clockTicks;
}

/**
 * CPU seconds the whole machine spent busy, all cores together (the `cpu` line of /proc/stat). What
 * it gains during a run beyond the run's own CPU is other processes' work: the load average alone
 * cannot tell the benchmark's own processes from someone else's.
 */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return (user + nice + system + irq + softirq + steal) / clockTicks;
}

function ownCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** How many cores other processes keep busy, sampled over `seconds` while this benchmark waits. */
export async function otherCores(seconds = 3): Promise<number> {
  const busy = machineBusySeconds();
  const own = ownCpuSeconds();
  await sleep(seconds * 1000);
  return Math.max(0, machineBusySeconds() - busy - (ownCpuSeconds() - own)) / seconds;
}

export interface QuietOptions {
  /** Highest 1-minute load average to start at (the house rule is about 0.7 on 2 cores). */
  maxLoad?: number;
  /** Give up waiting after this long and measure anyway, saying so. */
  maxWaitSeconds?: number;
}

/**
 * Waits for a quiet machine before a benchmark starts: the 1-minute load average at or below
 * `maxLoad`. Returns what it found, so the figures can say whether they were taken under load.
 */
export async function waitForQuietMachine(o: QuietOptions = {}): Promise<{ quiet: boolean; waited: number }> {
  const maxLoad = o.maxLoad ?? 0.7;
  const maxWait = o.maxWaitSeconds ?? 1800;
  const started = performance.now();
  const waited = () => (performance.now() - started) / 1000;
  let announced = false;
  while ((os.loadavg()[0] ?? 0) > maxLoad) {
    if (waited() >= maxWait) {
      process.stderr.write(
        `load average still ${loadAverage()} after ${Math.round(waited())} s: measuring anyway\n`,
      );
      return { quiet: false, waited: waited() };
    }
    if (!announced)
      process.stderr.write(`load average ${loadAverage()} > ${maxLoad}: waiting for a quiet machine …\n`);
    announced = true;
    await sleep(15_000);
  }
  return { quiet: true, waited: waited() };
}

/**
 * Between runs the load average still carries the benchmark's own previous run, so a short sample of
 * /proc/stat decides instead: wait while other processes keep more than `maxCores` busy.
 */
export async function waitForIdleCores(maxCores = 0.3, maxWaitSeconds = 900): Promise<number> {
  const started = performance.now();
  let cores = await otherCores();
  let announced = false;
  while (cores > maxCores && (performance.now() - started) / 1000 < maxWaitSeconds) {
    if (!announced) process.stderr.write(`other processes busy (${cores.toFixed(2)} cores): waiting …\n`);
    announced = true;
    cores = await otherCores(10);
  }
  return cores;
}

/**
 * waitForIdleCores with one waiting budget for the whole benchmark: on a machine that stays busy it
 * stops waiting once the budget is spent, instead of waiting that long before every run.
 */
export function idleWaiter(budgetSeconds: number): () => Promise<number> {
  let left = budgetSeconds;
  return async () => {
    const started = performance.now();
    const cores = await waitForIdleCores(0.3, left);
    left = Math.max(0, left - (performance.now() - started) / 1000);
    return cores;
  };
}

export interface TimedOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** 'ignore' sends stdout to /dev/null, as `> /dev/null` would; default: captured. */
  stdout?: 'pipe' | 'ignore';
  /** Measure the peak resident memory with GNU time (`/usr/bin/time -v`). */
  peakMemory?: boolean;
  /** Stop the command (and what it started) after this long, with coreutils `timeout`. */
  timeoutSeconds?: number;
}

export interface Timed {
  /** Seconds from start to exit. */
  wall: number;
  /** User + system CPU seconds of the command and every process it waited for. */
  cpu: number;
  /** CPU seconds other processes on the machine used meanwhile: the run's disturbance. */
  otherCpu: number;
  /** 1-minute load average when the run started. */
  loadAtStart: number;
  status: number | null;
  signal: string | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** Highest resident set size of the command or any process it waited for, in MiB. */
  peakRssMiB?: number;
}

/**
 * Runs one command and measures it. Wrappers (`/usr/bin/time`, `timeout`) come before the command:
 * a timeout in spawnSync would kill the wrapper only and leave the command running.
 */
export function timed(file: string, args: readonly string[], o: TimedOptions = {}): Timed {
  const scratch = o.peakMemory ? mkdtempSync(path.join(os.tmpdir(), 'controlgate-bench-time-')) : undefined;
  const timeFile = scratch ? path.join(scratch, 'time.txt') : undefined;
  let command = [file, ...args];
  // -k: a command that ignores SIGTERM is killed 10 s later.
  if (o.timeoutSeconds) command = ['timeout', '-k', '10', String(o.timeoutSeconds), ...command];
  if (timeFile) command = ['/usr/bin/time', '-v', '-o', timeFile, ...command];
  const [program = file, ...rest] = command;
  const loadAtStart = os.loadavg()[0] ?? 0;
  const busyBefore = machineBusySeconds();
  const cpuBefore = childrenCpuSeconds();
  const started = performance.now();
  const result = spawnSync(program, rest, {
    cwd: o.cwd,
    env: o.env,
    encoding: 'utf8',
    stdio: ['ignore', o.stdout ?? 'pipe', 'pipe'],
    maxBuffer: 512 * 1024 * 1024,
  });
  const wall = (performance.now() - started) / 1000;
  const cpu = childrenCpuSeconds() - cpuBefore;
  const otherCpu = Math.max(0, machineBusySeconds() - busyBefore - cpu);
  if (result.error) throw new Error(`${program} could not run: ${result.error.message}`);
  let peakRssMiB: number | undefined;
  if (scratch && timeFile) {
    try {
      const report = readFileSync(timeFile, 'utf8');
      const kib = /Maximum resident set size \(kbytes\): (\d+)/.exec(report)?.[1];
      if (kib) peakRssMiB = Number(kib) / 1024;
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  return {
    wall,
    cpu,
    otherCpu,
    loadAtStart,
    status: result.status,
    signal: result.signal,
    // coreutils timeout exits 124 when the time ran out (137 when it had to use SIGKILL).
    timedOut: Boolean(o.timeoutSeconds) && (result.status === 124 || result.status === 137),
    stdout: result.stdout ?? '',
    stderr: result.stderr ?? '',
    ...(peakRssMiB === undefined ? {} : { peakRssMiB }),
  };
}

/** Other processes used more than a quarter of a core on average meanwhile: the run measured them too. */
export function disturbed(run: Timed): boolean {
  return run.otherCpu > 0.25 * run.wall + 0.5;
}

/**
 * One measurement on idle cores: waits for them, measures, and measures again (at most `retries`
 * times) when other processes disturbed the run. A run that stays disturbed is kept; its "other
 * processes' CPU" figure says so.
 */
export async function undisturbed<T>(
  measure: () => T,
  timedOf: (sample: T) => Timed,
  waitForIdle: () => Promise<number>,
  retries = 2,
): Promise<T> {
  await waitForIdle();
  let sample = measure();
  for (let attempt = 0; attempt < retries && disturbed(timedOf(sample)); attempt++) {
    process.stderr.write(
      `disturbed (other processes used ${timedOf(sample).otherCpu.toFixed(1)} s of CPU): measuring again\n`,
    );
    await waitForIdle();
    sample = measure();
  }
  return sample;
}

/** A Markdown table, as docs/benchmarks.md shows it; `right` marks the numeric columns. */
export function markdownTable(
  header: readonly string[],
  rows: readonly string[][],
  right: readonly boolean[] = [],
): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  const rule = `|${header.map((_, i) => (right[i] ? '---:' : '---')).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** Seconds for a table cell: one decimal, or two below 10 s where a tenth would hide the difference. */
export function seconds(value: number): string {
  return value < 10 ? value.toFixed(2) : value.toFixed(1);
}

/** Bytes under a folder, symbolic links not followed: how much a CI cache of it would hold. */
export function folderBytes(dir: string): number {
  let total = 0;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of entries) {
    const full = path.join(dir, name);
    const stat = lstatSync(full);
    total += stat.isDirectory() ? folderBytes(full) : stat.size;
  }
  return total;
}

/** Go's module cache is read-only by design; removing it needs write permission back first. */
export function makeWritable(dir: string): void {
  let entries: string[];
  try {
    chmodSync(dir, 0o755);
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of entries) {
    const full = path.join(dir, name);
    if (lstatSync(full).isDirectory()) makeWritable(full);
  }
}
