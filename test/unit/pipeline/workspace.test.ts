import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.ts';
import { listFiles, resolveWorkspace } from '../../../src/pipeline/workspace.ts';

let tmp: string;

beforeEach(async () => {
  // realpath: on some systems the temp folder is a symlink, and workspace paths are resolved ones.
  tmp = await realpath(await mkdtemp(path.join(os.tmpdir(), 'controlgate-ws-')));
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function touch(...parts: string[]): Promise<string> {
  const file = path.join(tmp, ...parts);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, '');
  return file;
}

describe('resolveWorkspace', () => {
  it('uses the nearest folder with .git as the root', async () => {
    const repo = path.join(tmp, 'repo');
    await mkdir(path.join(repo, '.git'), { recursive: true });
    const target = path.join(repo, 'services', 'api');
    await mkdir(target, { recursive: true });
    expect(resolveWorkspace(target)).toEqual({ root: repo, target, targetDir: target });
  });

  it('accepts a .git file (worktrees, submodules) as a repository marker', async () => {
    const repo = path.join(tmp, 'worktree');
    await touch('worktree', '.git');
    await mkdir(path.join(repo, 'src'), { recursive: true });
    expect(resolveWorkspace(path.join(repo, 'src')).root).toBe(repo);
  });

  it('prefers the nearest repository when repositories are nested', async () => {
    await mkdir(path.join(tmp, 'outer', '.git'), { recursive: true });
    const inner = path.join(tmp, 'outer', 'vendor', 'inner');
    await mkdir(path.join(inner, '.git'), { recursive: true });
    expect(resolveWorkspace(path.join(inner)).root).toBe(inner);
  });

  it('falls back to the target folder when there is no repository', async () => {
    const target = path.join(tmp, 'plain');
    await mkdir(target);
    expect(resolveWorkspace(target)).toEqual({ root: target, target, targetDir: target });
  });

  it('uses the folder holding a file target', async () => {
    await mkdir(path.join(tmp, 'repo', '.git'), { recursive: true });
    const file = await touch('repo', 'app', 'main.py');
    expect(resolveWorkspace(file)).toEqual({
      root: path.join(tmp, 'repo'),
      target: file,
      targetDir: path.join(tmp, 'repo', 'app'),
    });
  });

  it('resolves a relative target against the given cwd', async () => {
    await mkdir(path.join(tmp, 'sub'));
    expect(resolveWorkspace('sub', tmp).target).toBe(path.join(tmp, 'sub'));
  });

  it('rejects a missing path with a UsageError naming it', () => {
    const missing = path.join(tmp, 'does-not-exist');
    expect(() => resolveWorkspace(missing)).toThrow(UsageError);
    expect(() => resolveWorkspace(missing)).toThrow(missing);
  });
});

describe('listFiles', () => {
  async function makeRepo(): Promise<void> {
    await mkdir(path.join(tmp, '.git'), { recursive: true });
    await touch('.git', 'config');
    await touch('app', 'main.py');
    await touch('app', 'node_modules', 'lib', 'index.js');
    await touch('node_modules', 'pkg', 'index.js');
    await touch('app', 'generated', 'out.py');
    await touch('.github', 'workflows', 'ci.yml');
    await touch('Dockerfile');
  }

  it('lists files as sorted absolute paths, dot files included', async () => {
    await makeRepo();
    const files = await listFiles(resolveWorkspace(tmp), []);
    expect(files).toEqual(
      [
        path.join(tmp, '.github', 'workflows', 'ci.yml'),
        path.join(tmp, 'Dockerfile'),
        path.join(tmp, 'app', 'generated', 'out.py'),
        path.join(tmp, 'app', 'main.py'),
      ].sort(),
    );
  });

  it('never lists .git or node_modules contents, at any depth', async () => {
    await makeRepo();
    const files = await listFiles(resolveWorkspace(tmp), []);
    expect(files.some((f) => f.includes(`${path.sep}.git${path.sep}`))).toBe(false);
    expect(files.some((f) => f.includes(`${path.sep}node_modules${path.sep}`))).toBe(false);
  });

  it('applies configured excludes relative to the root, even when scanning a subfolder', async () => {
    await makeRepo();
    const workspace = resolveWorkspace(path.join(tmp, 'app'));
    expect(workspace.root).toBe(tmp);
    const files = await listFiles(workspace, ['app/generated/**']);
    expect(files).toEqual([path.join(tmp, 'app', 'main.py')]);
  });

  it('matches configured excludes against dot folders too', async () => {
    await makeRepo();
    const files = await listFiles(resolveWorkspace(tmp), ['.github/**', '**/*.py']);
    expect(files).toEqual([path.join(tmp, 'Dockerfile')]);
  });

  it('lists only the file itself for a single-file target', async () => {
    await makeRepo();
    const file = path.join(tmp, 'app', 'main.py');
    expect(await listFiles(resolveWorkspace(file), [])).toEqual([file]);
  });

  it('drops a single-file target that a configured exclude matches', async () => {
    await makeRepo();
    const file = path.join(tmp, 'app', 'generated', 'out.py');
    expect(await listFiles(resolveWorkspace(file), ['app/generated/**'])).toEqual([]);
  });
});
