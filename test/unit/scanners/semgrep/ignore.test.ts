import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SEMGREP_IGNORE,
  SEMGREP_DEFAULT_IGNORE,
  semgrepIgnoreFrom,
  semgrepIgnoreReason,
} from '../../../../scanners/semgrep/ignore.ts';
import { semgrep } from '../../../../scanners/semgrep/plugin.ts';
import { REPO_ROOT } from '../../../support/cli.ts';

const ROOT = '/repo';
const abs = (rel: string) => path.join(ROOT, rel);

function withFiles(files: Record<string, string>) {
  return semgrepIgnoreFrom({
    ignoreFiles: Object.keys(files).filter((f) => path.posix.basename(f) === '.semgrepignore'),
    read: (rel) => files[rel],
    from: 'checkout',
  });
}

describe("Semgrep's ignore files", () => {
  it('without a .semgrepignore at the root, leaves out what its default list does', () => {
    for (const rel of [
      'tests/a.py',
      'src/test/a.js',
      'vendor/x.js',
      'web/x.min.js',
      'node_modules/a/b.js',
      'x_test.go',
    ])
      expect(semgrepIgnoreReason(DEFAULT_SEMGREP_IGNORE, ROOT, abs(rel)), rel).toMatch(/default ignore list/);
    expect(semgrepIgnoreReason(DEFAULT_SEMGREP_IGNORE, ROOT, abs('app/main.py'))).toBeUndefined();
  });

  it('with one, leaves out only what it says, and reads what it includes', () => {
    const ignore = withFiles({
      '.semgrepignore': 'generated/\n:include .gitignore\n',
      '.gitignore': 'secret_dir/\n',
    });
    expect(ignore.usesDefault).toBe(false);
    expect(semgrepIgnoreReason(ignore, ROOT, abs('tests/a.py'))).toBeUndefined();
    expect(semgrepIgnoreReason(ignore, ROOT, abs('web/x.min.js'))).toBeUndefined();
    expect(semgrepIgnoreReason(ignore, ROOT, abs('generated/a.py'))).toMatch(
      /"generated\/" in \.semgrepignore/,
    );
    expect(semgrepIgnoreReason(ignore, ROOT, abs('secret_dir/a.py'))).toMatch(/included by \.semgrepignore/);
  });

  it('keeps the default list beside a .semgrepignore in a subfolder only', () => {
    const ignore = withFiles({ 'app/.semgrepignore': '*.py\n' });
    expect(ignore.usesDefault).toBe(true);
    expect(semgrepIgnoreReason(ignore, ROOT, abs('app/x.py'))).toMatch(/app\/\.semgrepignore/);
    expect(semgrepIgnoreReason(ignore, ROOT, abs('lib/x.py'))).toBeUndefined();
    expect(semgrepIgnoreReason(ignore, ROOT, abs('tests/x.py'))).toMatch(/default/);
  });

  it('leaves out untracked files git ignores', () => {
    const ignore = semgrepIgnoreFrom(
      { ignoreFiles: [], read: () => undefined, from: 'checkout' },
      new Set(['out/', 'a.log']),
    );
    expect(semgrepIgnoreReason(ignore, ROOT, abs('out/x/y.js'))).toMatch(/git ignores/);
    expect(semgrepIgnoreReason(ignore, ROOT, abs('a.log'))).toMatch(/git ignores/);
    expect(semgrepIgnoreReason(ignore, ROOT, abs('outer/y.js'))).toBeUndefined();
  });

  it('is what the plugin selects by, minified JavaScript included where the ignore files allow it', () => {
    const files = ['app/a.js', 'tests/t.py', 'web/x.min.js', 'logo.png'].map(abs);
    expect(semgrep.selectFiles(files, ROOT)).toEqual([abs('app/a.js')]);
    const options = { timeoutSeconds: 1, extraArgs: [], ignore: withFiles({ '.semgrepignore': 'app/\n' }) };
    expect(semgrep.selectFiles(files, ROOT, options)).toEqual([abs('tests/t.py'), abs('web/x.min.js')]);
    expect(semgrep.skipReason?.(abs('app/a.js'), ROOT, options)).toMatch(/"app\/" in \.semgrepignore/);
  });

  it('is the default list the installed Semgrep holds', () => {
    const lib = path.join(REPO_ROOT, '.tools', 'venv', 'lib');
    const python = existsSync(lib) ? readdirSync(lib).find((d) => d.startsWith('python')) : undefined;
    const core = python && path.join(lib, python, 'site-packages', 'semgrep', 'bin', 'semgrep-core');
    if (!core || !existsSync(core)) return; // No tools installed here: the integration tests need them.
    expect(readFileSync(core).includes(Buffer.from(SEMGREP_DEFAULT_IGNORE))).toBe(true);
  });
});
