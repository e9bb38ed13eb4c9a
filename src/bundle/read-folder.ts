import { constants } from 'node:fs';
import { lstat, open, opendir } from 'node:fs/promises';
import path from 'node:path';
import { quoteForMessage } from '../errors.ts';
import { BundleBudget, type BundleLimits } from './limits.ts';

/*
 * A bundle folder read within limits (./limits.ts): entries counted as the folder is walked, each
 * file's size checked before it is read, and nothing followed out of the folder. controlgate writes
 * regular files only, so a symbolic link (or a device, a socket) inside a bundle is refused.
 */

async function readRegularFile(full: string, name: string, budget: BundleBudget): Promise<Uint8Array> {
  // O_NOFOLLOW: a file swapped for a link after the walk saw it is not followed either.
  const handle = await open(full, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) budget.refuse(`${quoteForMessage(name)} is not a regular file`);
    budget.file(name, stats.size);
    const bytes = new Uint8Array(stats.size);
    let filled = 0;
    while (filled < bytes.length) {
      const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    // A file that shrank or grew while being read is not the one that was counted.
    const { bytesRead: more } = await handle.read(new Uint8Array(1), 0, 1, filled);
    if (filled !== bytes.length || more > 0)
      budget.refuse(`${quoteForMessage(name)} changed while being read`);
    return bytes;
  } finally {
    await handle.close();
  }
}

/** Reads a bundle folder into memory by POSIX path, within `limits`; throws a BundleError past them. */
export async function readFolderBundle(
  location: string,
  limits: Readonly<BundleLimits>,
): Promise<Map<string, Uint8Array>> {
  const budget = new BundleBudget(location, limits);
  const files = new Map<string, Uint8Array>();
  const walk = async (dir: string, prefix: string): Promise<void> => {
    const names: string[] = [];
    // Counted while listing: a folder with millions of entries is refused before they are all held.
    for await (const dirent of await opendir(dir)) {
      budget.entry(`${prefix}${dirent.name}`);
      names.push(dirent.name);
    }
    for (const base of names.sort()) {
      const full = path.join(dir, base);
      const name = `${prefix}${base}`;
      const stats = await lstat(full);
      if (stats.isDirectory()) await walk(full, `${name}/`);
      else if (stats.isFile()) files.set(name, await readRegularFile(full, name, budget));
      else
        budget.refuse(
          `${quoteForMessage(name)} is ${stats.isSymbolicLink() ? 'a symbolic link' : 'not a regular file'}; a bundle holds regular files only`,
        );
    }
  };
  await walk(location, '');
  return files;
}
