import { describe, expect, it } from 'vitest';
import type { Scanner } from '../../../scanners/types.ts';
import { systemClock } from '../../../src/clock.ts';
import { ToolMissingError } from '../../../src/errors.ts';
import type { Exec } from '../../../src/exec/exec.ts';
import { type ProgressEvent, runScanners } from '../../../src/runner/run-scanners.ts';

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
