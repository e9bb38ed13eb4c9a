import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildMirror,
  removeMirror,
  workspacePathOf,
  workspaceUri,
} from '../../../../scanners/gitleaks/mirror.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'controlgate-gitleaks-mirror-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('buildMirror', () => {
  it('links exactly the given files under ws/, leaving the rest of the workspace out', () => {
    const root = path.join(tmp, 'repo');
    for (const rel of ['app/a.py', 'app/deep/b.env', 'node_modules/x/index.js', '.gitleaksignore']) {
      mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      writeFileSync(path.join(root, rel), 'x\n');
    }
    const given = ['app/a.py', 'app/deep/b.env', '.gitleaksignore'].map((rel) => path.join(root, rel));
    const cwd = buildMirror(root, given, tmp);

    const links = readdirSync(path.join(cwd, 'ws'), { recursive: true, withFileTypes: true })
      .filter((e) => !e.isDirectory())
      .map((e) => path.relative(path.join(cwd, 'ws'), path.join(e.parentPath, e.name)))
      .sort();
    expect(links).toEqual(
      ['.gitleaksignore', 'app/a.py', 'app/deep/b.env'].map((p) => p.split('/').join(path.sep)),
    );
    expect(lstatSync(path.join(cwd, 'ws', 'app', 'a.py')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(path.join(cwd, 'ws', 'app', 'a.py'))).toBe(path.join(root, 'app', 'a.py'));
    // Gitleaks reads `<scanned folder>/.gitleaksignore`: the workspace's is one level down.
    expect(readdirSync(cwd)).toEqual(['ws']);
  });

  it('gives each run a folder of its own, outside the output folder', () => {
    const root = path.join(tmp, 'repo');
    const first = buildMirror(root, [path.join(root, 'app', 'a.py')], tmp);
    const second = buildMirror(root, [path.join(root, 'app', 'deep', 'b.env')], tmp);
    expect(second).not.toBe(first);
    expect(path.dirname(first)).toBe(tmp);
    expect(readdirSync(path.join(second, 'ws'), { recursive: true }).sort()).toEqual(
      ['app', path.join('app', 'deep'), path.join('app', 'deep', 'b.env')].sort(),
    );
  });
});

describe('workspacePathOf', () => {
  const cwd = path.join(tmp, 'controlgate-gitleaks-run');

  it('maps a result URI under ws/ to the workspace-relative path', () => {
    expect(workspacePathOf('ws/app/settings.py', cwd)).toBe('app/settings.py');
    expect(workspacePathOf('ws/dir%20with%20space/a.env', cwd)).toBe('dir with space/a.env');
  });

  it('gives nothing for a URI outside the mirror or with a scheme', () => {
    expect(workspacePathOf('other/app.py', cwd)).toBeUndefined();
    expect(workspacePathOf('ws/../../etc/passwd', cwd)).toBeUndefined();
    expect(workspacePathOf('git-commit:abc/app.py', cwd)).toBeUndefined();
    expect(workspacePathOf('file:///etc/passwd', cwd)).toBeUndefined();
  });
});

describe('workspaceUri', () => {
  it('is a file URI of the workspace file, which normalization resolves whatever folder the tool ran in', () => {
    const root = path.join(tmp, 'repo');
    expect(fileURLToPath(workspaceUri(root, 'app/a b.py'))).toBe(path.join(root, 'app', 'a b.py'));
  });
});

describe('removeMirror', () => {
  it('removes the links, which lead to the files holding the secrets', () => {
    const root = path.join(tmp, 'repo');
    const cwd = buildMirror(root, [path.join(root, 'app', 'a.py')], tmp);
    removeMirror(cwd);
    expect(existsSync(cwd)).toBe(false);
    expect(existsSync(path.join(root, 'app', 'a.py'))).toBe(true);
  });

  it('removes no folder it did not make (the history scan’s, a workspace)', () => {
    const other = path.join(tmp, 'history-cwd');
    mkdirSync(path.join(other, 'ws'), { recursive: true });
    removeMirror(other);
    removeMirror(path.join(tmp, 'repo'));
    expect(existsSync(other)).toBe(true);
    expect(existsSync(path.join(tmp, 'repo', 'app', 'a.py'))).toBe(true);
  });
});
