import { mkdir, mkdtemp, readFile, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  installRecordProblem,
  RECORD_FILE,
  RECORD_FORMAT,
  recordTree,
  sha256File,
  treeProblem,
} from '../../../src/tools/install-record.ts';

/*
 * A small installed folder shaped like the venv: an entry point, a package with its bytecode cache,
 * and the links a venv has (bin/python, lib64). Each case changes one thing after recording it.
 */
describe('the install record of a folder', () => {
  let dir: string;
  const at = (rel: string) => path.join(dir, ...rel.split('/'));

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'controlgate-record-'));
    await mkdir(at('bin'));
    await mkdir(at('lib/site-packages/bandit/__pycache__'), { recursive: true });
    await writeFile(at('bin/bandit'), '#!/venv/bin/python\nfrom bandit.cli.main import main\nmain()\n');
    await writeFile(at('lib/site-packages/bandit/__init__.py'), 'x = 1\n');
    await writeFile(at('lib/site-packages/bandit/__pycache__/__init__.cpython-311.pyc'), 'bytecode');
    await symlink('/usr/bin/python3', at('bin/python'));
    await symlink('lib', at('lib64'));
    // An empty folder, as an emptied assets/queries leaves: folders themselves are not recorded.
    await mkdir(at('share/empty'), { recursive: true });
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function recorded() {
    const tree = await recordTree(dir);
    await writeFile(at(RECORD_FILE), JSON.stringify({ format: RECORD_FORMAT, pins: 'p', ...tree }));
    return tree;
  }

  it('lists every file with its sha256 and every link with its target, not following links', async () => {
    const tree = await recorded();
    expect(Object.keys(tree.files)).toEqual([
      'bin/bandit',
      'lib/site-packages/bandit/__init__.py',
      'lib/site-packages/bandit/__pycache__/__init__.cpython-311.pyc',
    ]);
    expect(tree.files['bin/bandit']).toBe(await sha256File(at('bin/bandit')));
    expect(tree.links).toEqual({ 'bin/python': '/usr/bin/python3', lib64: 'lib' });
    // The record itself is not in it: writing it must not change what it lists.
    expect(await recordTree(dir)).toEqual(tree);
    expect(await installRecordProblem(dir)).toBeUndefined();
  });

  it('names a file whose bytes changed, even at the same size', async () => {
    const tree = await recorded();
    const before = await readFile(at('bin/bandit'), 'utf8');
    await writeFile(at('bin/bandit'), before.replace('main()', 'evil()'));
    expect((await readFile(at('bin/bandit'))).length).toBe(Buffer.byteLength(before));
    const problem = await treeProblem(dir, tree);
    expect(problem).toContain(`${at('bin/bandit')} changed since it was installed (sha256 `);
    expect(problem).toMatch(new RegExp(`\\(sha256 [0-9a-f]{64}, recorded ${tree.files['bin/bandit']}\\)$`));
  });

  it('names a changed bytecode cache: Python runs a .pyc whose header matches its source without reading the source', async () => {
    await recorded();
    await writeFile(at('lib/site-packages/bandit/__pycache__/__init__.cpython-311.pyc'), 'other bytecode');
    expect(await installRecordProblem(dir)).toMatch(
      /__init__\.cpython-311\.pyc changed since it was installed/,
    );
  });

  it('names a file that was added, such as a .pth file that Python runs at start-up', async () => {
    await recorded();
    await writeFile(at('lib/site-packages/evil.pth'), 'import os; os.system("id")\n');
    expect(await installRecordProblem(dir)).toBe(
      `${at('lib/site-packages/evil.pth')} was added after the install`,
    );
  });

  it('names a file that was removed, and every file of an emptied folder', async () => {
    await recorded();
    await rm(at('lib/site-packages/bandit'), { recursive: true });
    await mkdir(at('lib/site-packages/bandit'));
    expect(await installRecordProblem(dir)).toBe(
      `${at('lib/site-packages/bandit/__init__.py')} is missing (it was installed)`,
    );
  });

  it('names a link that points elsewhere, and a file replaced by a link to an identical copy', async () => {
    await recorded();
    await unlink(at('bin/python'));
    await symlink('/tmp/python3', at('bin/python'));
    expect(await installRecordProblem(dir)).toBe(
      `${at('bin/python')} points to /tmp/python3, but was installed pointing to /usr/bin/python3`,
    );
    await unlink(at('bin/python'));
    await symlink('/usr/bin/python3', at('bin/python'));
    const copy = path.join(os.tmpdir(), `${path.basename(dir)}-bandit`);
    await writeFile(copy, await readFile(at('bin/bandit')));
    try {
      await unlink(at('bin/bandit'));
      await symlink(copy, at('bin/bandit'));
      expect(await installRecordProblem(dir)).toBe(
        `${at('bin/bandit')} is no longer a regular file (it was installed as one)`,
      );
    } finally {
      await rm(copy, { force: true });
    }
  });

  it('refuses a folder without a record, and a record of the first format that hashed one binary', async () => {
    expect(await installRecordProblem(dir)).toBe(`${dir} has no readable install record (${RECORD_FILE})`);
    await writeFile(at(RECORD_FILE), JSON.stringify({ pins: 'p', files: { 'bin/bandit': 'a'.repeat(64) } }));
    expect(await installRecordProblem(dir)).toBe(
      `${at(RECORD_FILE)} does not list every installed file (it was written by an older controlgate)`,
    );
  });

  it('says so when the folder itself is gone', async () => {
    const tree = await recorded();
    await rm(dir, { recursive: true });
    expect(await treeProblem(dir, tree)).toBe(`${dir} cannot be read (ENOENT)`);
  });
});
