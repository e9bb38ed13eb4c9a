/**
 * The cache keys of the installed scanners: one entry per install recipe's folder, keyed on what
 * makes that folder unusable elsewhere. The cache itself, and what a restore is trusted with, is
 * src/tools/tools-cache.ts.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../paths.ts';

/** What a cache key is made of: whatever makes an installed folder unusable elsewhere. */
export interface ToolsCacheKeyParts {
  /** The install recipe (`python-venv`, `kics`): each recipe's folder is its own entry. */
  recipe: string;
  /** `process.platform` and `process.arch`: binaries and wheels are built for one of each. */
  platform: string;
  arch: string;
  /** The runner image's OS (GitHub's ImageOS, e.g. ubuntu24) when known: its libraries differ. */
  image?: string | undefined;
  /** sha256 of every pin file (pinFilesDigest). */
  pins: string;
  /** What else the folder depends on on this machine (the venv: the interpreter it was made from). */
  runtime?: string | undefined;
}

/** Files whose content decides what an install produces, relative to the package root. */
export function pinFiles(root: string = packageRoot()): string[] {
  const scanners = path.join(root, 'scanners');
  const perScanner = readdirSync(scanners, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => `scanners/${entry.name}/pin.json`)
    .filter((rel) => existsSync(path.join(root, rel)));
  return ['scanners/python-scanners.lock', 'scanners/versions.json', ...perScanner].sort();
}

/**
 * One sha256 over every pin file, names and contents. Any pin change renews every recipe's entry:
 * simpler than tracking which files each recipe reads, and pins change rarely.
 */
export function pinFilesDigest(root: string = packageRoot()): string {
  const hash = createHash('sha256');
  for (const rel of pinFiles(root)) {
    const content = readFileSync(path.join(root, rel));
    hash.update(`${rel}\0${content.length}\0`);
    hash.update(content);
  }
  return hash.digest('hex');
}

/** Characters a key part may keep; anything else (commas are refused by the service) becomes `_`. */
function keyPart(value: string): string {
  return value.replace(/[^A-Za-z0-9._+-]/g, '_');
}

/**
 * The cache key of one recipe's folder: readable parts first (what a person looks for in the cache
 * list), then one hash of the pins and the runtime, so a change to either is a new entry.
 */
export function toolsCacheKey(parts: ToolsCacheKeyParts): string {
  const digest = createHash('sha256')
    .update(`pins=${parts.pins}\0runtime=${parts.runtime ?? ''}`)
    .digest('hex')
    .slice(0, 32);
  const where = [parts.platform, parts.arch, ...(parts.image ? [parts.image] : [])].map(keyPart);
  return ['controlgate-tools', keyPart(parts.recipe), ...where, digest].join('-');
}
