import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { type SemgrepIgnore, semgrepIgnoreFrom } from '../../scanners/semgrep/ignore.ts';
import type { PolicyDifference } from '../config/policy-diff.ts';
import { Git } from '../diff/git.ts';
import type { Exec } from '../exec/exec.ts';
import { includeLines } from '../ignore-file.ts';
import { toPosix } from '../paths.ts';
import type { Workspace } from './workspace.ts';

/*
 * Which files Semgrep leaves out is policy: a `.semgrepignore` that a change adds or edits could hide
 * the change's own files from it. On a change, the `.semgrepignore` files (and the files they
 * `:include`) are read from the base commit's objects, and what the change did to them is a proposal,
 * as with the configuration. Elsewhere they are read from the checkout.
 */

const NAME = '.semgrepignore';

/** Semgrep's ignore rules for this run, and the change's edits to them (proposals). */
export interface PinnedSemgrepIgnore {
  ignore: SemgrepIgnore;
  changes: PolicyDifference[];
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The untracked paths git ignores under `root` (folders as `dir/`), when `root` is a git repository's
 * top: what Semgrep, listing a repository's files through git, leaves out. Outside git, none.
 */
export async function gitIgnoredUntracked(exec: Exec, root: string): Promise<Set<string> | undefined> {
  if (!existsSync(path.join(root, '.git'))) return undefined;
  try {
    const out = await new Git(exec, root).run([
      'ls-files',
      '-z',
      '--others',
      '--ignored',
      '--exclude-standard',
      '--directory',
    ]);
    return new Set(out.split('\0').filter((p) => p !== ''));
  } catch {
    return undefined; // No git: Semgrep would not read .gitignore either.
  }
}

/** From the checkout: the `.semgrepignore` files among the listed files. */
export async function semgrepIgnoreFromCheckout(
  exec: Exec,
  root: string,
  files: readonly string[],
): Promise<SemgrepIgnore> {
  const ignoreFiles = files
    .filter((f) => path.basename(f) === NAME)
    .map((f) => toPosix(path.relative(root, f)))
    .filter((rel) => !rel.startsWith('../'));
  return semgrepIgnoreFrom(
    {
      ignoreFiles,
      read: (rel) => readText(path.join(root, ...rel.split('/'))),
      from: 'checkout',
    },
    await gitIgnoredUntracked(exec, root),
  );
}

/**
 * From the base commit: its `.semgrepignore` files under the workspace root, read from git's objects;
 * the checkout's that differ are reported as proposed changes.
 */
export async function semgrepIgnoreFromBase(
  exec: Exec,
  workspace: Workspace,
  commit: string,
  headFiles: readonly string[],
): Promise<PinnedSemgrepIgnore> {
  const git = new Git(exec, workspace.targetDir);
  const repoRoot = realpathSync(await git.topLevel());
  const at = git.at(repoRoot);
  const prefix = toPosix(path.relative(repoRoot, realpathSync(workspace.root)));
  const toRepo = (rel: string) => (prefix === '' ? rel : `${prefix}/${rel}`);
  const listed = await at.run(['ls-tree', '-r', '-z', '--name-only', '--full-tree', commit]);
  const baseIgnoreFiles = listed
    .split('\0')
    .filter((p) => p !== '' && path.posix.basename(p) === NAME)
    .map((p) => (prefix === '' ? p : p.startsWith(`${prefix}/`) ? p.slice(prefix.length + 1) : undefined))
    .filter((p): p is string => p !== undefined)
    .sort();
  const texts = new Map<string, string | undefined>();
  const read = async (rel: string) => {
    if (!texts.has(rel)) texts.set(rel, await at.fileAt(commit, toRepo(rel)));
    return texts.get(rel);
  };
  for (const rel of baseIgnoreFiles) {
    const text = await read(rel);
    for (const include of text ? includeTargets(text, rel) : []) await read(include);
  }
  const ignore = semgrepIgnoreFrom(
    { ignoreFiles: baseIgnoreFiles, read: (rel) => texts.get(rel), from: 'base' },
    await gitIgnoredUntracked(exec, workspace.root),
  );
  // The change's edits to them: added, removed or changed .semgrepignore files.
  const headIgnoreFiles = headFiles
    .filter((f) => path.basename(f) === NAME)
    .map((f) => toPosix(path.relative(workspace.root, f)));
  const changes: PolicyDifference[] = [];
  for (const rel of [...new Set([...baseIgnoreFiles, ...headIgnoreFiles])].sort()) {
    const before = texts.get(rel);
    const after = readText(path.join(workspace.root, ...rel.split('/')));
    if (before === after) continue;
    // Named as the file: what Semgrep leaves out is as much the policy as the configuration.
    const key = rel;
    if (before === undefined) changes.push({ key, change: 'added', after: JSON.stringify(after ?? '') });
    else if (after === undefined) changes.push({ key, change: 'removed', before: JSON.stringify(before) });
    else
      changes.push({ key, change: 'changed', before: JSON.stringify(before), after: JSON.stringify(after) });
  }
  return { ignore, changes };
}

/** The files a `.semgrepignore` at `rel` includes, relative to the root. */
function includeTargets(text: string, rel: string): string[] {
  const folder = path.posix.dirname(rel) === '.' ? '' : path.posix.dirname(rel);
  return includeLines(text).map((include) => path.posix.join(folder, include));
}
