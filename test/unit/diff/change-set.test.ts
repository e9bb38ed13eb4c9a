import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveChangeSet } from '../../../src/diff/change-set.ts';
import { realExec } from '../../../src/exec/exec.ts';
import { GitRepo, git } from '../../support/git-repo.ts';

/*
 * GitHub's pull_request runs check out a merge commit with depth 1 by default: the base commit is
 * not there. In CI controlgate fetches it once, with enough history for a merge base. This builds
 * that situation for real: an "upstream" repository and a shallow clone of its merge commit.
 */

const upstream = GitRepo.create({ 'app/a.py': 'print(1)\n' });
upstream.commit('c1');
upstream.write({ 'app/b.py': 'print(2)\n' });
upstream.commit('c2');
upstream.branch('feature');
upstream.write({ 'app/new.py': 'print(3)\n' });
upstream.commit('feature');
upstream.checkout('main');
upstream.write({ 'docs/readme.md': 'base moved on\n' });
const baseSha = upstream.commit('main moves on');
upstream.branch('merge');
upstream.git('merge', '--quiet', '--no-edit', 'feature');

const scratch = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'controlgate-shallow-')));
const clone = path.join(scratch, 'clone');
execFileSync('git', [
  'clone',
  '--quiet',
  '--depth',
  '1',
  '--branch',
  'merge',
  `file://${upstream.dir}`,
  clone,
]);

afterAll(() => {
  upstream.cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

describe('resolveChangeSet in a shallow clone of a merge commit', () => {
  it('has no base locally until controlgate fetches it', async () => {
    expect(git(clone, ['rev-parse', '--is-shallow-repository']).trim()).toBe('true');
    await expect(
      resolveChangeSet({ exec: realExec, dir: clone, baseRef: baseSha, fetchIfMissing: false }),
    ).rejects.toThrow(baseSha);
  });

  it('in CI, fetches the base and finds the pull request’s own change only', async () => {
    const set = await resolveChangeSet({
      exec: realExec,
      dir: clone,
      baseRef: baseSha,
      fetchIfMissing: true,
    });
    expect(set.mergeBase).toBe(baseSha);
    // The merge commit also holds main's newer file, but that came from the base: not the change's.
    expect(set.changes).toEqual([{ status: 'added', path: 'app/new.py' }]);
  });
});
