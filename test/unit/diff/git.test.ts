import { existsSync, readdirSync, readFileSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ChangeSet,
  changedBasePaths,
  changedHeadPaths,
  renamesOf,
  resolveChangeSet,
} from '../../../src/diff/change-set.ts';
import { Git, GitError, parseNameStatus } from '../../../src/diff/git.ts';
import { withWorktree } from '../../../src/diff/worktree.ts';
import { UsageError } from '../../../src/errors.ts';
import { type Exec, realExec } from '../../../src/exec/exec.ts';
import { execResult } from '../../support/exec-result.ts';
import { GitRepo, git } from '../../support/git-repo.ts';

const repos: GitRepo[] = [];
const scratch: string[] = [];
afterEach(async () => {
  for (const repo of repos.splice(0)) repo.cleanup();
  for (const dir of scratch.splice(0)) await rm(dir, { recursive: true, force: true });
});

function newRepo(files: Record<string, string> = {}): GitRepo {
  const repo = GitRepo.create(files, 'controlgate-diff-unit-');
  repos.push(repo);
  return repo;
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'controlgate-diff-unit-'));
  scratch.push(dir);
  return dir;
}

/**
 * The production exec, minus the developer's git configuration, and unable to climb above
 * `ceiling`: a temporary folder must not be mistaken for part of a repository it happens to sit in.
 */
function isolatedExec(ceiling = os.tmpdir()): Exec {
  return (request) =>
    realExec({
      ...request,
      env: {
        ...request.env,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: os.devNull,
        GIT_CEILING_DIRECTORIES: ceiling,
      },
    });
}

/** Lines 1..n, so a one-line edit still leaves the file similar enough to count as a rename. */
function numbered(n: number): string {
  return Array.from({ length: n }, (_, i) => `line ${i + 1}\n`).join('');
}

describe('parseNameStatus on real `git diff --name-status -z -M` output', () => {
  it('reads modified, added, deleted, type-changed and renamed files, including odd names', () => {
    const repo = newRepo({
      'big.txt': numbered(30),
      'mod.txt': 'a\n',
      'del.txt': 'd\n',
      'same.txt': 'same\n',
      'typ.txt': 't\n',
    });
    const base = repo.commit('base');
    // A rename with an edit (similarity below 100) into a folder with a non-ASCII name and a space.
    repo.move('big.txt', 'docs/über big.txt');
    repo.write({ 'docs/über big.txt': numbered(30).replace('line 5\n', 'line five\n') });
    repo.move('same.txt', 'moved same.txt');
    repo.write({ 'mod.txt': 'a\nb\n', 'new\ttab.txt': 'n\n' });
    repo.remove('del.txt');
    unlinkSync(repo.path('typ.txt'));
    symlinkSync('mod.txt', repo.path('typ.txt'));
    repo.commit('change');

    const output = repo.git('diff', '--name-status', '-z', '-M', base, 'HEAD', '--');
    // The raw form really has the score-carrying rename codes the parser must skip over.
    expect(output).toMatch(/\0R0\d\d\0big\.txt\0docs\/über big\.txt\0/);
    expect(output).toContain('\0R100\0same.txt\0moved same.txt\0');

    const changes = parseNameStatus(output);
    const byPath = new Map(changes.map((c) => [c.path, c]));
    expect(changes).toHaveLength(6);
    expect(byPath.get('docs/über big.txt')).toEqual({
      status: 'renamed',
      path: 'docs/über big.txt',
      oldPath: 'big.txt',
    });
    expect(byPath.get('moved same.txt')).toEqual({
      status: 'renamed',
      path: 'moved same.txt',
      oldPath: 'same.txt',
    });
    expect(byPath.get('mod.txt')).toEqual({ status: 'modified', path: 'mod.txt' });
    expect(byPath.get('del.txt')).toEqual({ status: 'deleted', path: 'del.txt' });
    expect(byPath.get('new\ttab.txt')).toEqual({ status: 'added', path: 'new\ttab.txt' });
    // A file that became a symlink (T) is a modification of that path.
    expect(byPath.get('typ.txt')).toEqual({ status: 'modified', path: 'typ.txt' });
  });

  it('returns nothing for an empty diff', () => {
    expect(parseNameStatus('')).toEqual([]);
  });

  it('treats a copy as an added file at the new path', () => {
    expect(parseNameStatus('C075\0orig.py\0copy.py\0')).toEqual([{ status: 'added', path: 'copy.py' }]);
  });

  it('rejects a status letter it does not know, naming it', () => {
    expect(() => parseNameStatus('X\0file.py\0')).toThrow(GitError);
    expect(() => parseNameStatus('X\0file.py\0')).toThrow(/"X"/);
  });
});

describe('Git.changesSince', () => {
  it('includes committed, staged, unstaged, deleted and untracked changes, follows renames, skips ignored files', async () => {
    const repo = newRepo({
      '.gitignore': '*.log\n',
      'a.py': numbered(10),
      'b.py': numbered(20),
      'gone.py': 'x = 1\n',
      'same.py': 'y = 2\n',
    });
    const base = repo.commit('base');
    repo.branch('feature');
    repo.move('b.py', 'pkg/c.py');
    repo.commit('rename');
    // Not committed: an unstaged edit, a staged new file, an untracked file, an ignored one, a deletion.
    repo.write({
      'a.py': `${numbered(10)}extra\n`,
      'staged.py': 's\n',
      'untracked.py': 'u\n',
      'build.log': 'l\n',
    });
    repo.git('add', 'staged.py');
    unlinkSync(repo.path('gone.py'));

    const changes = await new Git(isolatedExec(), repo.dir).changesSince(base);
    expect(changes).toEqual([
      { status: 'modified', path: 'a.py' },
      { status: 'deleted', path: 'gone.py' },
      { status: 'renamed', path: 'pkg/c.py', oldPath: 'b.py' },
      { status: 'added', path: 'staged.py' },
      { status: 'added', path: 'untracked.py' },
    ]);
    // CI: the commits alone; what the job left in the checkout is not the change.
    expect(await new Git(isolatedExec(), repo.dir).changesSince(base, { committedOnly: true })).toEqual([
      { status: 'renamed', path: 'pkg/c.py', oldPath: 'b.py' },
    ]);
  });

  it('is empty when nothing changed since the base', async () => {
    const repo = newRepo({ 'a.py': 'a = 1\n' });
    const base = repo.commit('base');
    expect(await new Git(isolatedExec(), repo.dir).changesSince(base)).toEqual([]);
  });
});

describe('resolveChangeSet', () => {
  it('compares with the merge base, not the moving tip of the base branch', async () => {
    const repo = newRepo({ 'app/a.py': 'a = 1\n', 'app/b.py': 'b = 1\n' });
    const forkPoint = repo.commit('base');
    repo.branch('feature');
    repo.write({ 'app/a.py': 'a = 2\n' });
    const head = repo.commit('feature change');
    // main moves on after the fork: its change is not part of the pull request.
    repo.git('switch', '--quiet', 'main');
    repo.write({ 'app/b.py': 'b = 2\n', 'app/main-only.py': 'm = 1\n' });
    const mainTip = repo.commit('main moves on');
    repo.git('switch', '--quiet', 'feature');

    const set = await resolveChangeSet({
      exec: isolatedExec(),
      dir: repo.path('app'),
      baseRef: 'main',
      fetchIfMissing: false,
    });
    expect(set).toEqual({
      baseRef: 'main',
      baseSha: mainTip,
      mergeBase: forkPoint,
      headSha: head,
      repoRoot: repo.dir,
      changes: [{ status: 'modified', path: 'app/a.py' }],
    });
  });

  it('names a ref that does not exist', async () => {
    const repo = newRepo({ 'a.py': 'a = 1\n' });
    repo.commit('base');
    const attempt = resolveChangeSet({
      exec: isolatedExec(),
      dir: repo.dir,
      baseRef: 'no-such-branch',
      fetchIfMissing: false,
    });
    await expect(attempt).rejects.toThrow(GitError);
    await expect(attempt).rejects.toThrow(/"no-such-branch" is not a commit/);
  });

  it('refuses a ref that looks like an option instead of passing it to git', async () => {
    const repo = newRepo({ 'a.py': 'a = 1\n' });
    repo.commit('base');
    const attempt = resolveChangeSet({
      exec: isolatedExec(),
      dir: repo.dir,
      baseRef: '--output=/tmp/x',
      fetchIfMissing: false,
    });
    await expect(attempt).rejects.toThrow(UsageError);
    await expect(attempt).rejects.toThrow(/"--output=\/tmp\/x" is not a git ref/);
  });

  it('says so when the folder is not in a git repository', async () => {
    const dir = await tempDir();
    const attempt = resolveChangeSet({
      exec: isolatedExec(path.dirname(dir)),
      dir,
      baseRef: 'main',
      fetchIfMissing: false,
    });
    // A GitError: the CLI turns it into a usage error, a CI run into "judge everything".
    await expect(attempt).rejects.toThrow(GitError);
    await expect(attempt).rejects.toThrow(`comparing needs a git repository, and ${dir} is not inside one`);
  });
});

describe('change set helpers', () => {
  const set: ChangeSet = {
    baseRef: 'main',
    baseSha: 'b',
    mergeBase: 'm',
    headSha: 'h',
    repoRoot: '/repo',
    changes: [
      { status: 'added', path: 'new.py' },
      { status: 'modified', path: 'mod.py' },
      { status: 'renamed', path: 'to.py', oldPath: 'from.py' },
      { status: 'deleted', path: 'del.py' },
    ],
  };

  it('head paths are what exists now; base paths are what the change touched at the base', () => {
    expect([...changedHeadPaths(set)].sort()).toEqual(['mod.py', 'new.py', 'to.py']);
    expect([...changedBasePaths(set)].sort()).toEqual(['del.py', 'from.py', 'mod.py']);
    expect([...renamesOf(set)]).toEqual([['from.py', 'to.py']]);
  });
});

describe('withWorktree', () => {
  function repoWithHistory(): { repo: GitRepo; base: string } {
    const repo = newRepo({ 'a.py': 'version = "base"\n', 'b.py': 'b = 1\n', 'sub/c.py': 'c = 1\n' });
    const base = repo.commit('base');
    repo.write({ 'a.py': 'version = "head"\n' });
    repo.commit('head');
    // An uncommitted edit that checking out the base elsewhere must leave alone.
    repo.write({ 'b.py': 'b = "local edit"\n' });
    return { repo, base };
  }

  it('checks the commit out elsewhere, leaves the checkout alone, and removes the worktree after', async () => {
    const { repo, base } = repoWithHistory();
    const statusBefore = repo.git('status', '--porcelain');
    let seen: string | undefined;
    const result = await withWorktree(new Git(isolatedExec(), repo.dir), base, 'all', async (dir) => {
      seen = dir;
      expect(repo.worktrees()).toHaveLength(2);
      expect(readFileSync(path.join(dir, 'a.py'), 'utf8')).toBe('version = "base"\n');
      expect(readFileSync(path.join(dir, 'b.py'), 'utf8')).toBe('b = 1\n');
      return 'scanned';
    });
    expect(result).toBe('scanned');
    expect(seen).toMatch(/controlgate-base-/);
    expect(existsSync(path.dirname(seen ?? ''))).toBe(false);
    expect(repo.worktrees()).toEqual([repo.dir]);
    expect(repo.git('status', '--porcelain')).toBe(statusBefore);
    expect(readFileSync(repo.path('a.py'), 'utf8')).toBe('version = "head"\n');
  });

  it('checks out only the listed paths when given some', async () => {
    const { repo, base } = repoWithHistory();
    const listed = await withWorktree(new Git(isolatedExec(), repo.dir), base, ['sub/c.py'], async (dir) =>
      readdirSync(dir, { recursive: true, encoding: 'utf8' })
        .filter((f) => !f.startsWith('.git'))
        .sort(),
    );
    expect(listed).toEqual(['sub', path.join('sub', 'c.py')]);
    expect(repo.worktrees()).toEqual([repo.dir]);
  });

  it('removes the worktree and its folder even when the work throws', async () => {
    const { repo, base } = repoWithHistory();
    let seen: string | undefined;
    const attempt = withWorktree(new Git(isolatedExec(), repo.dir), base, 'all', async (dir) => {
      seen = dir;
      expect(existsSync(path.join(dir, 'a.py'))).toBe(true);
      throw new Error('scanner exploded');
    });
    await expect(attempt).rejects.toThrow('scanner exploded');
    expect(seen).toBeDefined();
    expect(existsSync(seen ?? '')).toBe(false);
    expect(existsSync(path.dirname(seen ?? ''))).toBe(false);
    expect(repo.worktrees()).toEqual([repo.dir]);
    // No administrative entry is left behind for a later `git worktree add` to trip over.
    const admin = repo.path('.git/worktrees');
    expect(existsSync(admin) ? readdirSync(admin) : []).toEqual([]);
  });

  it('fails with a GitError for a commit that does not exist, leaving no worktree', async () => {
    const { repo } = repoWithHistory();
    let ran = false;
    const attempt = withWorktree(new Git(isolatedExec(), repo.dir), 'f'.repeat(40), 'all', async () => {
      ran = true;
    });
    await expect(attempt).rejects.toThrow(GitError);
    expect(ran).toBe(false);
    expect(repo.worktrees()).toEqual([repo.dir]);
  });
});

describe('the test helper itself', () => {
  it('creates repositories on main with the identity set locally', () => {
    const repo = newRepo({ 'x.txt': 'x\n' });
    repo.commit('first');
    expect(repo.git('branch', '--show-current').trim()).toBe('main');
    expect(git(repo.dir, ['log', '-1', '--format=%an <%ae>']).trim()).toBe(
      'Controlgate Test <test@controlgate.invalid>',
    );
    writeFileSync(repo.path('y.txt'), 'y\n');
    expect(repo.git('status', '--porcelain')).toBe('?? y.txt\n');
  });
});

describe('Git errors', () => {
  it('never quote a token from a remote URL in git’s own words', async () => {
    const token = 'glcbt-64_Zq8xSecretJobToken1234';
    const failing: Exec = async () =>
      execResult({
        exitCode: 128,
        stderrTail: `fatal: unable to access 'https://gitlab-ci-token:${token}@gitlab.example.com/shop.git/': Could not resolve host\n`,
      });
    const error = await new Git(failing, '/repo').fetchForMergeBase('abc123').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect(String((error as Error).message)).toContain('Could not resolve host');
    expect(String((error as Error).message)).not.toContain(token);
  });
});
