import { readFileSync } from 'node:fs';
import path from 'node:path';
import type * as Sarif from 'sarif';
import { describe, expect, it } from 'vitest';
import { bandit } from '../../../../scanners/bandit/plugin.ts';
import type { PlanContext, Scanner, SuppressionSite } from '../../../../scanners/types.ts';
import { REPO_ROOT } from '../../../support/cli.ts';

const ROOT = path.resolve('/repo');
/** The plugin seen through the Scanner interface, as the runner calls it. */
const generic: Scanner = bandit;

function site(lines: string[], ruleId: string, startLine = 1, endLine = startLine): SuppressionSite {
  return { lines, startLine, endLine, ruleId };
}

function suppression(s: SuppressionSite): string | undefined {
  return bandit.inSourceSuppression(s)?.text;
}

describe('bandit.interpretExit', () => {
  it('reads 0 as clean, 1 as findings', () => {
    expect(bandit.interpretExit(0)).toBe('clean');
    expect(bandit.interpretExit(1)).toBe('findings');
  });

  it.each([2, 3, 126, 127, 255, -1])('reads %i as an error', (code) => {
    expect(bandit.interpretExit(code)).toBe('error');
  });
});

describe('bandit.selectFiles', () => {
  it('keeps only Python sources', () => {
    const files = [
      'app/main.py',
      'app/gui.pyw',
      'app/MAIN.PY',
      'app/x.pyc',
      'app/index.js',
      'Dockerfile',
      'py',
    ].map((f) => path.join(ROOT, f));
    expect(generic.selectFiles(files, ROOT)).toEqual(
      ['app/main.py', 'app/gui.pyw', 'app/MAIN.PY'].map((f) => path.join(ROOT, f)),
    );
  });

  it('returns [] when there is no Python file', () => {
    expect(generic.selectFiles([path.join(ROOT, 'main.tf')], ROOT)).toEqual([]);
  });
});

describe('bandit.inSourceSuppression', () => {
  it('recognises a bare # nosec, which covers every test', () => {
    const s = site(['subprocess.call(cmd, shell=True)  # nosec'], 'B602');
    expect(suppression(s)).toBe('nosec');
  });

  it('recognises # nosec B602 for B602', () => {
    expect(suppression(site(['subprocess.call(cmd, shell=True)  # nosec B602'], 'B602'))).toBe('nosec B602');
  });

  it('does not let # nosec B602 cover another test', () => {
    expect(suppression(site(['assert user.is_admin  # nosec B602'], 'B101'))).toBeUndefined();
  });

  it('reads a list of test ids separated by commas', () => {
    const lines = ['subprocess.call(cmd, shell=True)  # nosec: B404, B602'];
    expect(suppression(site(lines, 'B602'))).toBeDefined();
    expect(suppression(site(lines, 'B404'))).toBeDefined();
    expect(suppression(site(lines, 'B101'))).toBeUndefined();
  });

  it('finds the comment on any line of a multi-line finding', () => {
    const lines = ['x = 1', 'subprocess.call(', '    cmd, shell=True)  # nosec', 'y = 2'];
    expect(suppression(site(lines, 'B602', 2, 3))).toBe('nosec');
  });

  it('ignores a nosec comment outside the finding lines', () => {
    const lines = ['# nosec', 'subprocess.call(cmd, shell=True)'];
    expect(suppression(site(lines, 'B602', 2))).toBeUndefined();
  });

  it('finds nothing when there is no comment', () => {
    expect(suppression(site(['eval(x)'], 'B307'))).toBeUndefined();
  });

  it('copes with finding lines beyond the end of the file', () => {
    expect(suppression(site(['a = 1'], 'B101', 5, 6))).toBeUndefined();
  });
});

describe('bandit.plan', () => {
  const outDir = path.join(ROOT, '.out', 'bandit');
  const files = [path.join(ROOT, 'a.py'), path.join(ROOT, 'b', 'c.py')];
  const context: PlanContext = {
    root: ROOT,
    target: ROOT,
    files,
    outDir,
    tool: { command: '/tools/venv/bin/bandit', version: '1.8.6', source: 'tools-dir' },
    options: { timeoutSeconds: 900, extraArgs: ['--severity-level', 'low'] },
  };
  const planned = bandit.plan(context);

  it('runs the located binary directly, never a shell', () => {
    expect(planned.file).toBe('/tools/venv/bin/bandit');
    expect(planned).not.toHaveProperty('shell');
    expect(planned.args.every((a) => typeof a === 'string')).toBe(true);
  });

  it('asks for SARIF written to the output folder', () => {
    const sarifPath = path.join(outDir, 'bandit.sarif');
    expect(planned.sarifPath).toBe(sarifPath);
    const format = planned.args.indexOf('--format');
    expect(planned.args[format + 1]).toBe('sarif');
    const output = planned.args.indexOf('--output');
    expect(planned.args[output + 1]).toBe(sarifPath);
  });

  it('reports # nosec results so they can be marked instead of lost', () => {
    expect(planned.args).toContain('--ignore-nosec');
  });

  it('passes extra args, then the files, one argument each', () => {
    expect(planned.args.slice(-4)).toEqual(['--severity-level', 'low', ...files]);
  });

  it('runs in the workspace root', () => {
    expect(planned.cwd).toBe(ROOT);
  });

  it('keeps Python from writing bytecode caches into the venv, whose install record lists every file', () => {
    expect(planned.env).toEqual({ PYTHONDONTWRITEBYTECODE: '1' });
  });
});

describe('bandit.unjudgedFiles: files Bandit could not parse', () => {
  // Recorded: Bandit 1.9.4 (Python 3.11) on a Python 3.12-only f-string exits 0 with no results.
  const log = JSON.parse(
    readFileSync(path.join(REPO_ROOT, 'test/fixtures/sarif/bandit/parse-error/bandit.sarif'), 'utf8'),
  ) as Sarif.Log;
  const judged = (l: Sarif.Log) =>
    bandit.unjudgedFiles({
      outDir: '/out',
      exitCode: 0,
      stderrTail: '',
      files: ['/repo/bad.py', '/repo/good.py'],
      cwd: '/repo',
      log: l,
      stdout: '',
    });

  it('names the file from its error-level configuration notification, with Bandit’s words', async () => {
    expect(await judged(log)).toEqual([
      { path: '/repo/bad.py', reason: 'syntax error while parsing AST from file' },
    ]);
  });

  it('finds nothing in a log without notifications', async () => {
    expect(await judged({ version: '2.1.0', runs: [{ tool: { driver: { name: 'Bandit' } } }] })).toEqual([]);
  });
});
