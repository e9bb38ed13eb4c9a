/**
 * What the coverage ledger costs (issue 16) on the generated medium repository (3,001 files, the
 * same one bench/orchestration.ts scans): the file walk alone, the listing with excludes (and, when
 * excluded folders exist, the import search that finds modules in them the code imports), and the
 * ledger built from three scanners' runs over the whole tree. A second layout adds a `venv` with
 * 2,000 Python files and a `node_modules` with 3,000 JavaScript files, 20 of them imported by a path
 * naming the folder, so the import search has work. Median of N runs (default 7), in process.
 *   npm run bench:ledger [-- --runs N]
 * No scanner runs: the runs handed to the ledger are `ok` runs over the files each plugin selects,
 * which is what a clean full scan gives it. Built in out/bench/ledger-repo (git-ignored).
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pickScanners, scannerRegistry } from '../scanners/index.ts';
import { scannerOptions } from '../src/config/scanner-options.ts';
import { configSchema } from '../src/config/schema.ts';
import type { ScannerRun } from '../src/findings/scanner-run.ts';
import { coverageOf } from '../src/pipeline/coverage.ts';
import { walkTree } from '../src/pipeline/walk.ts';
import { listTree, resolveWorkspace } from '../src/pipeline/workspace.ts';
import type { PlannedScanner } from '../src/runner/run-scanners.ts';
import { loadAverage, machineSummary, markdownTable, median, positiveInt } from './common.ts';
import { generate, git, writeFile, writeRepository } from './generated-repo.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repo = path.join(root, 'out', 'bench', 'ledger-repo');
const { values: flags } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });
const runs = positiveInt(flags.runs, '--runs', 1);

function build(withExcluded: boolean): void {
  rmSync(repo, { recursive: true, force: true });
  writeRepository(repo, generate(3001, 60), '# Generated repository\n\nBuilt by bench/coverage-ledger.ts.\n');
  if (withExcluded) {
    for (let i = 0; i < 2000; i++) {
      writeFile(
        repo,
        `venv/lib/python3.11/site-packages/pkg${i % 40}/mod${i}.py`,
        `def f${i}():\n    return ${i}\n`,
      );
    }
    for (let i = 0; i < 3000; i++) {
      writeFile(repo, `web/node_modules/lib${i % 60}/file${i}.js`, `module.exports = ${i};\n`);
    }
    // Vendored code the application imports by a path naming the folder: the search must find it.
    for (let i = 0; i < 10; i++) {
      writeFile(repo, `services/vendored/venv/helper${i}.py`, 'x = 1\n');
      writeFile(repo, `services/vendored/use${i}.py`, `from venv import helper${i}\n`);
      writeFile(
        repo,
        `web/vendored/use${i}.js`,
        `const h = require('../node_modules/lib${i}/file${i}.js');\n`,
      );
    }
  }
  git(repo, 'init', '--quiet');
}

function timeMs<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  return fn().then((value) => ({ ms: performance.now() - started, value }));
}

async function measure(label: string, withExcluded: boolean): Promise<string[][]> {
  build(withExcluded);
  const config = configSchema.parse({});
  const workspace = resolveWorkspace(repo);
  const planned: PlannedScanner[] = pickScanners(scannerRegistry(), ['semgrep', 'bandit', 'kics']).map(
    (scanner) => ({
      scanner,
      options: scannerOptions(config, scanner.id, workspace.root),
    }),
  );
  const walk: number[] = [];
  const list: number[] = [];
  const ledger: number[] = [];
  let summary = '';
  for (let i = 0; i < runs; i++) {
    walk.push((await timeMs(() => walkTree(repo, new Set(['.git', ...config.excludeFolders])))).ms);
    const listed = await timeMs(() => listTree(workspace, config));
    list.push(listed.ms);
    const listing = listed.value;
    const runsOk: ScannerRun[] = planned.map((p) => ({
      id: p.scanner.id,
      displayName: p.scanner.displayName,
      status: 'ok',
      durationMs: 0,
      filesScanned: p.scanner.selectFiles(listing.files, workspace.root).length,
      findings: [],
    }));
    const built = await timeMs(async () => coverageOf({ workspace, listing, planned, runs: runsOk }));
    ledger.push(built.ms);
    const { counts, entries } = built.value.ledger;
    const bytes = JSON.stringify(entries).length;
    summary = `${listing.files.length} files listed (${listing.imported.length} imported from excluded folders), ledger: ${counts.judged} judged, ${counts['not-scanned']} not scanned, ${(bytes / 1024).toFixed(0)} KiB as JSON`;
  }
  const ms = (values: number[]) => `${median(values).toFixed(0)} ms`;
  return [[label, ms(walk), ms(list), ms(ledger), summary]];
}

const rows = [
  ...(await measure('medium repository', false)),
  ...(await measure('+ venv (2,000 .py) and node_modules (3,000 .js)', true)),
];
console.log(`${machineSummary()}; load average ${loadAverage()}; median of ${runs} runs\n`);
console.log(markdownTable(['layout', 'walk', 'listing (excludes, imports)', 'ledger', 'what'], rows));
