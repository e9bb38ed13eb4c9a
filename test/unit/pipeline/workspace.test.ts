import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.ts';
import { UsageError } from '../../../src/errors.ts';
import { listFiles, listTree, resolveWorkspace } from '../../../src/pipeline/workspace.ts';

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

/** The default folder excludes, and these globs. */
function rules(exclude: string[] = []) {
  return { exclude, excludeFolders: configSchema.parse({}).excludeFolders };
}

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
    const files = await listFiles(resolveWorkspace(tmp), rules());
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
    const files = await listFiles(resolveWorkspace(tmp), rules());
    expect(files.some((f) => f.includes(`${path.sep}.git${path.sep}`))).toBe(false);
    expect(files.some((f) => f.includes(`${path.sep}node_modules${path.sep}`))).toBe(false);
  });

  it('applies configured excludes relative to the root, even when scanning a subfolder', async () => {
    await makeRepo();
    const workspace = resolveWorkspace(path.join(tmp, 'app'));
    expect(workspace.root).toBe(tmp);
    const files = await listFiles(workspace, rules(['app/generated/**']));
    expect(files).toEqual([path.join(tmp, 'app', 'main.py')]);
  });

  it('matches configured excludes against dot folders too', async () => {
    await makeRepo();
    const files = await listFiles(resolveWorkspace(tmp), rules(['.github/**', '**/*.py']));
    expect(files).toEqual([path.join(tmp, 'Dockerfile')]);
  });

  it('lists only the file itself for a single-file target', async () => {
    await makeRepo();
    const file = path.join(tmp, 'app', 'main.py');
    expect(await listFiles(resolveWorkspace(file), rules())).toEqual([file]);
  });

  it('drops a single-file target that a configured exclude matches', async () => {
    await makeRepo();
    const file = path.join(tmp, 'app', 'generated', 'out.py');
    expect(await listFiles(resolveWorkspace(file), rules(['app/generated/**']))).toEqual([]);
  });
});

describe('listTree', () => {
  async function write(rel: string, text: string): Promise<void> {
    await mkdir(path.dirname(path.join(tmp, rel)), { recursive: true });
    await writeFile(path.join(tmp, rel), text);
  }

  it('says what it left out and why: excluded folders by name and reason, excluded files by glob', async () => {
    await mkdir(path.join(tmp, '.git'), { recursive: true });
    await write('app/main.py', 'print(1)\n');
    await write('app/node_modules/x/index.js', '');
    await write('app/gen/out.py', '');
    const listing = await listTree(resolveWorkspace(tmp), {
      ...rules(['app/gen/**']),
      configFile: path.join(tmp, '.controlgate.yml'),
    });
    expect(listing.files).toEqual([path.join(tmp, 'app', 'main.py')]);
    expect(listing.excluded).toEqual([
      {
        path: 'app/gen/out.py',
        folder: false,
        rule: 'app/gen/**',
        reason: 'matches exclude app/gen/** in .controlgate.yml',
      },
      {
        path: 'app/node_modules',
        folder: true,
        rule: 'node_modules',
        reason: expect.stringMatching(
          /^packages npm installs.*\(listed in excludeFolders of \.controlgate\.yml\)$/,
        ),
      },
    ]);
  });

  it('scans a module in an excluded folder that scanned code imports, and says who imports it', async () => {
    await write('app/main.py', 'from venv import vuln\nimport os\n');
    await write('app/venv/vuln.py', 'from . import helper\n');
    await write('app/venv/helper.py', 'x = 1\n');
    await write('app/venv/unused.py', 'y = 2\n');
    await write('web/app.js', "const lib = require('./node_modules/lib/run');\nimport x from 'lodash';\n");
    await write('web/node_modules/lib/run.js', 'module.exports = 1;\n');
    await write('web/node_modules/lodash/index.js', '');
    const listing = await listTree(resolveWorkspace(tmp), rules());
    const rel = (f: string) => path.relative(tmp, f);
    expect(listing.imported.map((i) => [rel(i.file), rel(i.importedBy)])).toEqual([
      ['app/venv/helper.py', 'app/venv/vuln.py'],
      ['app/venv/vuln.py', 'app/main.py'],
      ['web/node_modules/lib/run.js', 'web/app.js'],
    ]);
    expect(listing.files.map(rel)).toEqual([
      'app/main.py',
      'app/venv/helper.py',
      'app/venv/vuln.py',
      'web/app.js',
      'web/node_modules/lib/run.js',
    ]);
  });

  it('lists links apart, never as files, and a name that is not UTF-8 as unreadable', async () => {
    await write('docs/notes.txt', 'import os\n');
    await mkdir(path.join(tmp, 'app'), { recursive: true });
    await symlink('../docs/notes.txt', path.join(tmp, 'app', 'vuln.py'));
    await writeFile(
      Buffer.concat([Buffer.from(`${tmp}/bad-`), Buffer.from([0xff, 0xfe]), Buffer.from('.py')]),
      'x',
    );
    const listing = await listTree(resolveWorkspace(tmp), rules());
    expect(listing.files).toEqual([path.join(tmp, 'docs', 'notes.txt')]);
    expect(listing.links).toEqual([path.join(tmp, 'app', 'vuln.py')]);
    expect(listing.unreadable).toEqual([path.join(tmp, 'bad-\\xff\\xfe.py')]);
  });

  it('leaves out what controlgate itself wrote or runs from, and says so', async () => {
    await write('app/main.py', 'print(1)\n');
    await write('controlgate-evidence/report.html', '<p>last run</p>');
    await write('gl-sast-report.json', '{}');
    const listing = await listTree(resolveWorkspace(tmp), {
      ...rules(),
      ownPaths: [
        { path: path.join(tmp, 'controlgate-evidence'), what: 'evidence bundle' },
        { path: path.join(tmp, 'gl-sast-report.json'), what: 'GitLab SAST report' },
      ],
    });
    expect(listing.files).toEqual([path.join(tmp, 'app', 'main.py')]);
    expect(listing.excluded).toEqual([]);
    expect(listing.own).toEqual([
      {
        path: 'controlgate-evidence',
        folder: true,
        rule: 'controlgate output',
        reason: "controlgate's own evidence bundle, which is never scanned",
      },
      {
        path: 'gl-sast-report.json',
        folder: false,
        rule: 'controlgate output',
        reason: "controlgate's own GitLab SAST report, which is never scanned",
      },
    ]);
  });
});
