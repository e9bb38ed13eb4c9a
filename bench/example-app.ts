/**
 * Wall time of `controlgate scan` on the example app: all scanners in parallel, each scanner alone,
 * and all three one after another (--concurrency 1). Median of N runs (default 3).
 *   npm run bench:example [-- N]
 * Needs `npm run build` and `npm run scanners:install` first (npm run demo does both).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineSummary, median } from './common.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist', 'cli.js');
const runs = Number(process.argv[2] ?? 3);

interface Case {
  name: string;
  args: string[];
}

const cases: Case[] = [
  { name: 'controlgate scan (3 scanners in parallel)', args: [] },
  { name: 'semgrep alone', args: ['--scanners', 'semgrep'] },
  { name: 'bandit alone', args: ['--scanners', 'bandit'] },
  { name: 'kics alone', args: ['--scanners', 'kics'] },
  { name: 'three one after another (--concurrency 1)', args: ['--concurrency', '1'] },
];

function timeOnce(args: string[]): number {
  const started = performance.now();
  const result = spawnSync(
    process.execPath,
    [cli, 'scan', 'examples/vulnerable-app', '--format', 'json', ...args],
    {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const wall = (performance.now() - started) / 1000;
  if (result.status !== 0)
    throw new Error(`scan ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return wall;
}

console.log(`machine: ${machineSummary()}; ${runs} runs each\n`);
console.log('| case | median wall (s) | runs (s) |');
console.log('|---|---:|---|');
for (const c of cases) {
  timeOnce(c.args); // warm the file cache and the tools' own caches
  const walls = Array.from({ length: runs }, () => timeOnce(c.args));
  console.log(`| ${c.name} | ${median(walls).toFixed(1)} | ${walls.map((w) => w.toFixed(1)).join(', ')} |`);
}
