import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { folderNames, walkFiles } from '../../../src/pipeline/walk.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('walkFiles', () => {
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
    const files = await walkFiles(root, new Set(['node_modules']));
    expect(files.map((f) => path.relative(root, f)).sort()).toEqual([...names].sort());
  });
});

describe('folderNames', () => {
  it('reads `**/<folder>/**` patterns and refuses any other shape', () => {
    expect([...folderNames(['**/.git/**', '**/venv/**'])]).toEqual(['.git', 'venv']);
    expect(() => folderNames(['**/*.min.js'])).toThrow(/not of the form/);
  });
});
