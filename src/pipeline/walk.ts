import { readdir } from 'node:fs/promises';
import path from 'node:path';

/*
 * The file walk lists every name the filesystem holds. A glob library matches names against
 * patterns, and a name holding a line break, a carriage return or U+2028 fell through its patterns:
 * a folder named so was never listed, so never scanned, and nothing said so. Here a name is only ever
 * compared with the folder names to skip, never parsed.
 */

/** Regular files under `dir` (absolute), not following links, skipping folders with these names. */
export async function walkFiles(dir: string, skipFolders: ReadonlySet<string>): Promise<string[]> {
  const files: string[] = [];
  const pending = [dir];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const entries = await readdir(next, { withFileTypes: true });
    for (const entry of entries) {
      const full = path.join(next, entry.name);
      if (entry.isDirectory()) {
        if (!skipFolders.has(entry.name)) pending.push(full);
      } else if (entry.isFile()) files.push(full);
    }
  }
  return files;
}

/** `**\/<name>/**` patterns of the default excludes, as the folder names they skip. */
export function folderNames(patterns: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const pattern of patterns) {
    const match = /^\*\*\/([^*/]+)\/\*\*$/.exec(pattern);
    if (!match?.[1]) throw new Error(`default exclude ${pattern} is not of the form **/<folder>/**`);
    names.add(match[1]);
  }
  return names;
}
