import { readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { containedRelative } from '../paths.ts';

const MAX_SOURCE_BYTES = 8 * 1024 * 1024;

/** Reads workspace files as lines for snippets and fingerprints; cached, size-capped, never throws. */
export class SourceReader {
  private readonly cache = new Map<string, string[] | undefined>();
  private readonly inside = new Map<string, boolean>();
  private readonly realFolders = new Map<string, string | undefined>();
  private readonly root: string;
  private realRootCache: string | undefined;
  constructor(root: string) {
    this.root = root;
  }

  private get realRoot(): string {
    if (this.realRootCache === undefined) this.realRootCache = this.realPath(this.root) ?? this.root;
    return this.realRootCache;
  }

  /**
   * The path with every link resolved. For a path that does not exist, its nearest existing folder
   * is resolved instead and the rest appended: what it would be if it were created there. Folders
   * are remembered: a large log names thousands of files in the same few hundred folders.
   */
  private realPath(file: string): string | undefined {
    try {
      return realpathSync.native(file);
    } catch {
      const parent = path.dirname(file);
      if (parent === file) return undefined;
      let realParent = this.realFolders.get(parent);
      if (!this.realFolders.has(parent)) {
        realParent = this.realPath(parent);
        this.realFolders.set(parent, realParent);
      }
      return realParent === undefined ? undefined : path.join(realParent, path.basename(file));
    }
  }

  /**
   * Whether a repo-relative path stays inside the root once symbolic links are followed. A link in
   * the workspace (a pull request can add one) must not lead to files outside it, such as the
   * runner's credentials; those are neither read nor linked.
   */
  contains(relativePath: string): boolean {
    const known = this.inside.get(relativePath);
    if (known !== undefined) return known;
    const real = this.realPath(path.join(this.root, relativePath));
    const inside = real !== undefined && containedRelative(this.realRoot, real) !== undefined;
    this.inside.set(relativePath, inside);
    return inside;
  }

  /** Lines of a repo-relative path, or undefined when the file is missing, too big, binary or outside. */
  lines(relativePath: string): string[] | undefined {
    if (this.cache.has(relativePath)) return this.cache.get(relativePath);
    let lines: string[] | undefined;
    try {
      const file = path.join(this.root, relativePath);
      const info = statSync(file);
      if (info.isFile() && info.size <= MAX_SOURCE_BYTES && this.contains(relativePath)) {
        const text = readFileSync(file, 'utf8');
        lines = text.includes('\u0000') ? undefined : text.split(/\r?\n/);
      }
    } catch {
      lines = undefined;
    }
    this.cache.set(relativePath, lines);
    return lines;
  }

  /** Lines start..end (1-based, inclusive), or undefined when the range is not in the file. */
  range(relativePath: string, start: number, end: number): string[] | undefined {
    const lines = this.lines(relativePath);
    if (!lines || start < 1 || start > lines.length) return undefined;
    return lines.slice(start - 1, Math.min(end, lines.length));
  }
}
