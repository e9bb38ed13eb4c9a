import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toolsDir } from '../../src/paths.ts';
import { installRecordProblem } from '../../src/tools/install-record.ts';
import {
  type ActionRun,
  type ActionWorkspace,
  actionEnv,
  assertActionBuilt,
  createActionWorkspace,
  fakeToken,
  runAction,
  workflowCommands,
} from '../support/action-env.ts';
import {
  type CacheRequest,
  type FakeActionsCache,
  startFakeActionsCache,
} from '../support/fake-actions-cache.ts';
import { type FakeGitHub, startFakeGitHub } from '../support/fake-github.ts';
import { tail } from '../support/run-checks.ts';

/*
 * The built Action (dist/index.js) as a runner starts it, run several times against a local Actions
 * cache service (test/support/fake-actions-cache.ts): the real @actions/cache client over HTTP, the
 * real tar + zstd archive, the real installer checks. Only Bandit is selected, so only the Python
 * venv is installed and cached (KICS is never asked for).
 *
 * The install itself stays offline: CONTROLGATE_PYTHON is a stand-in whose `-m venv --clear DIR`
 * copies the already verified venv of the test tools folder into DIR (and records the call); then
 * the installer runs as always: the real pip of that venv with the lock (PIP_NO_INDEX: everything is
 * already there, so nothing is fetched), the version check and the install record.
 */

const SEED = path.join(toolsDir(), 'venv');
const TAMPERED = 'site-packages/bandit/core/manager.py';

function cacheLines(run: ActionRun): string {
  return `${run.stdout}\n${run.stderr}`;
}

function routes(requests: readonly CacheRequest[]): string[] {
  return requests.map((r) => `${r.route} ${r.status}`);
}

describe('the Action keeps its scanners in the Actions cache', () => {
  let root: string;
  let cache: FakeActionsCache;
  let gh: FakeGitHub;
  let ws: ActionWorkspace;
  let tools: string;
  let venv: string;
  let pythonCalls: string;
  let run: () => Promise<ActionRun>;

  beforeAll(async () => {
    assertActionBuilt();
    const problem = await installRecordProblem(SEED);
    if (problem)
      throw new Error(
        `the test copies a verified venv from ${SEED}, but: ${problem} (run npm run scanners:install)`,
      );
    root = mkdtempSync(path.join(os.tmpdir(), 'controlgate-tools-cache-'));
    cache = await startFakeActionsCache(path.join(root, 'cache-service'));
    gh = await startFakeGitHub();
    ws = createActionWorkspace();
    const toolCache = path.join(root, 'hostedtoolcache');
    tools = path.join(toolCache, 'controlgate', 'tools');
    venv = path.join(tools, 'venv');
    pythonCalls = path.join(root, 'python-calls.log');
    const bin = path.join(root, 'bin');
    mkdirSync(bin);
    const python = path.join(bin, 'python3');
    writeFileSync(
      python,
      [
        '#!/bin/sh',
        `echo "$*" >> '${pythonCalls}'`,
        'if [ "$1" = "-I" ] && [ "$2" = "-m" ] && [ "$3" = "venv" ] && [ "$4" = "--clear" ]; then',
        `  rm -rf "$5" && mkdir -p "$(dirname "$5")" && exec cp -a '${SEED}' "$5"`,
        'fi',
        'echo "stand-in python: only -I -m venv --clear DIR" >&2',
        'exit 1',
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    const token = fakeToken();
    run = async () => {
      ws.resetRunnerFiles();
      const env = actionEnv(ws, gh, {
        token,
        inputs: { scanners: 'bandit', 'install-scanners': 'true', comment: 'off', status: 'false' },
        extra: {
          ...cache.env(),
          RUNNER_TOOL_CACHE: toolCache,
          ImageOS: 'ubuntu24',
          CONTROLGATE_TOOLS_DIR: undefined,
          CONTROLGATE_PYTHON: python,
          PIP_NO_INDEX: '1',
          // No scanner on PATH: the venv is the only place Bandit can come from.
          PATH: [path.dirname(process.execPath), '/usr/bin', '/bin'].join(path.delimiter),
        },
      });
      const result = await runAction(env, { timeoutMs: 300_000 });
      expect(result.timedOut, `the Action timed out\n${tail(result)}`).toBe(false);
      // The gate judged the scan (0 pass, 1 block): never 2, whatever the cache did.
      expect([0, 1], tail(result)).toContain(result.exitCode);
      return result;
    };
  });

  afterAll(async () => {
    await cache?.stop();
    await gh?.stop();
    ws?.cleanup();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const venvCalls = () =>
    existsSync(pythonCalls) ? readFileSync(pythonCalls, 'utf8').trim().split('\n') : [];

  it('misses and saves, restores without installing, then refuses a tampered entry and reinstalls', async () => {
    // 1. An empty cache: miss, install, save.
    const first = await run();
    const log1 = cacheLines(first);
    const key = /cache miss for (controlgate-tools-python-venv-linux-x64-ubuntu24-[0-9a-f]{32})/.exec(
      log1,
    )?.[1];
    expect(key, tail(first)).toBeDefined();
    expect(log1).toMatch(/bandit \S+: installed at .*venv\/bin\/bandit/);
    expect(log1).toContain(`saved ${venv} to the Actions cache (key ${key}) in `);
    expect(venvCalls()).toEqual([`-I -m venv --clear ${venv}`]);
    expect(routes(cache.requests)).toEqual(
      expect.arrayContaining([
        'GetCacheEntryDownloadURL 200',
        'CreateCacheEntry 200',
        'FinalizeCacheEntryUpload 200',
      ]),
    );
    expect(
      cache.requests.filter((r) => r.route.startsWith('blob-') && r.method === 'PUT').length,
    ).toBeGreaterThan(0);
    // Only the selected scanner's recipe: KICS is never looked up.
    expect(cache.requests.every((r) => !r.body || String(r.body.key).includes('python-venv'))).toBe(true);
    const [entry] = cache.entries();
    expect(cache.entries()).toHaveLength(1);
    expect(entry?.finalized).toBe(true);
    expect(entry?.size).toBeGreaterThan(10 * 2 ** 20);

    // 2. A fresh runner (no tools folder): restored, checked, nothing installed, nothing saved.
    rmSync(tools, { recursive: true, force: true });
    const before = cache.requests.length;
    const second = await run();
    const log2 = cacheLines(second);
    expect(log2, tail(second)).toMatch(
      new RegExp(`scanners restored from the Actions cache \\(key ${key}\\) in \\d+(\\.\\d)? s`),
    );
    expect(log2).toMatch(/bandit \S+: already installed at .*venv\/bin\/bandit/);
    expect(log2).not.toContain('installing bandit');
    expect(venvCalls()).toHaveLength(1);
    expect(routes(cache.requests.slice(before))).toEqual(['GetCacheEntryDownloadURL 200', 'blob-get 200']);
    expect(await installRecordProblem(venv)).toBeUndefined();

    // 3. The stored entry changed (a byte of a Python file, its record left alone): refused, reinstalled.
    const changed = cache.tamper(key ?? '', TAMPERED);
    expect(changed).toContain(TAMPERED);
    rmSync(tools, { recursive: true, force: true });
    const third = await run();
    const log3 = cacheLines(third);
    expect(log3, tail(third)).toMatch(
      new RegExp(`scanners restored from the Actions cache \\(key ${key}\\)`),
    );
    expect(log3).toMatch(
      new RegExp(`reinstalling the venv at ${venv}: \\S*${TAMPERED} changed since it was installed`),
    );
    expect(log3).toMatch(/bandit \S+: installed at /);
    expect(log3).toContain(
      `the folder restored from the Actions cache (key ${key}) failed the install checks`,
    );
    expect(venvCalls()).toHaveLength(2);
    expect(await installRecordProblem(venv)).toBeUndefined();
  }, 600_000);

  it('installs as usual, with a warning, when the cache service fails', async () => {
    rmSync(tools, { recursive: true, force: true });
    const calls = venvCalls().length;
    // Every attempt at the archive download answers 500 (the client retries once).
    cache.fail('blob-get', 500, 10);
    const failed = await run();
    const lines = cacheLines(failed);
    // A warning, not an error: the step's annotations should not blame the scan for the cache.
    expect(workflowCommands(failed, 'warning').join('\n'), tail(failed)).toMatch(
      /Failed to restore: downloadCache failed: Cache service responded with 500/,
    );
    expect(workflowCommands(failed, 'error').join('\n')).not.toMatch(/cache/i);
    expect(lines).toMatch(/bandit \S+: installed at /);
    expect(venvCalls()).toHaveLength(calls + 1);
  }, 300_000);
});
