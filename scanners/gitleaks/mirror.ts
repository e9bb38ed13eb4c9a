import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Gitleaks' `dir` mode walks one folder, but a run must scan exactly the files the walk selected
 * (no node_modules, no vendored folders, on a change only the changed files). So the plugin lays
 * those files out as symbolic links in a temporary folder, under their workspace-relative paths,
 * and Gitleaks walks that (`--follow-symlinks`). Not in the output folder: the links lead to the files
 * holding the secrets, and an output folder uploaded by a tool that follows links would carry them
 * along; the plugin removes the folder once Gitleaks has read it.
 *
 * The links sit one level down, in `ws/`, and Gitleaks runs in the folder above: it always reads
 * `<scanned folder>/.gitleaksignore` and drops what that lists, whatever `--gitleaks-ignore-path`
 * says, so the workspace's own `.gitleaksignore` (a file a change can write) must not be at the top
 * of what it scans. There it is just one more file to scan; the plugin reads it itself and marks.
 */
const MIRROR_PREFIX = 'controlgate-gitleaks-';
const WORKSPACE_LINKS = 'ws';

/**
 * Removes a mirror (`cwd`, the folder Gitleaks ran in) once Gitleaks has read it. Only a folder
 * buildMirror made: the name and its `ws/` say so, so no other folder is ever removed.
 */
export function removeMirror(cwd: string): void {
  if (!path.basename(cwd).startsWith(MIRROR_PREFIX) || !existsSync(path.join(cwd, WORKSPACE_LINKS))) return;
  rmSync(cwd, { recursive: true, force: true });
}

/** The argument Gitleaks scans, relative to the mirror's cwd, so its result URIs read `ws/<path>`. */
export const MIRROR_SOURCE = '.';

/**
 * Makes a mirror in a new folder under `tmpDir` and returns it (the folder Gitleaks runs in): a link
 * per file (absolute paths under `root`). A file outside the root has no workspace-relative place
 * and is left out (the runner never gives one).
 */
export function buildMirror(root: string, files: readonly string[], tmpDir = os.tmpdir()): string {
  const cwd = mkdtempSync(path.join(tmpDir, MIRROR_PREFIX));
  const links = path.join(cwd, WORKSPACE_LINKS);
  mkdirSync(links, { recursive: true });
  const made = new Set<string>([links]);
  for (const file of files) {
    const rel = path.relative(root, file);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) continue;
    const link = path.join(links, rel);
    const dir = path.dirname(link);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    symlinkSync(file, link);
  }
  return cwd;
}

/**
 * The workspace-relative POSIX path a tree-scan result URI names (`ws/app/x.py` → `app/x.py`), or
 * undefined for one outside the mirror. `cwd` is the folder Gitleaks ran in.
 */
export function workspacePathOf(uri: string, cwd: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(uri)) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(uri);
  } catch {
    return undefined;
  }
  const rel = path.relative(path.join(cwd, WORKSPACE_LINKS), path.resolve(cwd, decoded));
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}

/** The URI normalization resolves to the workspace file itself (absolute, so the mirror drops out). */
export function workspaceUri(root: string, rel: string): string {
  return pathToFileURL(path.join(root, rel)).href;
}
