import { readdir } from 'node:fs/promises';
import path from 'node:path';

/*
 * The file walk lists every name the filesystem holds. A glob library matches names against
 * patterns, and a name holding a line break, a carriage return or U+2028 fell through its patterns:
 * a folder named so was never listed, so never scanned, and nothing said so. Here a name is only ever
 * compared with the folder names to skip, never parsed. What the walk does not take as a file to
 * scan (a link, a folder it skips, a name no tool can be given) it returns too, for the coverage
 * ledger to say why.
 */

/** Everything under a folder, sorted into what can be scanned and what cannot. */
export interface WalkResult {
  /** Regular files (absolute). */
  files: string[];
  /** Symbolic links (absolute paths of the links themselves), never followed by the walk. */
  links: string[];
  /** Folders not entered because their name is in the skip set (absolute). */
  skippedFolders: string[];
  /** Files and folders left out because their path is in the skip set (absolute): controlgate's own. */
  skippedPaths: string[];
  /**
   * Entries whose name is not valid UTF-8: a scanner is given paths as text, so no tool can be given
   * them. Shown with each undecodable byte as `\xNN`, absolute.
   */
  unreadable: string[];
}

/** A name as text when its bytes are UTF-8, else undefined. */
function decoded(name: Buffer): string | undefined {
  const text = name.toString('utf8');
  return Buffer.from(text, 'utf8').equals(name) ? text : undefined;
}

/** A name that is not UTF-8, printable: valid runs kept, every other byte as `\xNN`. */
export function escapedName(name: Buffer): string {
  let out = '';
  let i = 0;
  while (i < name.length) {
    // Longest valid UTF-8 sequence at i (1 to 4 bytes), else one escaped byte.
    let taken = 0;
    for (let n = Math.min(4, name.length - i); n >= 1; n--) {
      const slice = name.subarray(i, i + n);
      const text = decoded(slice);
      if (text !== undefined && !text.includes('\ufffd')) {
        out += text;
        taken = n;
        break;
      }
    }
    if (taken === 0) {
      out += `\\x${(name[i] ?? 0).toString(16).padStart(2, '0')}`;
      taken = 1;
    }
    i += taken;
  }
  return out;
}

/**
 * Walks `dir` (absolute), not following links, not entering folders with these names, and leaving
 * out these paths (absolute: files or folders).
 */
export async function walkTree(
  dir: string,
  skipFolders: ReadonlySet<string>,
  skipPaths: ReadonlySet<string> = new Set(),
): Promise<WalkResult> {
  const result: WalkResult = { files: [], links: [], skippedFolders: [], skippedPaths: [], unreadable: [] };
  const pending = [dir];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const entries = await readdir(next, { withFileTypes: true, encoding: 'buffer' });
    for (const entry of entries) {
      const name = decoded(entry.name);
      if (name === undefined) {
        result.unreadable.push(path.join(next, escapedName(entry.name)));
        continue;
      }
      const full = path.join(next, name);
      if (skipPaths.has(full)) {
        result.skippedPaths.push(full);
        continue;
      }
      if (entry.isDirectory()) {
        if (skipFolders.has(name)) result.skippedFolders.push(full);
        else pending.push(full);
      } else if (entry.isFile()) result.files.push(full);
      else if (entry.isSymbolicLink()) result.links.push(full);
      // Sockets, pipes and devices hold no source.
    }
  }
  return result;
}
