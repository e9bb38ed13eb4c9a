/**
 * A large SARIF log end to end (issue 8): generates N results over 3 runs (default 200,000, about
 * 70 MiB), then times the CLI gating it with the evidence bundle written,
 *   controlgate scan <empty dir> --scanners none --sarif FILE --no-base --evidence DIR --format json > /dev/null
 * and, on the same file, two anchors: `sarif-multitool merge` (Microsoft's .NET SARIF SDK, a
 * devDependency) and `sarif summary` (PyPI sarif-tools, pinned, installed into out/bench/). Wall time
 * and peak RSS from GNU time (`/usr/bin/time -v`), median of N runs (default 3). Then a growth table:
 * one run of each at 10k, 50k, 200k, 500k and 1M results, each stopped after --timeout seconds; a
 * tool is not started at a size whose projected peak memory exceeds half of the available memory.
 *   npm run bench:large-sarif [-- --results N --runs N --growth 10000,50000 --timeout S
 *                                --no-growth --no-anchors --wait-minutes N]
 */
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
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

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// The bundled CLI, as users run it (`npm run bench:large-sarif` builds it first): memory is a target
// here, and running the TypeScript sources adds their compiled modules, about 60 MiB, to the peak.
const cli = path.join(root, 'dist', 'cli.js');
const multitool = path.join(root, 'node_modules', '.bin', 'sarif-multitool');
/** sarif-tools, pinned: the latest release on PyPI when this benchmark was written. */
const SARIF_TOOLS_VERSION = '3.0.5';
const sarifToolsVenv = path.join(root, 'out', 'bench', `sarif-tools-${SARIF_TOOLS_VERSION}`);
const sarifTools = path.join(sarifToolsVenv, 'bin', 'sarif');

const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    results: { type: 'string' },
    runs: { type: 'string', default: '3' },
    growth: { type: 'string', default: '10000,50000,200000,500000,1000000' },
    timeout: { type: 'string', default: '900' },
    'no-growth': { type: 'boolean', default: false },
    'no-anchors': { type: 'boolean', default: false },
    'wait-minutes': { type: 'string', default: '30' },
  },
});
// `npm run bench:large-sarif -- 200000` still works, as the earlier version of this script took it.
const total = positiveInt(flags.results ?? positionals[0] ?? '200000', '--results', 3);
const runs = positiveInt(flags.runs, '--runs', 1);
const growth = flags['no-growth']
  ? []
  : flags.growth.split(',').map((n) => positiveInt(n.trim(), '--growth', 3));
const timeoutSeconds = positiveInt(flags.timeout, '--timeout', 1);
const waitSeconds = 60 * positiveInt(flags['wait-minutes'], '--wait-minutes', 0);
// Between runs: wait while other processes are busy, up to the same time in all.
const waitForIdle = idleWaiter(waitSeconds);

// Without CI variables: in GitHub Actions or GitLab CI the scan would also publish.
const childEnv: NodeJS.ProcessEnv = { ...process.env, ...OFFLINE_ENV, NO_COLOR: '1' };
for (const key of ['CI', 'GITHUB_ACTIONS', 'GITLAB_CI', 'GITHUB_EVENT_PATH', 'CI_MERGE_REQUEST_IID']) {
  delete childEnv[key];
}

// ---------------------------------------------------------------------------------------------
// The log

const LEVELS = ['error', 'warning', 'note'] as const;

/** 50 rules per tool with CWE tags and a security-severity, as CodeQL-like tools write them. */
function toolObject(tool: string) {
  return {
    driver: {
      name: tool,
      version: '1.0.0',
      rules: Array.from({ length: 50 }, (_, i) => ({
        id: `${tool}-R${i}`,
        name: `rule ${i}`,
        defaultConfiguration: { level: LEVELS[i % 3] },
        properties: {
          tags: ['security', `external/cwe/cwe-${79 + i}`],
          'security-severity': String((i % 10) + 0.5),
        },
      })),
    },
  };
}

function result(tool: string, k: number, offset: number) {
  return {
    ruleId: `${tool}-R${k % 50}`,
    ruleIndex: k % 50,
    message: { text: `Finding ${offset + k}: something unsafe happens here with value ${k % 997}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: `src/module${k % 500}/file${k % 37}.py` },
          region: {
            startLine: (k % 400) + 1,
            startColumn: 5,
            endLine: (k % 400) + 2,
            snippet: { text: `x = call(${k})` },
          },
        },
      },
    ],
    partialFingerprints: { primaryLocationLineHash: `${k.toString(16)}:1` },
  };
}

/**
 * Writes the log result by result through a small buffer: at a million results the whole document
 * would be a string of several hundred MB in this process, which is not what is being measured.
 */
function writeSarif(file: string, count: number): number {
  const fd = openSync(file, 'w');
  let buffer = '';
  const flush = () => {
    writeSync(fd, buffer);
    buffer = '';
  };
  try {
    buffer += '{"version":"2.1.0","runs":[';
    let offset = 0;
    ['alpha', 'beta', 'gamma'].forEach((tool, i) => {
      // N split over 3 runs as evenly as whole numbers allow.
      const inRun = Math.floor(count / 3) + (i < count % 3 ? 1 : 0);
      buffer += `${i ? ',' : ''}{"tool":${JSON.stringify(toolObject(tool))},"results":[`;
      for (let k = 0; k < inRun; k++) {
        buffer += `${k ? ',' : ''}${JSON.stringify(result(tool, k, offset))}`;
        if (buffer.length > 1 << 20) flush();
      }
      buffer += ']}';
      offset += inRun;
    });
    buffer += ']}\n';
    flush();
  } finally {
    closeSync(fd);
  }
  return statSync(file).size;
}

// ---------------------------------------------------------------------------------------------
// The tools

function ensureSarifTools(): void {
  if (existsSync(sarifTools)) return;
  process.stderr.write(`installing sarif-tools ${SARIF_TOOLS_VERSION} into ${sarifToolsVenv} …\n`);
  execFileSync('python3', ['-m', 'venv', '--clear', sarifToolsVenv], { stdio: 'inherit' });
  execFileSync(
    path.join(sarifToolsVenv, 'bin', 'pip'),
    [
      'install',
      '--disable-pip-version-check',
      '--no-input',
      '--quiet',
      `sarif-tools==${SARIF_TOOLS_VERSION}`,
    ],
    { stdio: 'inherit' },
  );
}

interface Tool {
  name: string;
  command: string;
  /** Runs it once on `file`, with scratch space in `work`, and checks it did the job. */
  run: (file: string, work: string, count: number) => Timed;
}

/** What a run ended as, for the growth table: its exit, or why it did not finish. */
function outcome(run: Timed): string {
  if (run.timedOut) return `stopped after ${timeoutSeconds} s`;
  if (run.status === 134 || /heap out of memory|OutOfMemory/i.test(run.stderr)) return 'out of memory';
  if (run.signal) return `killed by ${run.signal}`;
  return `exit ${run.status}`;
}

function failed(name: string, run: Timed): never {
  throw new Error(`${name}: ${outcome(run)}\n${run.stderr.slice(-3000)}`);
}

const controlgate: Tool = {
  name: 'controlgate scan (end to end)',
  command:
    'controlgate scan <empty dir> --scanners none --sarif FILE --no-base --evidence DIR --format json > /dev/null',
  run: (file, work, count) => {
    const target = path.join(work, 'empty');
    const evidence = path.join(work, 'evidence');
    rmSync(evidence, { recursive: true, force: true });
    mkdirSync(target, { recursive: true });
    const run = timed(
      process.execPath,
      [
        cli,
        'scan',
        target,
        '--scanners',
        'none',
        '--sarif',
        file,
        '--no-base',
        '--evidence',
        evidence,
        '--format',
        'json',
        '--no-progress',
      ],
      { cwd: work, env: childEnv, stdout: 'ignore', peakMemory: true, timeoutSeconds },
    );
    // The logs are error, warning and note results at CC7.1: blocked (1) is the documented outcome;
    // 0 would mean nothing blocked, also a finished gate. 2 means the log could not be used.
    if (run.status !== 0 && run.status !== 1) return run;
    // The evidence bundle is part of the work measured: a run that skipped it measured less.
    if (!existsSync(evidence) || readdirSync(evidence).length === 0) {
      throw new Error(`controlgate wrote no evidence bundle for ${count} results`);
    }
    return run;
  },
};

const anchors: Tool[] = [
  {
    name: 'sarif-multitool merge (anchor)',
    command: 'npx @microsoft/sarif-multitool merge FILE --output-file OUT',
    run: (file, work) => {
      const out = path.join(work, 'merged.sarif');
      rmSync(out, { force: true });
      const run = timed(multitool, ['merge', file, '--output-file', out], {
        cwd: work,
        env: childEnv,
        peakMemory: true,
        timeoutSeconds,
      });
      if (run.status === 0 && !existsSync(out)) throw new Error(`sarif-multitool wrote no ${out}`);
      return run;
    },
  },
  {
    name: `sarif-tools ${SARIF_TOOLS_VERSION} summary (anchor)`,
    command: 'sarif summary FILE',
    run: (file, work) => {
      const run = timed(sarifTools, ['summary', file], {
        cwd: work,
        env: childEnv,
        peakMemory: true,
        timeoutSeconds,
      });
      return run;
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Main

function commitLabel(): string {
  const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], {
    cwd: root,
    encoding: 'utf8',
  }).trim();
  return `commit ${sha}${dirty ? ' with uncommitted changes in src/' : ''}`;
}

const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);

/** Memory the kernel could give a new process now (MemAvailable), in MiB. */
function availableMiB(): number {
  const kib = /^MemAvailable:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1];
  return kib ? Number(kib) / 1024 : os.freemem() / 2 ** 20;
}

const quiet = await waitForQuietMachine({ maxWaitSeconds: waitSeconds });
if (!flags['no-anchors']) ensureSarifTools();
const tools = flags['no-anchors'] ? [controlgate] : [controlgate, ...anchors];
console.log(
  `machine: ${machineSummary()}; ${commitLabel()}; load average ${loadAverage()} at the start${quiet.quiet ? '' : ' (NOT quiet: figures taken under load)'}\n`,
);

const scratch = mkdtempSync(path.join(os.tmpdir(), 'controlgate-bench-sarif-'));
try {
  const file = path.join(scratch, `results-${total}.sarif`);
  const size = writeSarif(file, total);
  console.log(`### ${total.toLocaleString('en')} results over 3 runs, ${mib(size)} MiB; median of ${runs}\n`);
  const rows: string[][] = [];
  const medians = new Map<Tool, { wall: number; rss: number }>();
  for (const tool of tools) {
    const samples: Timed[] = [];
    for (let i = 0; i < runs; i++) {
      const run = await undisturbed(
        () => tool.run(file, scratch, total),
        (r) => r,
        waitForIdle,
      );
      if (run.status !== 0 && run.status !== 1) failed(tool.name, run);
      process.stderr.write(
        `${tool.name}: ${run.wall.toFixed(2)} s, ${run.peakRssMiB?.toFixed(0)} MiB, others ${run.otherCpu.toFixed(1)} s CPU, load ${run.loadAtStart.toFixed(2)}\n`,
      );
      samples.push(run);
    }
    const walls = samples.map((s) => s.wall);
    const wall = median(walls);
    const rss = median(samples.map((s) => s.peakRssMiB ?? 0));
    medians.set(tool, { wall, rss });
    rows.push([
      tool.name,
      `\`${tool.command}\``,
      seconds(wall),
      `${seconds(Math.min(...walls))} / ${seconds(Math.max(...walls))}`,
      seconds(median(samples.map((s) => s.cpu))),
      rss.toFixed(0),
      seconds(median(samples.map((s) => s.otherCpu))),
    ]);
  }
  const cg = medians.get(controlgate);
  console.log(
    markdownTable(
      [
        'run',
        'command',
        'median wall (s)',
        'min / max (s)',
        'CPU user+sys (s)',
        'peak RSS (MiB)',
        'other processes’ CPU (s)',
      ],
      rows,
      [false, false, true, true, true, true, true],
    ),
  );
  console.log('');
  if (cg) {
    if (total === 200_000) {
      console.log(
        `- targets at 200k: ≤ 3 s: ${cg.wall <= 3 ? 'met' : 'MISSED'} (${seconds(cg.wall)} s); ≤ 768 MiB: ${cg.rss <= 768 ? 'met' : 'MISSED'} (${cg.rss.toFixed(0)} MiB)`,
      );
    }
    for (const tool of anchors) {
      const a = medians.get(tool);
      if (a) {
        console.log(
          `- controlgate / ${tool.name.replace(' (anchor)', '')}: ${(cg.wall / a.wall).toFixed(2)}× the time, ${(cg.rss / a.rss).toFixed(2)}× the memory`,
        );
      }
    }
  }
  rmSync(file, { force: true });

  if (growth.length > 0) {
    console.log(`\n### Growth: one run each, stopped after ${timeoutSeconds} s\n`);
    const growthRows: string[][] = [];
    // Per tool: the largest size it finished, with its peak memory, or why it stopped.
    const finished = new Map<Tool, { count: number; rss: number }>();
    const stopped = new Map<Tool, string>();
    for (const count of growth) {
      const grown = path.join(scratch, `results-${count}.sarif`);
      const grownSize = writeSarif(grown, count);
      const cells = [count.toLocaleString('en'), mib(grownSize)];
      for (const tool of tools) {
        const stop = stopped.get(tool);
        if (stop) {
          cells.push(`not run (${stop} at a smaller size)`);
          continue;
        }
        // There is no swap: a tool that took all the memory would take the machine's other work down
        // with it. Memory grows about linearly with the log, so the last size's peak predicts it.
        const last = finished.get(tool);
        const projected = last ? (last.rss * count) / last.count : 0;
        const available = availableMiB();
        if (projected > available / 2) {
          cells.push(
            `not run: would need about ${(projected / 1024).toFixed(1)} GiB, more than half the ${(available / 1024).toFixed(1)} GiB available`,
          );
          continue;
        }
        await waitForIdle();
        const run = tool.run(grown, scratch, count);
        const ok = run.status === 0 || run.status === 1;
        if (ok) finished.set(tool, { count, rss: run.peakRssMiB ?? 0 });
        else stopped.set(tool, outcome(run));
        process.stderr.write(
          `growth ${count}: ${tool.name} ${outcome(run)} ${run.wall.toFixed(1)} s ${run.peakRssMiB?.toFixed(0)} MiB\n`,
        );
        cells.push(
          ok
            ? `${seconds(run.wall)} s, ${(run.peakRssMiB ?? 0).toFixed(0)} MiB`
            : `${outcome(run)} (${seconds(run.wall)} s, ${(run.peakRssMiB ?? 0).toFixed(0)} MiB)`,
        );
      }
      rmSync(grown, { force: true });
      growthRows.push(cells);
    }
    console.log(
      markdownTable(
        [
          'results',
          'SARIF (MiB)',
          ...tools.map(
            (t) => `${t.name.replace(' (end to end)', '').replace(' (anchor)', '')}: wall, peak RSS`,
          ),
        ],
        growthRows,
        [true, true, ...tools.map(() => true)],
      ),
    );
  }
  console.log(`\nload average at the end: ${loadAverage()}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
