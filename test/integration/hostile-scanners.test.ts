import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STDOUT_LIMIT_BYTES } from '../../src/exec/exec.ts';
import { type JsonReport, parseJsonReport } from '../../src/report/json-report-schema.ts';
import { renderComment } from '../../src/report/markdown/comment.ts';
import { renderJobSummary } from '../../src/report/markdown/summary.ts';
import { DEFAULT_MAX_SARIF_BYTES } from '../../src/sarif/read.ts';
import { CLI, REPO_ROOT } from '../support/cli.ts';
import { type NodeRun, spawnNode } from '../support/spawn-node.ts';

/*
 * Scanners that misbehave on purpose (test/fixtures/hostile-scanners), all in one run next to a
 * real Bandit: process trees that outlive their timeout or their scanner, garbage where SARIF
 * should be, a 1 GiB SARIF file, floods of output, and results pointing out of the workspace.
 * Each broken one must fail with its cause, leave its criteria not evaluated and nothing running;
 * Bandit's findings must be intact; controlgate's own memory must stay bounded throughout.
 */

const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'hostile-scanners');
const MIB = 1024 * 1024;
/** Far above a normal run (~150 MiB) and far below holding any of the floods or the 1 GiB file. */
const PEAK_MEMORY_LIMIT = 400 * MIB;
const HUGE_SARIF_BYTES = 1024 * MIB;
const HANG_TIMEOUT_S = 5;
const FLOOD_LAST_LINE = 'flood over: the last line survives';

interface Hostile {
  id: string;
  script: string;
  args: string[];
  /** Where its SARIF goes: a file under its output folder, or its standard output. */
  sarif: 'file' | 'stdout';
  covers: string[];
  timeout?: number;
  /** What its `error` must say. */
  error: RegExp;
}

/** The broken scanners; `base` holds the pid files of those that start processes. */
function hostileScanners(base: string): Hostile[] {
  const tree = (id: string, mode: string, error: RegExp, timeout?: number): Hostile => ({
    id,
    script: 'process-tree.mjs',
    args: [path.join(base, `${id}.pids`), mode],
    sarif: 'file',
    covers: ['CC9.2'],
    ...(timeout ? { timeout } : {}),
    error,
  });
  const garbage = (id: string, mode: string, sarif: Hostile['sarif'], error: RegExp): Hostile => ({
    id,
    script: 'garbage.mjs',
    args: [mode, '{sarif}'],
    sarif,
    covers: ['CC7.2', 'CC7.3'],
    error,
  });
  const timedOut = new RegExp(`timed out after ${HANG_TIMEOUT_S} s; it and its child processes were killed`);
  const notWritten = /out\.sarif: not a usable SARIF 2\.1\.0 log: the file was not written/;
  return [
    tree('tree', 'plain', timedOut, HANG_TIMEOUT_S),
    tree('stubborn', 'stubborn', timedOut, HANG_TIMEOUT_S),
    tree('daemon', 'daemon', notWritten),
    tree('scrubbed', 'scrubbed', notWritten),
    garbage('garbage-stdout', 'stdout', 'stdout', /garbage-stdout standard output: .*invalid JSON/),
    garbage('no-sarif', 'none', 'file', notWritten),
    garbage('fifo', 'fifo', 'file', /out\.sarif: .*it is a named pipe, not a regular file/),
    garbage('devzero', 'devzero', 'file', /out\.sarif: .*it is a symbolic link/),
    garbage(
      'stdout-flood',
      'flood',
      'stdout',
      new RegExp(`standard output: .*over the ${STDOUT_LIMIT_BYTES}-byte limit`),
    ),
    {
      id: 'huge-sarif',
      script: 'huge-sarif.mjs',
      args: ['{sarif}'],
      sarif: 'file',
      covers: ['CC6.2'],
      error: new RegExp(
        `the file is ${HUGE_SARIF_BYTES} bytes, over the ${DEFAULT_MAX_SARIF_BYTES}-byte limit for SARIF input`,
      ),
    },
    {
      id: 'stderr-flood',
      script: 'stderr-flood.mjs',
      args: ['300', FLOOD_LAST_LINE],
      sarif: 'file',
      covers: ['CC6.8'],
      error: new RegExp(`exited with 3: ${FLOOD_LAST_LINE}`),
    },
  ];
}

/** One letter from /proc (R, S, Z, …), or undefined when the pid is gone or now someone else's. */
function stateOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    // A zombie has no command line left; a live process must still be running our fixture.
    if (state === 'Z' || state === 'X') return state;
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes(FIXTURES) ? state : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Dead counts as gone: a zombie has ended and holds nothing but its exit status, which init
 * collects once its parent is gone (this sandbox's init does not, so zombies stay visible here).
 */
function running(pid: number): boolean {
  const state = stateOf(pid);
  return state !== undefined && state !== 'Z' && state !== 'X';
}

function recordedPids(file: string): Map<string, number> {
  if (!existsSync(file)) return new Map();
  const lines = readFileSync(file, 'utf8').trim().split('\n').filter(Boolean);
  return new Map(
    lines.map((line) => {
      const [role = '', pid = ''] = line.split(' ');
      return [role, Number(pid)];
    }),
  );
}

/** Files under `dir`, but not the 1 GiB SARIF: a hole the scanner made, longer than a string can be. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => path.join(dir, name))
    .filter((file) => statSync(file).isFile() && statSync(file).size < HUGE_SARIF_BYTES);
}

describe('hostile scanners next to a real Bandit', () => {
  let base: string;
  let workspace: string;
  let evidence: string;
  let outDir: string;
  let canary: string;
  let hostile: Hostile[];
  let run: NodeRun;
  let report: JsonReport;
  let peakBytes: number;

  beforeAll(async () => {
    base = await mkdtemp(path.join(os.tmpdir(), 'controlgate-hostile-'));
    workspace = path.join(base, 'workspace');
    evidence = path.join(base, 'evidence');
    outDir = path.join(base, 'raw');
    const outside = path.join(base, 'outside');
    await mkdir(workspace);
    await mkdir(outside);
    // Only the file's content is unique: a leak shows up as this string anywhere in the outputs.
    canary = `canary-${randomUUID()}`;
    await writeFile(path.join(outside, 'secret.txt'), `${canary} line one\n${canary} line two\n`);
    await writeFile(path.join(workspace, 'app.py'), 'import subprocess\nsubprocess.call(cmd, shell=True)\n');
    // What a pull request can add: links inside the workspace that lead out of it.
    await symlink(path.join(outside, 'secret.txt'), path.join(workspace, 'innocent.txt'));
    await symlink(outside, path.join(workspace, 'vendor'));

    hostile = hostileScanners(base);
    const entry = (h: Hostile) => ({
      id: h.id,
      command: process.execPath,
      args: [path.join(FIXTURES, h.script), ...h.args],
      sarif: h.sarif === 'stdout' ? 'stdout' : '{outDir}/out.sarif',
      include: ['app.py'],
      covers: h.covers,
      ...(h.timeout ? { timeout: h.timeout } : {}),
    });
    const config = {
      scanners: {
        custom: [
          ...hostile.map(entry),
          {
            id: 'outside',
            command: process.execPath,
            args: [path.join(FIXTURES, 'outside-paths.mjs'), '{sarif}', outside],
            sarif: '{outDir}/out.sarif',
            include: ['app.py'],
          },
        ],
      },
    };
    await writeFile(path.join(workspace, '.controlgate.yml'), JSON.stringify(config, null, 2));

    const peakFile = path.join(base, 'peak-bytes');
    const ids = ['bandit', 'outside', ...hostile.map((h) => h.id)].join(',');
    run = await spawnNode(
      path.join(FIXTURES, 'peak-memory.mjs'),
      [
        peakFile,
        CLI,
        'scan',
        workspace,
        '--format',
        'json',
        '--no-progress',
        '--scanners',
        ids,
        '--out-dir',
        outDir,
        '--evidence',
        evidence,
      ],
      // A controlgate that waits forever on a held pipe is killed here and fails every test.
      { env: process.env, cwd: REPO_ROOT, timeoutMs: 150_000 },
    );
    if (run.timedOut || !run.stdout.trim().startsWith('{'))
      throw new Error(`controlgate did not finish (timed out: ${run.timedOut}):\n${run.stderr.slice(-3000)}`);
    report = parseJsonReport(run.stdout, 'controlgate scan --format json (stdout)');
    peakBytes = Number(readFileSync(peakFile, 'utf8'));
  }, 200_000);

  afterAll(async () => {
    // Whatever a failed run left behind (the scrubbed daemon always survives; see below).
    for (const h of hostile ?? []) {
      for (const pid of recordedPids(path.join(base, `${h.id}.pids`)).values()) {
        try {
          if (running(pid)) process.kill(pid, 'SIGKILL');
        } catch {
          // It ended between the look and the kill.
        }
      }
    }
    if (base) await rm(base, { recursive: true, force: true });
  });

  const scanner = (id: string) => report.scanners.find((s) => s.id === id);

  it('exits 2 (could not evaluate), with Bandit’s findings intact', () => {
    expect(run.exitCode).toBe(2);
    expect(report.exitCode).toBe(2);
    expect(report.evaluated).toBe(false);
    expect(scanner('bandit')?.status).toBe('ok');
    const bandit = report.findings.filter((f) => f.scanner === 'bandit');
    expect(bandit.map((f) => f.ruleId)).toContain('B602');
    expect(bandit.find((f) => f.ruleId === 'B602')?.snippet).toContain('shell=True');
    expect(report.controls.find((c) => c.id === 'CC7.1')?.verdict).toBe('fail');
  });

  it('fails each broken scanner with its cause and leaves the criteria it covers not evaluated', () => {
    const controls = JSON.parse(readFileSync(path.join(evidence, 'controls.json'), 'utf8')) as Pick<
      JsonReport,
      'controls'
    >;
    const facts = JSON.parse(readFileSync(path.join(evidence, 'run.json'), 'utf8')) as {
      scanners: { id: string; status: string; error: string | null }[];
    };
    for (const h of hostile) {
      const s = scanner(h.id);
      expect(s?.status, h.id).toBe('failed');
      expect(s?.error, h.id).toMatch(h.error);
      expect(facts.scanners.find((f) => f.id === h.id)?.status, h.id).toBe('failed');
      for (const id of h.covers) {
        for (const source of [report.controls, controls.controls]) {
          const control = source.find((c) => c.id === id);
          expect(control?.verdict, `${h.id} ${id}`).toBe('not-evaluated');
          expect(control?.failedScanners, `${h.id} ${id}`).toContain(h.id);
        }
      }
    }
  });

  it('kills hung process trees at the timeout, SIGTERM ignored and process group left included', () => {
    for (const [id, roles] of [
      ['tree', ['scanner', 'child', 'grandchild']],
      ['stubborn', ['scanner', 'child', 'grandchild', 'escapee']],
    ] as const) {
      const pids = recordedPids(path.join(base, `${id}.pids`));
      expect([...pids.keys()].sort(), id).toEqual([...roles].sort());
      expect([...pids.values()].filter(running), id).toEqual([]);
    }
  });

  it('ends what a scanner left running after it exited, even outside its process group', () => {
    const pids = recordedPids(path.join(base, 'daemon.pids'));
    expect([...pids.keys()].sort()).toEqual(['escapee', 'scanner']);
    expect([...pids.values()].filter(running)).toEqual([]);
  });

  it('stops waiting for output held open by a process it cannot find', () => {
    // The scrubbed daemon left the group and the session, lost its parent and emptied its
    // environment: nothing ties it to the scanner any more (only a cgroup would). The run must
    // still finish; afterAll ends the daemon.
    expect(recordedPids(path.join(base, 'scrubbed.pids')).has('escapee')).toBe(true);
    expect(scanner('scrubbed')?.status).toBe('failed');
  });

  it('removes terminal control characters from a cause that quotes the garbage', () => {
    const error = scanner('garbage-stdout')?.error ?? '';
    expect(error).toMatch(/invalid JSON/);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for exactly these.
    expect(error).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });

  it('keeps only a bounded tail of a stderr flood, ending with its last line', () => {
    const tail = scanner('stderr-flood')?.stderrTail ?? '';
    expect(tail.endsWith(FLOOD_LAST_LINE)).toBe(true);
    expect(tail.length).toBeLessThanOrEqual(4_100);
  });

  it('keeps controlgate’s own peak memory bounded through the floods and the 1 GiB file', () => {
    expect(peakBytes).toBeGreaterThan(0);
    expect(peakBytes).toBeLessThan(PEAK_MEMORY_LIMIT);
  });

  describe('results pointing outside the workspace', () => {
    const probes = () => {
      const found = new Map<string, JsonReport['findings'][number]>();
      for (const f of report.findings.filter((x) => x.scanner === 'outside'))
        found.set(f.message.replace(/^probe: /, ''), f);
      return found;
    };
    const outsideLabels = [
      'dot-dot',
      'etc-passwd',
      'absolute',
      'file-url',
      'percent-encoded',
      'percent-encoded-dots',
      'uri-base',
      'file-symlink',
      'dir-symlink',
    ];

    it('keeps every such finding, marked as outside and without a snippet', () => {
      expect(scanner('outside')?.status).toBe('ok');
      const found = probes();
      expect([...found.keys()].sort()).toEqual([...outsideLabels, 'inside'].sort());
      for (const label of outsideLabels) {
        expect(found.get(label)?.inWorkspace, label).toBe(false);
        expect(found.get(label)?.snippet ?? null, label).toBeNull();
      }
      // The honest result shows that snippets are read where reading is safe.
      expect(found.get('inside')?.inWorkspace).toBe(true);
      expect(found.get('inside')?.snippet).toContain('import subprocess');
    });

    it('never reads the file: its content is in no output, raw file or evidence', () => {
      const texts = [run.stdout, run.stderr, ...[...filesUnder(evidence), ...filesUnder(outDir)].map(read)];
      expect(texts.length).toBeGreaterThan(5);
      for (const text of texts) expect(text.includes(canary)).toBe(false);
    });

    it('never links it from the PR comment, the job summary, the HTML report or the merged SARIF', () => {
      const repoUrl = 'https://github.com/octo/shop';
      const headSha = 'a'.repeat(40);
      const outsidePaths = outsideLabels.map((label) => probes().get(label)?.path ?? '');
      for (const body of [
        renderComment(report, { commentKey: 'default', repoUrl, headSha }),
        renderJobSummary(report, { repoUrl, headSha }),
      ]) {
        const linked = [...body.matchAll(/\]\((https:\/\/github\.com\/octo\/shop\/blob\/[^)#]+)/g)].map((m) =>
          decodeURIComponent((m[1] ?? '').slice(`${repoUrl}/blob/${headSha}/`.length)),
        );
        // Links are made (the in-workspace findings have them), just never to these.
        expect(linked).toContain('app.py');
        for (const p of outsidePaths) expect(linked, p).not.toContain(p);
        expect(body.includes(canary)).toBe(false);
      }

      const html = read(path.join(evidence, 'report.html'));
      const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1] ?? '');
      for (const href of hrefs) expect(href).not.toMatch(/secret\.txt|innocent\.txt|passwd/);
      const tagged = html.match(/outside the workspace<\/div>/g) ?? [];
      expect(tagged.length).toBe(outsideLabels.length);

      const merged = JSON.parse(read(path.join(evidence, 'sarif', 'merged.sarif'))) as {
        runs: { results: { message: { text: string }; locations?: unknown[] }[] }[];
      };
      const results = merged.runs.flatMap((r) => r.results);
      for (const label of outsideLabels) {
        const result = results.find((r) => r.message.text === `probe: ${label}`);
        expect(result, label).toBeDefined();
        expect(result?.locations, label).toBeUndefined();
      }
    });
  });
});

function read(file: string): string {
  return readFileSync(file, 'utf8');
}
