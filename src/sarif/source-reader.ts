import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const MAX_SOURCE_BYTES = 8 * 1024 * 1024;

/** Reads workspace files as lines for snippets and fingerprints; cached, size-capped, never throws. */
export class SourceReader {
  private readonly cache = new Map<string, string[] | undefined>();
  private readonly root: string;
  constructor(root: string) {
    this.root = root;
  }

  /** Lines of a repo-relative path, or undefined when the file is missing, too big or binary. */
  lines(relativePath: string): string[] | undefined {
    if (this.cache.has(relativePath)) return this.cache.get(relativePath);
    let lines: string[] | undefined;
    try {
      const file = path.join(this.root, relativePath);
      const info = statSync(file);
      if (info.isFile() && info.size <= MAX_SOURCE_BYTES) {
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
