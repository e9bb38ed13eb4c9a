import path from 'node:path';
import picomatch from 'picomatch';
import { globCostProblem } from './glob.ts';

/*
 * Ignore files in gitignore syntax (`.semgrepignore`), matched the way git matches them: the last
 * pattern that matches decides, `!` re-includes, a pattern with a slash before its end is anchored to
 * the ignore file's folder, one without matches a name at any depth, a trailing slash matches only
 * folders, and nothing inside an ignored folder can be re-included. picomatch compiles each pattern,
 * with braces and extglobs off (gitignore has neither).
 */

/** One pattern of an ignore file, compiled. */
interface IgnorePattern {
  /** The line as written, for saying which pattern left a file out. */
  text: string;
  negated: boolean;
  folderOnly: boolean;
  match: (rel: string) => boolean;
}

/** The patterns of one ignore file, and the folder they are relative to. */
export interface IgnoreFile {
  /** Where it was read from, for reasons (`.semgrepignore`, `app/.semgrepignore`, Semgrep's default list). */
  source: string;
  /** The folder its patterns are relative to: POSIX, relative to the root, '' for the root. */
  folder: string;
  patterns: IgnorePattern[];
}

/** Why a path is ignored: the pattern and the file it is in. */
export interface IgnoreMatch {
  pattern: string;
  source: string;
}

/** A pattern line without its trailing unescaped spaces, or undefined for a blank or comment line. */
function patternOf(line: string): string | undefined {
  let text = line.replace(/\r$/, '');
  // `#` starts a comment; `:` a directive (`:include`, Semgrep's), read apart by includeLines.
  if (text === '' || text.startsWith('#') || text.startsWith(':')) return undefined;
  // Trailing spaces go unless escaped with a backslash.
  text = text.replace(/(?<!\\)\s+$/, '');
  return text === '' ? undefined : text;
}

/** Compiles the text of an ignore file whose patterns are relative to `folder` (POSIX, '' for the root). */
export function parseIgnoreFile(text: string, folder: string, source: string): IgnoreFile {
  const patterns: IgnorePattern[] = [];
  for (const line of text.split('\n')) {
    const written = patternOf(line);
    if (written === undefined) continue;
    let body = written;
    const negated = body.startsWith('!');
    if (negated) body = body.slice(1);
    else if (body.startsWith('\\!') || body.startsWith('\\#')) body = body.slice(1);
    const folderOnly = body.endsWith('/');
    if (folderOnly) body = body.replace(/\/+$/, '');
    if (body === '' || globCostProblem(body) !== undefined) continue;
    // A slash at the start or in the middle anchors the pattern to the file's folder.
    const anchored = body.includes('/');
    const glob = anchored ? body.replace(/^\/+/, '') : `**/${body}`;
    const matcher = picomatch(glob, { dot: true, nobrace: true, noextglob: true });
    patterns.push({ text: written, negated, folderOnly, match: (rel) => matcher(rel) });
  }
  return { source, folder, patterns };
}

/** The path relative to an ignore file's folder, or undefined when it is not below it. */
function below(folder: string, rel: string): string | undefined {
  if (folder === '') return rel;
  return rel.startsWith(`${folder}/`) ? rel.slice(folder.length + 1) : undefined;
}

/** What the files say of one path (not its folders): the last pattern that matches, if any. */
function decide(
  files: readonly IgnoreFile[],
  rel: string,
  isFolder: boolean,
): IgnoreMatch | 'included' | undefined {
  let verdict: IgnoreMatch | 'included' | undefined;
  // Deeper files are later in the list and win over shallower ones, as in git.
  for (const file of files) {
    const local = below(file.folder, rel);
    if (local === undefined) continue;
    for (const pattern of file.patterns) {
      if (pattern.folderOnly && !isFolder) continue;
      if (!pattern.match(local)) continue;
      verdict = pattern.negated ? 'included' : { pattern: pattern.text, source: file.source };
    }
  }
  return verdict;
}

/**
 * Why the file at `rel` (POSIX, relative to the root) is ignored by these files, or undefined. The
 * files are ordered from the root down. A folder on the way that is ignored ignores everything in it.
 */
export function ignoredBy(files: readonly IgnoreFile[], rel: string): IgnoreMatch | undefined {
  const parts = rel.split('/');
  for (let i = 1; i <= parts.length; i++) {
    const prefix = parts.slice(0, i).join('/');
    const verdict = decide(files, prefix, i < parts.length);
    if (verdict !== undefined && verdict !== 'included') return verdict;
  }
  return undefined;
}

/** Sorts ignore files from the root down, so deeper ones are read later (and win). */
export function rootDown(files: readonly IgnoreFile[]): IgnoreFile[] {
  const depth = (f: IgnoreFile) => (f.folder === '' ? 0 : f.folder.split('/').length);
  return [...files].sort(
    (a, b) => depth(a) - depth(b) || (a.folder < b.folder ? -1 : a.folder > b.folder ? 1 : 0),
  );
}

/** `:include <file>` lines of a .semgrepignore, as paths relative to its folder. */
export function includeLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.replace(/\r$/, '').trim())
    .filter((line) => line.startsWith(':include '))
    .map((line) => path.posix.normalize(line.slice(':include '.length).trim()));
}
