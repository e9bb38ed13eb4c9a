import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedRoot: string | undefined;

/**
 * The controlgate package folder. Found by walking up from this module so it works the same from
 * `src/` (tests, scripts run by Node's type stripping) and from the bundled `dist/`.
 */
export function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string };
      if (parsed.name === 'controlgate') {
        cachedRoot = dir;
        return dir;
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('controlgate: cannot find the package root (package.json)');
    dir = parent;
  }
}

/** Where `npm run scanners:install` puts scanners; CONTROLGATE_TOOLS_DIR moves it (e.g. to a CI cache). */
export function toolsDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.CONTROLGATE_TOOLS_DIR;
  return fromEnv ? path.resolve(fromEnv) : path.join(packageRoot(), '.tools');
}

/** Converts an OS path to the POSIX form used in findings and reports. */
export function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/**
 * Resolves `candidate` against `root` and returns the repo-relative POSIX path, or undefined when the
 * result would leave the root: paths from SARIF must never lead outside the workspace.
 */
export function containedRelative(root: string, candidate: string): string | undefined {
  const absolute = path.resolve(root, candidate);
  const rel = path.relative(root, absolute);
  if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return undefined;
  return toPosix(rel);
}

/** `file` with links resolved as far as it exists (git reports resolved paths; tmp folders are often links). */
export function realPath(file: string): string {
  if (existsSync(file)) return realpathSync(file);
  const parent = path.dirname(file);
  return parent === file ? file : path.join(realPath(parent), path.basename(file));
}
