import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { DEFAULT_EXCLUDES } from '../config/schema.ts';
import { UsageError } from '../errors.ts';
import { toPosix } from '../paths.ts';
import { folderNames, walkFiles } from './walk.ts';

const DEFAULT_FOLDERS = folderNames(DEFAULT_EXCLUDES);

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

/** Lists the files under the target (absolute, sorted), minus default and configured excludes. */
export async function listFiles(workspace: Workspace, excludes: readonly string[]): Promise<string[]> {
  const files =
    workspace.target === workspace.targetDir
      ? await walkFiles(workspace.target, DEFAULT_FOLDERS)
      : [workspace.target];
  const excluded = excludes.length > 0 ? picomatch(excludes as string[], { dot: true }) : undefined;
  return files
    .map((f) => path.normalize(f))
    .filter((f) => !excluded?.(toPosix(path.relative(workspace.root, f))))
    .sort();
}
