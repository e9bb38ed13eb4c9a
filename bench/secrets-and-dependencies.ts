/**
 * Gitleaks and OSV-Scanner (issue 22): what each costs to install cold, built from its pinned Go
 * module with every cache empty, and to run on the medium benchmark repository through the gate.
 *   npm run bench:secrets-deps [-- --runs N --no-cold --wait-minutes N]
 * The medium repository is the generated one of bench:orchestration (3,000 Python and JavaScript
 * modules, 60 Terraform files) plus lockfiles: a package-lock.json with 600 packages and a
 * requirements.txt with 80, matched offline against a database of the demo's records and 60 made-up
 * advisories; it is its own git repository in out/bench/secrets-deps-repo, with a pull request branch
 * of 10 commits for Gitleaks' history pass. Needs `npm run build` and `npm run scanners:install`.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  DEMO_RECORDS,
  type OsvRecordLike,
  readOsvRecords,
  writeOsvDatabase,
} from '../scripts/osv-database.ts';
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
} from './common.ts';
import { generate, git, writeFile, writeRepository } from './generated-repo.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist', 'cli.js');
const repo = path.join(root, 'out', 'bench', 'secrets-deps-repo');

const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    'no-cold': { type: 'boolean', default: false },
    'wait-minutes': { type: 'string', default: '10' },
  },
});
const runs = positiveInt(flags.runs, '--runs', 1);
const waitForIdle = idleWaiter(60 * positiveInt(flags['wait-minutes'], '--wait-minutes', 0));

const NPM_PACKAGES = 600;
const PYPI_PACKAGES = 80;
const ADVISORIES = 60;

// ---------------------------------------------------------------------------------------------
// Cold installs

/** `node scripts/install-scanners.ts <id>` with the tools folder and every Go cache empty. */
function coldInstall(id: string): { run: Timed; toolBytes: number; goBytes: number } {
  const scratch = mkdtempSync(path.join(os.tmpdir(), `controlgate-bench-cold-${id}-`));
  const dirs = {
    CONTROLGATE_TOOLS_DIR: path.join(scratch, 'tools'),
    GOPATH: path.join(scratch, 'gopath'),
    GOMODCACHE: path.join(scratch, 'gopath', 'pkg', 'mod'),
    GOCACHE: path.join(scratch, 'gocache'),
  };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  try {
    const run = timed(process.execPath, [path.join(root, 'scripts', 'install-scanners.ts'), id], {
      cwd: root,
      env: { ...process.env, ...dirs },
    });
    if (run.status !== 0)
      throw new Error(`cold install of ${id} failed:\n${run.stdout.slice(-2000)}${run.stderr.slice(-2000)}`);
    process.stderr.write(`cold ${id}: ${run.wall.toFixed(1)} s wall, ${run.cpu.toFixed(1)} s CPU\n`);
    return {
      run,
      toolBytes: folderBytes(path.join(dirs.CONTROLGATE_TOOLS_DIR, id)),
      goBytes: folderBytes(dirs.GOPATH) + folderBytes(dirs.GOCACHE),
    };
  } finally {
    // Go's module cache is read-only by design.
    makeWritable(scratch);
    rmSync(scratch, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// The medium repository with lockfiles

/** A made-up npm package name for index `i`: what a generated lockfile pins. */
const npmName = (i: number) => `bench-pkg-${String(i).padStart(4, '0')}`;
const pypiName = (i: number) => `bench-py-${String(i).padStart(3, '0')}`;

function packageLock(): string {
  const packages: Record<string, unknown> = {
    '': { name: 'bench', version: '1.0.0', dependencies: { lodash: '4.17.20' } },
    'node_modules/lodash': { version: '4.17.20' },
  };
  for (let i = 0; i < NPM_PACKAGES; i++) packages[`node_modules/${npmName(i)}`] = { version: `1.${i % 7}.0` };
  return `${JSON.stringify({ name: 'bench', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2)}\n`;
}

function requirements(): string {
  const lines = ['PyYAML==5.3.1'];
  for (let i = 0; i < PYPI_PACKAGES; i++) lines.push(`${pypiName(i)}==2.${i % 5}.0`);
  return `${lines.join('\n')}\n`;
}

/** Made-up advisories for generated packages: the even ones fixed above the pinned version (found), the odd ones fixed before it. */
function benchAdvisories(): OsvRecordLike[] {
  const records: OsvRecordLike[] = [];
  for (let k = 0; k < ADVISORIES; k++) {
    const npm = k % 4 !== 3;
    const i = npm ? (k * 10) % NPM_PACKAGES : (k * 3) % PYPI_PACKAGES;
    const fixed = k % 2 === 0 ? (npm ? `1.${(i % 7) + 1}.0` : `2.${(i % 5) + 1}.0`) : npm ? '1.0.0' : '2.0.0';
    const record = {
      id: `BENCH-${String(k).padStart(3, '0')}`,
      modified: '2026-12-01T00:00:00Z',
      summary: `made-up advisory ${k} for the benchmark`,
      affected: [
        {
          package: { ecosystem: npm ? 'npm' : 'PyPI', name: npm ? npmName(i) : pypiName(i) },
          ranges: [{ type: npm ? 'SEMVER' : 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }],
        },
      ],
    };
    records.push(record);
  }
  return records;
}

function buildRepository(): { describe: string; database: string } {
  const generated = generate(3000, 60);
  const built = writeRepository(
    repo,
    generated,
    '# Generated repository\n\nBuilt by controlgate `bench/secrets-and-dependencies.ts`; its findings are planted on purpose.\n',
  );
  writeFile(repo, 'web/package-lock.json', packageLock());
  writeFile(repo, 'api/requirements.txt', requirements());
  git(repo, 'init', '--quiet', '-b', 'main');
  git(repo, 'add', '-A');
  git(repo, 'commit', '--quiet', '-m', 'Generated application');
  // A pull request of 10 commits, each touching 5 modules, one adding a token a later one removes.
  git(repo, 'switch', '--quiet', '-c', 'change');
  const modules = generated.modules.slice(0, 50);
  for (let c = 0; c < 10; c++) {
    for (const m of modules.slice(c * 5, c * 5 + 5))
      writeFile(repo, m.path, `${m.lang === 'python' ? '#' : '//'} change ${c}\n`);
    if (c === 3) writeFile(repo, 'web/deploy.js', 'const TOKEN = "glpat-Xq7vRt2KmZ9pLw4NbY8c";\n');
    if (c === 6) writeFile(repo, 'web/deploy.js', 'const TOKEN = process.env.TOKEN;\n');
    git(repo, 'add', '-A');
    git(repo, 'commit', '--quiet', '-m', `Change ${c}`);
  }
  git(repo, 'switch', '--quiet', 'main');
  const database = path.join(os.tmpdir(), 'controlgate-bench-osv-database');
  rmSync(database, { recursive: true, force: true });
  writeOsvDatabase(database, [...readOsvRecords(DEMO_RECORDS), ...benchAdvisories()]);
  return {
    describe: `${built.files + 2} files (${built.lines.toLocaleString('en')} generated lines, a package-lock.json with ${NPM_PACKAGES + 1} packages, a requirements.txt with ${PYPI_PACKAGES + 1}); ${ADVISORIES + 2} advisories in the offline database`,
    database,
  };
}

interface ScanCase {
  name: string;
  args: string[];
  branch: string;
}

/** One gate run; its scanner's own duration and findings from the JSON report. */
function gate(c: ScanCase, database: string): { run: Timed; scanner: string } {
  git(repo, 'switch', '--quiet', c.branch);
  const run = timed(
    process.execPath,
    [cli, 'scan', '.', '--format', 'json', '--no-evidence', '--no-progress', ...c.args],
    {
      cwd: repo,
      env: { ...process.env, CONTROLGATE_OSV_DATABASE: database },
    },
  );
  git(repo, 'switch', '--quiet', 'main');
  if (run.status !== 0 && run.status !== 1)
    throw new Error(`${c.name} exited ${run.status}:\n${run.stderr.slice(-3000)}`);
  const report = JSON.parse(run.stdout) as {
    scanners: { id: string; status: string; findings: number; filesScanned: number; durationMs: number }[];
  };
  const scanner = report.scanners
    .map(
      (s) =>
        `${s.id} ${s.status}, ${s.filesScanned} files, ${s.findings} findings, ${(s.durationMs / 1000).toFixed(2)} s inside`,
    )
    .join('; ');
  process.stderr.write(`${c.name}: ${run.wall.toFixed(2)} s wall (${scanner})\n`);
  return { run, scanner };
}

// ---------------------------------------------------------------------------------------------

const out: string[] = [`Machine: ${machineSummary()}; load average at start ${loadAverage()}.`, ''];

if (!flags['no-cold']) {
  const rows: string[][] = [];
  for (const id of ['gitleaks', 'osv-scanner']) {
    await waitForIdle();
    const { run, toolBytes, goBytes } = coldInstall(id);
    rows.push([
      id,
      seconds(run.wall),
      seconds(run.cpu),
      seconds(run.otherCpu),
      `${Math.round(toolBytes / 2 ** 20)} MiB`,
      `${Math.round(goBytes / 2 ** 20)} MiB`,
    ]);
  }
  out.push(
    '**Cold install** (`node scripts/install-scanners.ts <id>`, empty tools folder, GOPATH, GOMODCACHE and GOCACHE):',
    '',
    markdownTable(
      ['scanner', 'wall (s)', 'CPU user+sys (s)', "other processes' CPU (s)", 'installed', 'Go caches left'],
      rows,
      [false, true, true, true, true, true],
    ),
    '',
  );
}

const { describe, database } = buildRepository();
const cases: ScanCase[] = [
  { name: 'Gitleaks, whole tree', args: ['--scanners', 'gitleaks', '--no-base'], branch: 'main' },
  {
    name: 'Gitleaks, pull request of 10 commits (changed files + history)',
    args: ['--scanners', 'gitleaks', '--base', 'main'],
    branch: 'change',
  },
  {
    name: 'OSV-Scanner, both lockfiles, offline',
    args: ['--scanners', 'osv-scanner', '--no-base'],
    branch: 'main',
  },
];
const rows: string[][] = [];
for (const c of cases) {
  gate(c, database); // warm the page cache and the tools once, untimed
  const samples: { run: Timed; scanner: string }[] = [];
  for (let i = 0; i < runs; i++)
    samples.push(
      await undisturbed(
        () => gate(c, database),
        (s) => s.run,
        waitForIdle,
      ),
    );
  const walls = samples.map((s) => s.run.wall);
  rows.push([
    `${c.name} (${walls.map((w) => w.toFixed(2)).join(', ')} s)`,
    seconds(median(walls)),
    seconds(median(samples.map((s) => s.run.cpu))),
    seconds(median(samples.map((s) => s.run.otherCpu))),
    samples.at(-1)?.scanner ?? '',
  ]);
}
out.push(
  `**The medium repository**: ${describe}. Median of ${runs} gate runs (\`controlgate scan --format json --no-evidence\`) after one untimed:`,
  '',
  markdownTable(
    ['run', 'median wall (s)', 'CPU user+sys (s)', "other processes' CPU (s)", 'scanner (last run)'],
    rows,
    [false, true, true, true, false],
  ),
);
console.log(out.join('\n'));
