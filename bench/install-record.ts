/**
 * Hashing an installed folder for its install record (issue 15): how long the record of the venv and
 * of KICS takes to make (what an install writes) and to check (what a warm install and each scan
 * run), on the tools folder as it is. Reads only: nothing is written into the tools folder.
 *   npm run bench:install-record [-- --runs N --wait-minutes N]
 * The tools folder is CONTROLGATE_TOOLS_DIR or the project's .tools, as for a scan.
 */
import { lstatSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { toolsDir } from '../src/paths.ts';
import { recordTree, treeProblem } from '../src/tools/install-record.ts';
import {
  idleWaiter,
  loadAverage,
  machineSummary,
  markdownTable,
  median,
  positiveInt,
  seconds,
  waitForQuietMachine,
} from './common.ts';

const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    'wait-minutes': { type: 'string', default: '10' },
  },
});
const runs = positiveInt(flags.runs, '--runs', 1);
const waitSeconds = 60 * positiveInt(flags['wait-minutes'], '--wait-minutes', 0);
const waitForIdle = idleWaiter(waitSeconds);
const tools = toolsDir();

const quiet = await waitForQuietMachine({ maxWaitSeconds: waitSeconds });
console.log(
  `machine: ${machineSummary()}; tools folder ${tools}; load average ${loadAverage()} at the start${quiet.quiet ? '' : ' (NOT quiet: figures taken under load)'}\n`,
);
const rows: string[][] = [];
for (const part of ['venv', 'kics']) {
  const dir = path.join(tools, part);
  const record = await recordTree(dir);
  const files = Object.keys(record.files);
  const bytes = files.reduce((sum, rel) => sum + lstatSync(path.join(dir, rel)).size, 0);
  const make: number[] = [];
  const check: number[] = [];
  for (let i = 0; i < runs; i++) {
    await waitForIdle();
    let started = performance.now();
    await recordTree(dir);
    make.push((performance.now() - started) / 1000);
    started = performance.now();
    const problem = await treeProblem(dir, record);
    check.push((performance.now() - started) / 1000);
    if (problem) throw new Error(`${dir} changed while it was measured: ${problem}`);
  }
  rows.push([
    `\`${part}\``,
    files.length.toLocaleString('en'),
    Object.keys(record.links).length.toLocaleString('en'),
    `${Math.round(bytes / 2 ** 20).toLocaleString('en')} MiB`,
    `${seconds(median(make))} (${make.map((t) => t.toFixed(2)).join(', ')})`,
    `${seconds(median(check))} (${check.map((t) => t.toFixed(2)).join(', ')})`,
  ]);
}
console.log(
  markdownTable(
    ['folder', 'files', 'links', 'size', `record, median of ${runs} (s)`, `check, median of ${runs} (s)`],
    rows,
    [false, true, true, true, true, true],
  ),
);
console.log(`\nload average at the end: ${loadAverage()}`);
