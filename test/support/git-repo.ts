import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/*
 * Real git repositories for the diff-aware tests: a base commit on `main`, a branch with the
 * change. Every git call is an argument array (no shell), and the developer's own git
 * configuration is kept out so hooks, templates, signing or a different default branch cannot
 * change what the tests see.
 */

const ISOLATED_GIT_ENV: NodeJS.ProcessEnv = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: os.devNull,
  GIT_TERMINAL_PROMPT: '0',
  LC_ALL: 'C',
};

/** Runs git in `cwd` and returns its stdout; a failure throws with git's stderr in the message. */
export function git(cwd: string, args: readonly string[]): string {
  try {
    return execFileSync('git', [...args], {
      cwd,
      env: { ...process.env, ...ISOLATED_GIT_ENV },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const stderr =
      error instanceof Error && 'stderr' in error && typeof error.stderr === 'string' ? error.stderr : '';
    throw new Error(`git ${args.join(' ')} failed in ${cwd}: ${stderr.trim()}`);
  }
}

export class GitRepo {
  readonly dir: string;

  private constructor(dir: string) {
    this.dir = dir;
  }

  /** A fresh repository on branch `main` in a new temporary folder, with files if given (not committed). */
  static create(files: Record<string, string> = {}, prefix = 'controlgate-repo-'): GitRepo {
    // Resolved: git reports the real top level (no symlinked tmp), and tests compare paths with it.
    const dir = path.join(realpathSync(mkdtempSync(path.join(os.tmpdir(), prefix))), 'repo');
    mkdirSync(dir);
    const repo = new GitRepo(dir);
    repo.git('init', '--quiet', '-b', 'main');
    repo.git('config', 'user.name', 'Controlgate Test');
    repo.git('config', 'user.email', 'test@controlgate.invalid');
    repo.git('config', 'commit.gpgsign', 'false');
    repo.write(files);
    return repo;
  }

  git(...args: string[]): string {
    return git(this.dir, args);
  }

  /** Absolute path of a repository-relative one. */
  path(rel: string): string {
    return path.join(this.dir, ...rel.split('/'));
  }

  /** Writes (or overwrites) files, creating their folders. */
  write(files: Record<string, string>): this {
    for (const [rel, text] of Object.entries(files)) {
      const file = this.path(rel);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, text);
    }
    return this;
  }

  /** Deletes files from the working tree and the index. */
  remove(...rels: string[]): this {
    this.git('rm', '--quiet', '--', ...rels);
    return this;
  }

  /** Renames with `git mv`, so the index records the move. */
  move(from: string, to: string): this {
    mkdirSync(path.dirname(this.path(to)), { recursive: true });
    this.git('mv', '--', from, to);
    return this;
  }

  /** Stages everything and commits; returns the new commit's id. */
  commit(message: string): string {
    this.git('add', '--all');
    this.git('commit', '--quiet', '--allow-empty', '-m', message);
    return this.head();
  }

  /** Creates a branch at the current commit and switches to it. */
  branch(name: string): this {
    this.git('switch', '--quiet', '-c', name);
    return this;
  }

  /** Switches to a branch, or to a detached commit when `ref` is not a branch name. */
  checkout(ref: string): this {
    this.git('checkout', '--quiet', ref, '--');
    return this;
  }

  /** A clone checked out at branch `branch`, in its own temporary folder (e.g. to scan the base as it was). */
  clone(branch: string, prefix = 'controlgate-clone-'): GitRepo {
    const dir = path.join(realpathSync(mkdtempSync(path.join(os.tmpdir(), prefix))), 'repo');
    git(path.dirname(dir), ['clone', '--quiet', '--branch', branch, '--', this.dir, dir]);
    return new GitRepo(dir);
  }

  head(): string {
    return this.git('rev-parse', 'HEAD').trim();
  }

  /** `git worktree list --porcelain`, as the list of worktree folders. */
  worktrees(): string[] {
    return this.git('worktree', 'list', '--porcelain')
      .split('\n')
      .filter((line) => line.startsWith('worktree '))
      .map((line) => line.slice('worktree '.length));
  }

  /** Removes the repository and its temporary parent folder. */
  cleanup(): void {
    rmSync(path.dirname(this.dir), { recursive: true, force: true });
  }
}
