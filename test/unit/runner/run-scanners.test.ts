import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scanner, UnjudgedFile } from '../../../scanners/types.ts';
import { systemClock } from '../../../src/clock.ts';
import { ToolMissingError } from '../../../src/errors.ts';
import type { Exec } from '../../../src/exec/exec.ts';
import { type ProgressEvent, runScanners } from '../../../src/runner/run-scanners.ts';
import { execResult } from '../../support/exec-result.ts';

/** A scanner that is never installed: it fails at `locate`, after its start has been announced. */
function uninstalled(id: string, startupSeconds?: number): Scanner {
  return {
    id,
    displayName: id.toUpperCase(),
    scope: 'file',
    ...(startupSeconds === undefined ? {} : { startupSeconds }),
    selectFiles: (files) => [...files],
    locate: async () => {
      throw new ToolMissingError(`${id} is not installed (test double)`);
    },
    plan: () => {
      throw new Error('never planned: the tool is missing');
    },
    interpretExit: () => 'clean',
  };
}

const noExec: Exec = async () => {
  throw new Error('no process is started in this test');
};

async function schedule(concurrency: number) {
  const starts: string[] = [];
  const runs = await runScanners({
    root: '/workspace',
    target: '/workspace',
    files: ['/workspace/app.py'],
    scanners: [
      uninstalled('bandit', 0.5),
      uninstalled('custom'),
      uninstalled('kics', 20),
      uninstalled('semgrep', 4),
    ].map((scanner) => ({ scanner, options: { timeoutSeconds: 60, extraArgs: [] } })),
    outDir: '/tmp/controlgate-schedule-test',
    exec: noExec,
    toolsDir: '/nonexistent',
    env: {},
    concurrency,
    clock: systemClock,
    onProgress: (event: ProgressEvent) => {
      if (event.type === 'start') starts.push(event.id);
    },
  });
  return { starts, results: runs.map((r) => `${r.id}:${r.status}`) };
}

describe('scanner scheduling', () => {
  it('starts the scanner with the largest fixed cost first and keeps the configured order in the results', async () => {
    const { starts, results } = await schedule(1);
    expect(starts).toEqual(['kics', 'semgrep', 'bandit', 'custom']);
    expect(results).toEqual(['bandit:failed', 'custom:failed', 'kics:failed', 'semgrep:failed']);
  });

  it('with room for all, still reports them in the configured order', async () => {
    const { starts, results } = await schedule(4);
    expect(new Set(starts)).toEqual(new Set(['bandit', 'custom', 'kics', 'semgrep']));
    expect(results).toEqual(['bandit:failed', 'custom:failed', 'kics:failed', 'semgrep:failed']);
  });
});

describe('a plugin’s checkRun', () => {
  let outDir: string;
  beforeAll(async () => {
    outDir = await mkdtemp(path.join(os.tmpdir(), 'controlgate-check-run-'));
  });
  afterAll(async () => {
    await rm(outDir, { recursive: true, force: true });
  });
  /** A SARIF log with one result, on standard output. */
  const sarif = JSON.stringify({
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'fake', rules: [{ id: 'R1' }] } },
        results: [
          {
            ruleId: 'R1',
            level: 'error',
            message: { text: 'found' },
            locations: [
              { physicalLocation: { artifactLocation: { uri: 'app.py' }, region: { startLine: 1 } } },
            ],
          },
        ],
      },
    ],
  });

  function checked(verdict: string | undefined, seen: unknown[]): Scanner {
    return {
      id: 'fake',
      displayName: 'Fake',
      scope: 'file',
      selectFiles: (files) => [...files],
      locate: async () => ({ command: '/bin/fake', version: '1.0.0', source: 'path' }),
      plan: () => ({ file: '/bin/fake', args: [] }),
      interpretExit: (code) => (code === 0 ? 'clean' : 'error'),
      checkRun: async (run) => {
        seen.push(run);
        return verdict;
      },
    };
  }

  async function run(verdict: string | undefined, seen: unknown[] = []) {
    const exec: Exec = async () => execResult({ stdout: sarif, stderrTail: 'loaded 0 rules' });
    const [result] = await runScanners({
      root: '/workspace',
      target: '/workspace',
      files: ['/workspace/app.py'],
      scanners: [{ scanner: checked(verdict, seen), options: { timeoutSeconds: 60, extraArgs: [] } }],
      outDir,
      exec,
      toolsDir: '/nonexistent',
      env: {},
      concurrency: 1,
      clock: systemClock,
    });
    return result;
  }

  it('turns a run that looked clean into a failed one, with the plugin’s reason and the findings kept', async () => {
    const seen: unknown[] = [];
    const result = await run('it loaded no rules', seen);
    expect(result).toMatchObject({ status: 'failed', error: 'it loaded no rules', exitCode: 0 });
    expect(result?.findings).toHaveLength(1);
    expect(seen).toEqual([
      { outDir: expect.stringMatching(/fake$/), exitCode: 0, stderrTail: 'loaded 0 rules' },
    ]);
  });

  it('lets the run stand when the plugin has no objection', async () => {
    expect(await run(undefined)).toMatchObject({ status: 'ok' });
  });

  async function amended(amendLog: Scanner['amendLog']) {
    const exec: Exec = async () => execResult({ stdout: sarif });
    const [result] = await runScanners({
      root: '/workspace',
      target: '/workspace',
      files: ['/workspace/app.py'],
      scanners: [
        { scanner: { ...checked(undefined, []), amendLog }, options: { timeoutSeconds: 60, extraArgs: [] } },
      ],
      outDir,
      exec,
      toolsDir: '/nonexistent',
      env: {},
      concurrency: 1,
      clock: systemClock,
    });
    return result;
  }

  it('gives a plugin’s amendLog the log, its output folder and the tool’s folder before normalizing', async () => {
    const seen: string[] = [];
    const result = await amended(async (log, dir, cwd) => {
      seen.push(path.basename(dir), cwd);
      const [first] = log.runs[0]?.results ?? [];
      if (first)
        first.fixes = [
          {
            artifactChanges: [
              {
                artifactLocation: { uri: 'app.py' },
                replacements: [
                  {
                    deletedRegion: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 2 },
                    insertedContent: { text: 'y' },
                  },
                ],
              },
            ],
          },
        ];
    });
    expect(seen).toEqual(['fake', '/workspace']);
    expect(result?.status).toBe('ok');
    expect(result?.findings).toHaveLength(1);
  });

  it('keeps the findings when amendLog fails', async () => {
    const result = await amended(async () => {
      throw new Error('side file unreadable');
    });
    expect(result).toMatchObject({ status: 'ok' });
    expect(result?.findings).toHaveLength(1);
  });
});

describe('a scanner the policy refuses', () => {
  it('fails with the reason given, and is never located or started', async () => {
    let located = false;
    const scanner: Scanner = {
      ...uninstalled('semgrep'),
      locate: async () => {
        located = true;
        throw new Error('never located: the policy refused the run');
      },
    };
    const [run] = await runScanners({
      root: '/workspace',
      target: '/workspace',
      files: ['/workspace/app.py'],
      scanners: [
        {
          scanner,
          options: { timeoutSeconds: 60, extraArgs: [] },
          refused: 'not run: its rules "rules" are not in the base',
        },
      ],
      outDir: '/tmp/controlgate-refused-test',
      exec: noExec,
      toolsDir: '/nonexistent',
      env: {},
      concurrency: 1,
      clock: systemClock,
    });
    expect(run).toMatchObject({
      id: 'semgrep',
      status: 'failed',
      error: 'not run: its rules "rules" are not in the base',
      filesScanned: 1,
      findings: [],
    });
    expect(located).toBe(false);
  });
});

describe('a plugin’s unjudgedFiles', () => {
  let outDir: string;
  beforeAll(async () => {
    outDir = await mkdtemp(path.join(os.tmpdir(), 'controlgate-unjudged-'));
  });
  afterAll(async () => {
    await rm(outDir, { recursive: true, force: true });
  });
  const sarif = JSON.stringify({
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'fake' } }, results: [] }],
  });

  async function run(unjudged: (files: readonly string[]) => UnjudgedFile[], files: string[]) {
    const scanner: Scanner = {
      id: 'fake',
      displayName: 'Fake',
      scope: 'file',
      selectFiles: (given) => [...given],
      locate: async () => ({ command: '/bin/fake', version: '1.0.0', source: 'path' }),
      plan: () => ({ file: '/bin/fake', args: [] }),
      interpretExit: () => 'clean',
      unjudgedFiles: async (r) => unjudged(r.files),
    };
    const [result] = await runScanners({
      root: '/workspace',
      target: '/workspace',
      files,
      scanners: [{ scanner, options: { timeoutSeconds: 60, extraArgs: [] } }],
      outDir,
      exec: async () => execResult({ stdout: sarif }),
      toolsDir: '/nonexistent',
      env: {},
      concurrency: 1,
      clock: systemClock,
    });
    return result;
  }

  it('records the files the tool could not judge, relative to the root, and the run stands', async () => {
    const result = await run(
      () => [{ path: '/workspace/src/new.py', reason: 'syntax error while parsing AST from file' }],
      ['/workspace/src/new.py', '/workspace/old.py'],
    );
    expect(result).toMatchObject({
      status: 'ok',
      unjudged: [{ path: 'src/new.py', reason: 'syntax error while parsing AST from file' }],
    });
  });

  it('fails a run that judged none of the files it was given, naming one', async () => {
    const result = await run(
      (files) => files.map((f) => ({ path: f, reason: 'rule r timed out' })),
      ['/workspace/a.js', '/workspace/b.js'],
    );
    expect(result?.status).toBe('failed');
    expect(result?.error).toBe('could judge none of the 2 files it was given (a.js: rule r timed out)');
    expect(result?.unjudged).toHaveLength(2);
  });

  it('leaves a run without unjudged files as it was', async () => {
    const result = await run(() => [], ['/workspace/a.js']);
    expect(result?.status).toBe('ok');
    expect(result).not.toHaveProperty('unjudged');
  });
});

describe('a scanner’s file size limit', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'controlgate-size-'));
    await writeFile(path.join(dir, 'small.tf'), 'x'.repeat(10));
    await writeFile(path.join(dir, 'large.tf'), 'x'.repeat(2_000));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const sarif = JSON.stringify({
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'fake' } }, results: [] }],
  });

  async function run(files: string[]) {
    const given: string[][] = [];
    const scanner: Scanner = {
      id: 'fake',
      displayName: 'Fake',
      scope: 'file',
      maxFileBytes: () => 1_000,
      selectFiles: (all) => [...all],
      locate: async () => ({ command: '/bin/fake', version: '1.0.0', source: 'path' }),
      plan: (context) => {
        given.push([...context.files]);
        return { file: '/bin/fake', args: [] };
      },
      interpretExit: () => 'clean',
    };
    const [result] = await runScanners({
      root: dir,
      target: dir,
      files,
      scanners: [{ scanner, options: { timeoutSeconds: 60, extraArgs: [] } }],
      outDir: path.join(dir, 'out'),
      exec: async () => execResult({ stdout: sarif }),
      toolsDir: '/nonexistent',
      env: {},
      concurrency: 1,
      clock: systemClock,
    });
    return { result, given };
  }

  it('keeps a file over the limit from the tool and names it as not judged', async () => {
    const { result, given } = await run([path.join(dir, 'small.tf'), path.join(dir, 'large.tf')]);
    expect(given).toEqual([[path.join(dir, 'small.tf')]]);
    expect(result).toMatchObject({
      status: 'ok',
      filesScanned: 1,
      unjudged: [
        {
          path: 'large.tf',
          reason: "too large: 0.0 MB, over Fake's limit of 0.001 MB, so it was not given to Fake",
        },
      ],
    });
  });

  it('fails the run, without starting the tool, when every file is over the limit', async () => {
    const { result, given } = await run([path.join(dir, 'large.tf')]);
    expect(given).toEqual([]);
    expect(result?.status).toBe('failed');
    expect(result?.error).toMatch(/^could judge none of the 1 file it was given \(large\.tf: too large/);
  });
});

describe('a history pass and a SARIF written from the tool’s own report', () => {
  let outDir: string;
  beforeAll(async () => {
    outDir = await mkdtemp(path.join(os.tmpdir(), 'controlgate-history-'));
  });
  afterAll(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  const log = (uri: string, ruleId: string) =>
    JSON.stringify({
      version: '2.1.0',
      runs: [
        {
          tool: { driver: { name: 'fake', rules: [{ id: ruleId }] } },
          results: [
            {
              ruleId,
              message: { text: `found by ${ruleId}` },
              locations: [{ physicalLocation: { artifactLocation: { uri }, region: { startLine: 1 } } }],
            },
          ],
        },
      ],
    });
  const history = { repoRoot: '/workspace', from: 'a'.repeat(40), to: 'b'.repeat(40) };

  function historyScanner(): Scanner {
    return {
      id: 'leaks',
      displayName: 'Leaks',
      scope: 'file',
      selectFiles: (files) => [...files],
      locate: async () => ({ command: '/bin/leaks', version: '1.0.0', source: 'path' }),
      plan: ({ history: h }) => ({ file: '/bin/leaks', args: ['tree', h ? 'with-history' : 'alone'] }),
      planHistory: ({ history: h }) => ({ file: '/bin/leaks', args: ['git', `${h.from}..${h.to}`] }),
      historyResults: async (historyLog, tree) => {
        const added = historyLog.runs[0]?.results ?? [];
        tree.runs[0]?.results?.push(...added);
      },
      interpretExit: (code) => (code === 0 ? 'clean' : code === 1 ? 'findings' : 'error'),
    };
  }

  async function run(withHistory: boolean, historyExit = 1) {
    const seen: string[][] = [];
    const exec: Exec = async (request) => {
      seen.push([...request.args]);
      return request.args[0] === 'git'
        ? execResult({
            exitCode: historyExit,
            stdout: log('commit:app.py', 'H1'),
            stderrTail: 'bad revision',
          })
        : execResult({ exitCode: 1, stdout: log('app.py', 'T1') });
    };
    const [result] = await runScanners({
      root: '/workspace',
      target: '/workspace',
      files: ['/workspace/app.py'],
      scanners: [
        {
          scanner: historyScanner(),
          options: { timeoutSeconds: 60, extraArgs: [] },
          ...(withHistory ? { history } : {}),
        },
      ],
      outDir,
      exec,
      toolsDir: '/nonexistent',
      env: {},
      concurrency: 1,
      clock: systemClock,
    });
    return { result, seen };
  }

  it('on a change, runs the second command over its commits and keeps what the plugin adds', async () => {
    const { result, seen } = await run(true);
    expect(seen).toEqual([
      ['tree', 'with-history'],
      ['git', `${history.from}..${history.to}`],
    ]);
    expect(result?.status).toBe('ok');
    expect(result?.findings.map((f) => [f.ruleId, f.inWorkspace])).toEqual([
      ['T1', true],
      ['H1', false],
    ]);
  });

  it('without a change, runs the tree scan alone', async () => {
    const { result, seen } = await run(false);
    expect(seen).toEqual([['tree', 'alone']]);
    expect(result?.findings.map((f) => f.ruleId)).toEqual(['T1']);
  });

  it('fails the whole run when the history pass fails: the change was not judged', async () => {
    const { result } = await run(true, 2);
    expect(result?.status).toBe('failed');
    expect(result?.error).toContain(
      "the scan of the change's commits (aaaaaaaaaaaa..bbbbbbbbbbbb) exited with 2",
    );
    expect(result?.error).toContain('bad revision');
  });

  it('reads the SARIF a plugin writes from its own report, and fails the run when it cannot', async () => {
    const sarifPath = path.join(outDir, 'deps', 'deps.sarif');
    const scanner = (fail: boolean): Scanner => ({
      id: 'deps',
      displayName: 'Deps',
      scope: 'tree',
      selectFiles: (files) => [...files],
      locate: async () => ({ command: '/bin/deps', version: '1.0.0', source: 'path' }),
      plan: () => ({ file: '/bin/deps', args: [], sarifPath }),
      writeSarif: async (dir) => {
        if (fail) throw new Error('deps.json: not JSON');
        await writeFile(path.join(dir, 'deps.sarif'), log('app.py', 'D1'));
      },
      interpretExit: (code) => (code === 0 ? 'clean' : 'findings'),
    });
    const runOnce = async (fail: boolean) =>
      (
        await runScanners({
          root: '/workspace',
          target: '/workspace',
          files: ['/workspace/app.py'],
          scanners: [{ scanner: scanner(fail), options: { timeoutSeconds: 60, extraArgs: [] } }],
          outDir,
          exec: async () => execResult({ exitCode: 1 }),
          toolsDir: '/nonexistent',
          env: {},
          concurrency: 1,
          clock: systemClock,
        })
      )[0];
    const ok = await runOnce(false);
    expect(ok?.status).toBe('ok');
    expect(ok?.findings.map((f) => f.ruleId)).toEqual(['D1']);
    const failed = await runOnce(true);
    expect(failed).toMatchObject({ status: 'failed', error: 'deps.json: not JSON' });
  });
});

describe('a scanner that also reads the change’s history', () => {
  let outDir: string;
  beforeAll(async () => {
    outDir = await mkdtemp(path.join(os.tmpdir(), 'controlgate-history-run-'));
  });
  afterAll(async () => {
    await rm(outDir, { recursive: true, force: true });
  });
  const emptyLog = JSON.stringify({
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'fake' } }, results: [] }],
  });
  const history = { repoRoot: '/workspace', from: 'a'.repeat(40), to: 'b'.repeat(40) };

  function historian(steps: string[]): Scanner {
    return {
      id: 'fake',
      displayName: 'Fake',
      scope: 'file',
      selectFiles: (files) => [...files],
      locate: async () => ({ command: '/bin/fake', version: '1.0.0', source: 'path' }),
      plan: ({ files }) => ({ file: '/bin/fake', args: ['tree', ...files] }),
      planHistory: ({ history: h }) => ({ file: '/bin/fake', args: ['history', `${h.from}..${h.to}`] }),
      writeSarif: async () => {
        steps.push('writeSarif');
      },
      historyResults: async (_history, _tree, context) => {
        steps.push(`historyResults ${typeof context.exec}`);
      },
      interpretExit: (code) => (code === 0 ? 'clean' : 'error'),
    };
  }

  async function run(withHistory: boolean, steps: string[]) {
    const exec: Exec = async (request) => {
      steps.push(request.args.join(' '));
      return execResult({ stdout: emptyLog });
    };
    const [result] = await runScanners({
      root: '/workspace',
      target: '/workspace',
      files: [],
      scanners: [
        {
          scanner: historian(steps),
          options: { timeoutSeconds: 60, extraArgs: [] },
          files: [],
          ...(withHistory ? { history } : {}),
        },
      ],
      outDir,
      exec,
      toolsDir: '/nonexistent',
      env: {},
      concurrency: 1,
      clock: systemClock,
    });
    return result;
  }

  it('runs on a change without files, since its commits may hold what its files no longer do', async () => {
    const steps: string[] = [];
    const result = await run(true, steps);
    expect(result?.status).toBe('ok');
    // The tool's report is turned into SARIF after each command; historyResults can start git.
    expect(steps).toEqual([
      'tree',
      'writeSarif',
      `history ${'a'.repeat(40)}..${'b'.repeat(40)}`,
      'writeSarif',
      'historyResults function',
    ]);
  });

  it('is skipped without files when there is no history to read', async () => {
    const steps: string[] = [];
    const result = await run(false, steps);
    expect(result).toMatchObject({ status: 'skipped', error: 'no changed files for Fake' });
    expect(steps).toEqual([]);
  });
});
