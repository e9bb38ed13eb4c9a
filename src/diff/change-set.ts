import type { Exec } from '../exec/exec.ts';
import { type FileChange, Git, GitError } from './git.ts';

/** What a pull/merge request (or a local branch) changes, as git sees it. */
export interface ChangeSet {
  /** The ref as the user or the CI event named it. */
  baseRef: string;
  baseSha: string;
  /** Where the change forked from the base: the version findings are compared with. */
  mergeBase: string;
  /** The commit checked out (the working tree may hold uncommitted changes on top locally). */
  headSha: string;
  /** Absolute top folder of the repository. */
  repoRoot: string;
  changes: FileChange[];
}

/** Paths (repo-relative) that exist in the scanned tree and differ from the base. */
export function changedHeadPaths(set: ChangeSet): Set<string> {
  return new Set(set.changes.filter((c) => c.status !== 'deleted').map((c) => c.path));
}

/** Paths at the base whose content the change touched: modified, renamed-from and deleted files. */
export function changedBasePaths(set: ChangeSet): Set<string> {
  const paths = new Set<string>();
  for (const c of set.changes) {
    if (c.status === 'modified' || c.status === 'deleted') paths.add(c.path);
    else if (c.status === 'renamed' && c.oldPath) paths.add(c.oldPath);
  }
  return paths;
}

/** Base path → scanned-tree path for renamed files, so their findings keep their identity. */
export function renamesOf(set: ChangeSet): Map<string, string> {
  return new Map(
    set.changes.flatMap((c) => (c.status === 'renamed' && c.oldPath ? [[c.oldPath, c.path]] : [])),
  );
}

export interface ResolveChangeSetOptions {
  exec: Exec;
  /** Any folder inside the repository (the scanned path's folder). */
  dir: string;
  baseRef: string;
  /** In CI the base commit may be missing from a shallow clone: try fetching it once. */
  fetchIfMissing: boolean;
  /** In CI the change is its commits alone: files the job itself left in the checkout are not in it. */
  committedOnly?: boolean;
}

/** Finds the repository, the base commit, the merge base and the changed files. */
export async function resolveChangeSet(options: ResolveChangeSetOptions): Promise<ChangeSet> {
  const probe = new Git(options.exec, options.dir);
  let repoRoot: string;
  try {
    repoRoot = await probe.topLevel();
  } catch (error) {
    throw new GitError(
      `comparing needs a git repository, and ${options.dir} is not inside one (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const git = new Git(options.exec, repoRoot);
  const headSha = await git.commitOf('HEAD');
  let baseSha: string;
  let mergeBase: string;
  try {
    baseSha = await git.commitOf(options.baseRef);
    mergeBase = await git.mergeBase(baseSha, headSha);
  } catch (error) {
    if (!options.fetchIfMissing || !(error instanceof GitError)) throw error;
    await git.fetchForMergeBase(options.baseRef);
    baseSha = await git.commitOf(options.baseRef);
    mergeBase = await git.mergeBase(baseSha, headSha);
  }
  const changes = await git.changesSince(mergeBase, { committedOnly: options.committedOnly === true });
  return { baseRef: options.baseRef, baseSha, mergeBase, headSha, repoRoot, changes };
}
