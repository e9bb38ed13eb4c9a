import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinRulesDir } from '../../scanners/semgrep/plugin.ts';
import { OFFLINE_ENV } from '../../src/tools/offline-env.ts';
import { REPO_ROOT } from '../support/cli.ts';

describe('the built-in Semgrep rule pack', () => {
  it('passes `semgrep --test` (true and false positives for every rule)', () => {
    const semgrep = path.join(REPO_ROOT, '.tools', 'venv', 'bin', 'semgrep');
    const run = spawnSync(semgrep, ['--test', '--metrics=off', builtinRulesDir()], {
      encoding: 'utf8',
      env: { ...process.env, ...OFFLINE_ENV },
      timeout: 600_000,
    });
    expect(run.error).toBeUndefined();
    expect(`${run.stdout}\n${run.stderr}`).toMatch(/\d+\/\d+: ✓ All tests passed/);
    expect(run.status).toBe(0);
  });
});
