import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinRulesDir } from '../../scanners/semgrep/plugin.ts';
import { OFFLINE_ENV } from '../../src/tools/offline-env.ts';
import { REPO_ROOT } from '../support/cli.ts';

/**
 * The `.fixed` files `semgrep --test` compares a rule's autofix with: one beside each test file of a
 * rule with `fix:` or `fix-regex:` (`<rule>.fixed.<ext>`), and which of them are missing.
 */
function fixedFiles(): { count: number; missing: string[] } {
  const dir = builtinRulesDir();
  const files = readdirSync(dir, { recursive: true }).map(String);
  const tests = files
    .filter((f) => /\.ya?ml$/.test(f) && /^\s+fix(-regex)?:/m.test(readFileSync(path.join(dir, f), 'utf8')))
    .flatMap((yaml) => {
      const base = yaml.replace(/\.ya?ml$/, '');
      return files.filter((f) => f.startsWith(`${base}.`) && !/\.(ya?ml|fixed\.\w+)$/.test(f));
    });
  const missing = tests.filter((t) => !files.includes(t.replace(/\.(\w+)$/, '.fixed.$1')));
  return { count: tests.length, missing };
}

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
    // Autofix: every test file of a rule with a fix has its `.fixed` twin, and all of them were checked.
    const fixed = fixedFiles();
    expect(fixed.missing).toEqual([]);
    expect(`${run.stdout}\n${run.stderr}`).toContain(`${fixed.count}/${fixed.count}: ✓ All fix tests passed`);
    expect(run.status).toBe(0);
  });
});
