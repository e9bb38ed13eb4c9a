import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { escapedName, walkTree } from '../../../src/pipeline/walk.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('walkTree: names', () => {
  it('lists every name, line breaks and U+2028 included, skipping the named folders and links', async () => {
    const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'controlgate-walk-')));
    dirs.push(root);
    const names = ['a\u2028b/v.py', 'c\nd/w.py', 'e\rf.py', 'plain/x.py', '.hidden/y.py'];
    for (const name of [...names, 'node_modules/pkg/z.js', 'deep/node_modules/q.js']) {
      mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
      writeFileSync(path.join(root, name), 'x = 1\n');
    }
    symlinkSync(path.join(root, 'plain'), path.join(root, 'link-to-folder'));
    symlinkSync(path.join(root, 'plain/x.py'), path.join(root, 'link.py'));
    const { files } = await walkTree(root, new Set(['node_modules']));
    expect(files.map((f) => path.relative(root, f)).sort()).toEqual([...names].sort());
  });
});

describe('walkTree', () => {
  it('returns links, skipped folders and names that are not UTF-8 apart from the files', async () => {
    const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'controlgate-walk-')));
    dirs.push(root);
    mkdirSync(path.join(root, 'venv', 'lib'), { recursive: true });
    writeFileSync(path.join(root, 'venv', 'lib', 'a.py'), '');
    writeFileSync(path.join(root, 'ok.py'), '');
    symlinkSync('ok.py', path.join(root, 'link.py'));
    writeFileSync(
      Buffer.concat([Buffer.from(`${root}/x`), Buffer.from([0xc3, 0x28]), Buffer.from('.py')]),
      '',
    );
    const walked = await walkTree(root, new Set(['venv']));
    expect(walked.files).toEqual([path.join(root, 'ok.py')]);
    expect(walked.links).toEqual([path.join(root, 'link.py')]);
    expect(walked.skippedFolders).toEqual([path.join(root, 'venv')]);
    expect(walked.unreadable).toEqual([path.join(root, 'x\\xc3(.py')]);
  });
});

describe('escapedName', () => {
  it('keeps valid UTF-8 runs and shows each other byte as \\xNN', () => {
    expect(escapedName(Buffer.from([0x61, 0xff, 0xe2, 0x82, 0xac, 0x80]))).toBe('a\\xff€\\x80');
  });
});
