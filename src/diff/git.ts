import { UsageError } from '../errors.ts';
import type { Exec } from '../exec/exec.ts';
import { redactKnownSecrets } from '../findings/redact.ts';

/** A git command that did not succeed, with git's own last words. */
export class GitError extends Error {
  override readonly name = 'GitError';
}

/** What a file went through between the merge base and the scanned tree. */
export type ChangeStatus = 'added' | 'modified' | 'renamed' | 'deleted';

export interface FileChange {
  status: ChangeStatus;
  /** Repo-relative POSIX path in the scanned tree (the old path for deleted files). */
  path: string;
  /** Repo-relative path at the base, for renames. */
  oldPath?: string;
}

const GIT_ENV = {
  // Never wait for a password prompt in CI, and never let a user's pager or editor start.
  GIT_TERMINAL_PROMPT: '0',
  GIT_PAGER: 'cat',
  GIT_EDITOR: 'true',
  GIT_OPTIONAL_LOCKS: '0',
  LC_ALL: 'C',
};

const STATUS_LETTERS: Record<string, ChangeStatus> = {
  A: 'added',
  M: 'modified',
  T: 'modified',
  R: 'renamed',
  // Copies are not asked for (-C): copied vulnerable code is a new instance, judged as added.
  C: 'added',
  D: 'deleted',
};

/** Runs git in one repository, with argument arrays; every failure is a GitError naming the command. */
export class Git {
  readonly exec: Exec;
  readonly dir: string;
  constructor(exec: Exec, dir: string) {
    this.exec = exec;
    this.dir = dir;
  }

  async run(args: readonly string[], options: { timeoutMs?: number } = {}): Promise<string> {
    const result = await this.exec({
      file: 'git',
      // Paths from the diff are literal names, never pathspec magic or globs.
      // Hooks stay off: checking out the base for scanning must not run anything from the repository.
      args: ['--literal-pathspecs', '-c', 'core.quotepath=off', '-c', 'core.hooksPath=/dev/null', ...args],
      cwd: this.dir,
      env: GIT_ENV,
      timeoutMs: options.timeoutMs ?? 120_000,
      maxStdoutBytes: 256 * 1024 * 1024,
    });
    if (result.startError) throw new GitError(`git is not available: ${result.startError}`);
    if (result.exitCode !== 0) {
      // A failed fetch quotes the remote, and GitLab's carries the job token in its URL.
      const why = redactKnownSecrets(result.stderrTail.trim().split('\n').slice(-1)[0] ?? '');
      throw new GitError(
        `git ${args.slice(0, 2).join(' ')} failed${result.timedOut ? ' (timed out)' : ''}${why ? `: ${why}` : ''}`,
      );
    }
    if (result.stdoutTruncated) throw new GitError(`git ${args[0] ?? ''}: output too large`);
    return result.stdout;
  }

  /** The same git, run in another folder (a worktree of this repository). */
  at(dir: string): Git {
    return new Git(this.exec, dir);
  }

  /**
   * A file's text at `commit` (repo-relative POSIX path), read from git's objects, never from the
   * checkout; undefined when the commit has no such file.
   */
  async fileAt(commit: string, file: string): Promise<string | undefined> {
    // "<mode> <type> <object>\t<name>": a folder (tree) or submodule (commit) there is no file.
    const listed = await this.run(['ls-tree', '-z', commit, '--', file]);
    const entry = listed.split('\0').find((line) => line.slice(line.indexOf('\t') + 1) === file);
    if (entry?.split(' ')[1] !== 'blob') return undefined;
    return this.run(['cat-file', 'blob', `${commit}:${file}`]);
  }

  /** The top folder of the repository holding `dir`. */
  async topLevel(): Promise<string> {
    return (await this.run(['rev-parse', '--show-toplevel'])).trim();
  }

  /** The commit a ref names; a clear usage error when it does not exist here. */
  async commitOf(ref: string): Promise<string> {
    if (ref.startsWith('-')) throw new UsageError(`--base: "${ref}" is not a git ref`);
    try {
      return (
        await this.run(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`])
      ).trim();
    } catch {
      throw new GitError(`"${ref}" is not a commit in ${this.dir}`);
    }
  }

  async mergeBase(a: string, b: string): Promise<string> {
    try {
      return (await this.run(['merge-base', a, b])).trim();
    } catch {
      throw new GitError(
        `no merge base between ${a.slice(0, 12)} and ${b.slice(0, 12)} (a shallow clone? fetch more history, e.g. fetch-depth: 0)`,
      );
    }
  }

  async isShallow(): Promise<boolean> {
    return (await this.run(['rev-parse', '--is-shallow-repository'])).trim() === 'true';
  }

  /** Fetches one commit and enough history to find a merge base; best effort, CI only. */
  async fetchForMergeBase(sha: string): Promise<void> {
    await this.run(['fetch', '--no-tags', '--no-recurse-submodules', '--deepen=200', 'origin', sha], {
      timeoutMs: 300_000,
    });
  }

  /**
   * Files that differ between `base` and the working tree (committed, staged and unstaged changes),
   * with renames followed, plus untracked files that are not ignored: what a developer is about
   * to push. With `committedOnly` (CI), the commits alone: exactly the pull request's changes.
   */
  async changesSince(base: string, options: { committedOnly?: boolean } = {}): Promise<FileChange[]> {
    // CI: the change is its commits. What earlier steps of the job left in the checkout (a restored
    // tools cache, build output) is no part of it, and would otherwise count as unjudged changes.
    const to = options.committedOnly ? ['HEAD'] : [];
    const diff = await this.run(['diff', '--name-status', '-z', '-M', '--no-ext-diff', base, ...to, '--']);
    const changes = parseNameStatus(diff);
    if (options.committedOnly)
      return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const untracked = await this.run(['ls-files', '-z', '--others', '--exclude-standard']);
    const known = new Set(changes.map((c) => c.path));
    for (const file of untracked.split('\0')) {
      if (file && !known.has(file)) changes.push({ status: 'added', path: file });
    }
    return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
}

/** Parses `git diff --name-status -z`: "S\0path\0" or, for renames, "R100\0old\0new\0". */
export function parseNameStatus(output: string): FileChange[] {
  const fields = output.split('\0');
  const changes: FileChange[] = [];
  for (let i = 0; i < fields.length; ) {
    const code = fields[i++] ?? '';
    if (code === '') continue;
    const status = STATUS_LETTERS[code[0] ?? ''];
    if (!status) throw new GitError(`unexpected git diff status "${code}"`);
    if (code[0] === 'R' || code[0] === 'C') {
      const oldPath = fields[i++] ?? '';
      const newPath = fields[i++] ?? '';
      changes.push(status === 'renamed' ? { status, path: newPath, oldPath } : { status, path: newPath });
    } else {
      changes.push({ status, path: fields[i++] ?? '' });
    }
  }
  return changes;
}
