import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kicsPathArgs, writeKicsExcludesConfig } from '../../../../scanners/kics/plugin.ts';
import {
  type FolderEntry,
  kicsScanPaths,
  listFolder,
  literalExclude,
} from '../../../../scanners/kics/scan-paths.ts';

const ROOT = path.resolve('/repo');
const abs = (rel: string) => path.join(ROOT, ...rel.split('/'));

/** A folder listing from a list of repository-relative files (folders end with a slash). */
function tree(rels: readonly string[]): (folder: string) => FolderEntry[] {
  return (folder) => {
    const entries = new Map<string, boolean>();
    for (const rel of rels) {
      const full = abs(rel.replace(/\/$/, ''));
      const inside = path.relative(folder, full);
      if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) continue;
      const [first, ...rest] = inside.split(path.sep);
      if (first) entries.set(first, (entries.get(first) ?? false) || rest.length > 0 || rel.endsWith('/'));
    }
    return [...entries].map(([name, folder]) => ({ name, folder }));
  };
}

describe('kicsScanPaths', () => {
  it('gives a whole scanned folder once, excluding what is not among the files', () => {
    const disk = tree([
      'Dockerfile',
      'README.md',
      'package.json',
      'infra/main.tf',
      'infra/variables.tf',
      'k8s/deployment.yaml',
      'app/server.py',
      'node_modules/x/package.json',
    ]);
    const files = ['Dockerfile', 'infra/main.tf', 'infra/variables.tf', 'k8s/deployment.yaml'].map(abs);
    expect(kicsScanPaths(files, disk)).toEqual({
      paths: [ROOT],
      excludes: ['README.md', 'app', 'node_modules', 'package.json'].map(abs),
      excludeGlobs: [],
    });
  });

  it('gives the folder of a changed unit, not the repository, on a pull request', () => {
    const disk = tree([
      'chart/Chart.yaml',
      'chart/values.yaml',
      'chart/templates/deployment.yaml',
      'infra/main.tf',
    ]);
    const files = ['chart/Chart.yaml', 'chart/values.yaml', 'chart/templates/deployment.yaml'].map(abs);
    expect(kicsScanPaths(files, disk)).toEqual({ paths: [abs('chart')], excludes: [], excludeGlobs: [] });
  });

  it('walks down to files deeper than the top folder, excluding the siblings on the way', () => {
    const disk = tree([
      'a/x.tf',
      'a/docs/readme.md',
      'a/b/c/y.yaml',
      'a/b/other.yaml',
      'a/b/skip/',
      'a/b/c/z.yaml',
    ]);
    const files = ['a/x.tf', 'a/b/c/y.yaml'].map(abs);
    expect(kicsScanPaths(files, disk)).toEqual({
      paths: [abs('a')],
      excludes: ['a/b/c/z.yaml', 'a/b/other.yaml', 'a/b/skip', 'a/docs'].map(abs),
      excludeGlobs: [],
    });
  });

  it('gives folders side by side when no file sits above them, each walked on its own', () => {
    const disk = tree(['one/a.tf', 'two/b.tf', 'three/c.py']);
    expect(kicsScanPaths(['two/b.tf', 'one/a.tf'].map(abs), disk)).toEqual({
      paths: [abs('one'), abs('two')],
      excludes: [],
      excludeGlobs: [],
    });
  });

  it('scans copies in another folder (the reveal step) as a folder of their own', () => {
    const copies = path.resolve('/tmp/reveal');
    const disk = (folder: string): FolderEntry[] =>
      folder === path.join(copies, 'infra')
        ? [{ name: 'main.tf', folder: false }]
        : tree(['infra/main.tf'])(folder);
    expect(kicsScanPaths([abs('infra/main.tf'), path.join(copies, 'infra', 'main.tf')], disk)).toEqual({
      paths: [abs('infra'), path.join(copies, 'infra')].sort(),
      excludes: [],
      excludeGlobs: [],
    });
  });

  it('gives nothing for no files', () => {
    expect(kicsScanPaths([], tree(['a.tf']))).toEqual({ paths: [], excludes: [], excludeGlobs: [] });
  });

  it('excludes three or more files of one extension beside the files to scan with one glob', () => {
    const disk = tree([
      'svc/Dockerfile',
      'svc/a.py',
      'svc/b.py',
      'svc/c.py',
      'svc/one.yaml',
      'svc/two.yaml',
      'svc/three.yaml',
      'svc/deploy.yaml',
      'svc/x.md',
      'svc/y.md',
      'svc/z.js',
      'svc/w.js',
      'svc/v.js',
      'svc/q.js/',
      'o[dd]*/Dockerfile',
      'o[dd]*/1.py',
      'o[dd]*/2.py',
      'o[dd]*/3.py',
    ]);
    const files = ['svc/Dockerfile', 'svc/deploy.yaml', 'o[dd]*/Dockerfile'].map(abs);
    const { excludes, excludeGlobs } = kicsScanPaths(files, disk);
    // .yaml shares its extension with a file to scan, .md has two files, .js has a folder of its name.
    expect(excludes).toEqual(
      [
        'svc/one.yaml',
        'svc/q.js',
        'svc/three.yaml',
        'svc/two.yaml',
        'svc/v.js',
        'svc/w.js',
        'svc/x.md',
        'svc/y.md',
        'svc/z.js',
      ]
        .map(abs)
        .sort(),
    );
    expect(excludeGlobs).toEqual([`${abs('o\\[dd]\\*')}/*.py`, `${abs('svc')}/*.py`].sort());
  });
});

describe('kicsPathArgs', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'controlgate-kics-args-'));
    await mkdir(path.join(dir, 'src'));
    await writeFile(path.join(dir, 'Dockerfile'), 'FROM alpine\n');
    // Thousands of files with distinct extensions beside the Dockerfile: no glob groups them, so their
    // exclusions would not fit a command line (the folder src/ is excluded as one value).
    for (let i = 0; i < 6_000; i++) await writeFile(path.join(dir, `top-level-file-number-${i}.e${i}`), '');
  }, 60_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('puts the exclusions in a configuration file when they would not fit a command line', () => {
    const files = [path.join(dir, 'Dockerfile')];
    const args = kicsPathArgs(files);
    // Still the folder, so KICS detects file types as it does on the folder.
    expect(args.paths).toEqual([dir]);
    expect(args.inConfig).toBe(true);
    expect(args.excludeValues).toContain(path.join(dir, 'src'));
    expect(args.excludeValues.length).toBe(6_001);
  });

  it('falls back to the files one by one only when the base names a KICS configuration of its own', () => {
    const files = [path.join(dir, 'Dockerfile')];
    expect(kicsPathArgs(files, ['--config', 'kics.yml'])).toEqual({
      paths: files,
      excludeValues: [],
      inConfig: false,
    });
  });

  it('writes the exclusions CSV-quoted, as KICS re-splits a list from its configuration', async () => {
    const file = writeKicsExcludesConfig(path.join(dir, 'out'), ['/a/b', '/a/c,d']);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ 'exclude-paths': ['/a/b', '"/a/c,d"'] });
  });
});

describe('listFolder', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'controlgate-kics-list-'));
    await mkdir(path.join(dir, 'sub'));
    await writeFile(path.join(dir, 'a.tf'), '');
    await symlink(path.join(dir, 'sub'), path.join(dir, 'link'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names folders, and a link to a folder as no folder (KICS does not follow it)', () => {
    const entries = listFolder(dir).sort((a, b) => a.name.localeCompare(b.name));
    expect(entries).toEqual([
      { name: 'a.tf', folder: false },
      { name: 'link', folder: false },
      { name: 'sub', folder: true },
    ]);
  });

  it('reads a missing folder as empty', () => {
    expect(listFolder(path.join(dir, 'missing'))).toEqual([]);
  });
});

describe('literalExclude', () => {
  it('leaves a plain path as written, backslashes too', () => {
    expect(literalExclude('/repo/a b/c\\d.tf')).toBe('/repo/a b/c\\d.tf');
  });

  it('escapes glob characters, and then backslashes, so KICS matches the path itself', () => {
    expect(literalExclude('/repo/[x]/a*?.tf')).toBe('/repo/\\[x]/a\\*\\?.tf');
    expect(literalExclude('/repo/a\\b/*.tf')).toBe('/repo/a\\\\b/\\*.tf');
  });
});
