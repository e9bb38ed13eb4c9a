import { existsSync, readFileSync, statSync } from 'node:fs';

import path from 'node:path';
import picomatch from 'picomatch';
import { ALWAYS_SKIPPED_FOLDER, excludedFolderReason } from '../config/default-excludes.ts';
import { type ImportedFile, importsIntoSkipped } from '../coverage/imports.ts';
import { UsageError } from '../errors.ts';
import { toPosix } from '../paths.ts';
import { walkTree } from './walk.ts';

export interface Workspace {
  /** Absolute repository root (nearest folder with .git), or the scanned folder itself. */
  root: string;
  /** Absolute scanned path (file or folder). */
  target: string;
  /** Folder holding the target (the target itself when it is a folder). */
  targetDir: string;
}

/** Resolves the scanned path and the workspace root that finding paths are relative to. */
export function resolveWorkspace(targetArg: string, cwd = process.cwd()): Workspace {
  const target = path.resolve(cwd, targetArg);
  if (!existsSync(target)) throw new UsageError(`path to scan does not exist: ${targetArg}`);
  const targetDir = statSync(target).isDirectory() ? target : path.dirname(target);
  let dir = targetDir;
  for (;;) {
    if (existsSync(path.join(dir, '.git'))) return { root: dir, target, targetDir };
    const parent = path.dirname(dir);
    if (parent === dir) return { root: targetDir, target, targetDir };
    dir = parent;
  }
}

/** A path the walk found but does not scan, because the configuration excludes it. */
export interface ExcludedPath {
  /** Workspace-relative, with `/`. */
  path: string;
  /** True for a folder the walk did not enter (by name), false for a file an `exclude` glob matched. */
  folder: boolean;
  /** The folder name or glob that excluded it. */
  rule: string;
  reason: string;
}

/** What the walk found under the target: the files to scan, and everything else with why. */
export interface FileListing {
  /** Absolute, sorted: the candidate files every scanner picks from (imported ones included). */
  files: string[];
  excluded: ExcludedPath[];
  /** What controlgate itself wrote or runs from (ListingRules.ownPaths), found in the tree: never scanned. */
  own: ExcludedPath[];
  /** Symbolic links (absolute), not followed. */
  links: string[];
  /** Entries whose name is not UTF-8 (absolute, undecodable bytes as `\xNN`). */
  unreadable: string[];
  /** Files in excluded folders that scanned code imports: in `files`, scanned as the project's own. */
  imported: ImportedFile[];
}

export interface ListingRules {
  exclude: readonly string[];
  excludeFolders: readonly string[];
  /**
   * Files and folders controlgate itself writes or runs from (the evidence bundle, reports, the tools
   * folder), absolute, with what each is: never scanned, and a rerun does not judge the last one's output.
   */
  ownPaths?: readonly { path: string; what: string }[];
  /** Named in the reasons, relative to the root when inside it. */
  configFile?: string;
}

/** Lists what is under the target: the files to scan, minus excluded folders and globs, and the rest. */
export async function listTree(workspace: Workspace, rules: ListingRules): Promise<FileListing> {
  const rel = (f: string) => toPosix(path.relative(workspace.root, f));
  const skip = new Set([ALWAYS_SKIPPED_FOLDER.name, ...rules.excludeFolders]);
  const own = new Map((rules.ownPaths ?? []).map((o) => [path.resolve(o.path), o.what]));
  const walked =
    workspace.target === workspace.targetDir
      ? await walkTree(workspace.target, skip, new Set(own.keys()))
      : { files: [workspace.target], links: [], skippedFolders: [], skippedPaths: [], unreadable: [] };
  const globs = rules.exclude.map((glob) => ({ glob, match: picomatch(glob, { dot: true }) }));
  const excludedBy = (file: string) => globs.find((g) => g.match(rel(file)))?.glob;
  const configName = rules.configFile ? rel(rules.configFile) : undefined;
  const excluded: ExcludedPath[] = walked.skippedFolders
    // git's own folder is skipped everywhere and holds nothing of the project: not worth a line.
    .filter((dir) => path.basename(dir) !== ALWAYS_SKIPPED_FOLDER.name)
    .map((dir) => ({
      path: rel(dir),
      folder: true,
      rule: path.basename(dir),
      reason: excludedFolderReason(path.basename(dir), configName),
    }));
  // Not the project's files, and not listed with them: a rerun must not judge, or count, the last
  // run's output. A change that puts files there is another matter (src/pipeline/coverage.ts).
  const ownSkipped: ExcludedPath[] = walked.skippedPaths.map((skipped) => ({
    path: rel(skipped),
    folder: isFolder(skipped),
    rule: 'controlgate output',
    reason: `controlgate's own ${own.get(skipped) ?? 'output'}, which is never scanned`,
  }));
  const files: string[] = [];
  for (const file of walked.files.map((f) => path.normalize(f))) {
    const glob = excludedBy(file);
    if (glob === undefined) files.push(file);
    else
      excluded.push({
        path: rel(file),
        folder: false,
        rule: glob,
        reason: `matches exclude ${glob}${configName ? ` in ${configName}` : ''}`,
      });
  }
  const imported = await importsIntoSkipped({
    root: workspace.root,
    sources: files,
    skipped: walked.skippedFolders.filter((dir) => path.basename(dir) !== ALWAYS_SKIPPED_FOLDER.name),
    // Synchronous: thousands of small source files read one by one; awaiting each cost 10× more (bench:ledger).
    read: async (file) => readFileSync(file, 'utf8'),
  });
  // An excluded glob still wins: it names the file itself, a folder name does not.
  const taken = imported.filter((i) => excludedBy(i.file) === undefined);
  return {
    files: [...files, ...taken.map((i) => i.file)].sort(),
    excluded: excluded.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    own: ownSkipped,
    links: walked.links.filter((l) => excludedBy(l) === undefined).sort(),
    unreadable: walked.unreadable.sort(),
    imported: taken,
  };
}

function isFolder(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

/** The candidate files under the target (absolute, sorted), minus excluded folders and globs. */
export async function listFiles(workspace: Workspace, rules: ListingRules): Promise<string[]> {
  return (await listTree(workspace, rules)).files;
}
