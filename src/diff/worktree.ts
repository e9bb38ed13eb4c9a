import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Git } from './git.ts';

/** Every file of a commit, repo-relative, for choosing what to check out. */
export async function filesAt(git: Git, commit: string): Promise<string[]> {
  const out = await git.run(['ls-tree', '-r', '-z', '--name-only', '--full-tree', commit]);
  return out.split('\0').filter((f) => f !== '');
}

/**
 * Checks `commit` out in a temporary git worktree (only `paths`, or the whole tree), runs `work`
 * in it, and removes the worktree afterwards, also when `work` throws: the user's checkout and
 * index are never touched.
 */
export async function withWorktree<T>(
  git: Git,
  commit: string,
  paths: readonly string[] | 'all',
  work: (dir: string) => Promise<T>,
): Promise<T> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'controlgate-base-'));
  const dir = path.join(scratch, 'tree');
  let added = false;
  try {
    await git.run(['worktree', 'add', '--detach', '--no-checkout', '--quiet', dir, commit]);
    added = true;
    const inTree = git.at(dir);
    if (paths === 'all') {
      await inTree.run(['reset', '--hard', '--quiet', commit]);
    } else if (paths.length > 0) {
      // A file list, not arguments: thousands of paths would overflow the command line.
      const list = path.join(scratch, 'paths');
      await writeFile(list, `${paths.join('\0')}\0`);
      await inTree.run(['checkout', commit, `--pathspec-from-file=${list}`, '--pathspec-file-nul']);
    }
    return await work(dir);
  } finally {
    if (added) {
      await git.run(['worktree', 'remove', '--force', dir]).catch(() => undefined);
    }
    await rm(scratch, { recursive: true, force: true });
    await git.run(['worktree', 'prune']).catch(() => undefined);
  }
}
