import path from 'node:path';
import {
  type IgnoreFile,
  ignoredBy,
  includeLines,
  parseIgnoreFile,
  rootDown,
} from '../../src/ignore-file.ts';
import { toPosix } from '../../src/paths.ts';

/*
 * Semgrep run on a folder leaves out what `.semgrepignore` files say (gitignore syntax, one in any
 * folder, `:include <file>` pulling in another such file), and, when the project root has none, its
 * built-in list below. Given files by name, as controlgate gives them, it reads neither: so the
 * plugin applies them itself, and Semgrep judges what it would judge on the folder.
 */

/**
 * Semgrep's built-in ignore list, used when the project root has no `.semgrepignore`: copied from
 * the pinned Semgrep (1.180.0), the text `semgrep-core` holds for OSS/src/targeting/Semgrepignore.ml.
 * test/unit/scanners/semgrep/ignore.test.ts checks it against the installed binary when there is one.
 */
export const SEMGREP_DEFAULT_IGNORE = `# Administrative folder or file used by popular version control systems
.git
.svn
.hg
_darcs
CVS

# Paths to files and folders that are typically large and ignorable
build/
vendor/
dist/
*.min.js
.env/
.tox/

# Package managers
node_modules/
.npm/
.yarn/
.venv/
_opam/
_build/
_cargo/
# Note that PHP composer uses vendor/ and C++ conan uses build/
# .venv is used both by Go and Python.

# Common test paths
test/
tests/
testsuite/
*_test.go
`;

/** Named in reasons for what the default list leaves out. */
export const DEFAULT_IGNORE_SOURCE = "Semgrep's default ignore list (no .semgrepignore at the root)";

/** The ignore rules Semgrep applies under one root, compiled. */
export interface SemgrepIgnore {
  files: IgnoreFile[];
  /** True when the root has no `.semgrepignore`, so Semgrep's default list applies. */
  usesDefault: boolean;
  /** Where the `.semgrepignore` files were read from: the checkout, or the base commit on a change. */
  from: 'checkout' | 'base';
  /**
   * In a git repository, the untracked paths git ignores (relative to the root, a folder ending in
   * `/`): Semgrep lists a repository's files through git and skips those. Tracked files are never
   * in it, so a change's `.gitignore` cannot hide what it commits.
   */
  gitIgnored?: ReadonlySet<string>;
}

/** A `.semgrepignore` and the files it includes, as read (repository-relative to the root, POSIX). */
export interface IgnoreTexts {
  /** Paths of the `.semgrepignore` files, relative to the root. */
  ignoreFiles: readonly string[];
  /** A file's text by its path relative to the root, or undefined when there is none. */
  read: (rel: string) => string | undefined;
  from: SemgrepIgnore['from'];
}

/** The rules from the `.semgrepignore` files found (and what they include), or the default list. */
export function semgrepIgnoreFrom(texts: IgnoreTexts, gitIgnored?: ReadonlySet<string>): SemgrepIgnore {
  const files: IgnoreFile[] = [];
  for (const rel of texts.ignoreFiles) {
    const text = texts.read(rel);
    if (text === undefined) continue;
    const folder = path.posix.dirname(rel) === '.' ? '' : path.posix.dirname(rel);
    // An included file's patterns count as if written in the .semgrepignore, before its own lines.
    for (const include of includeLines(text)) {
      const included = path.posix.join(folder, include);
      const includedText = texts.read(included);
      if (includedText !== undefined)
        files.push(parseIgnoreFile(includedText, folder, `${included} (included by ${rel})`));
    }
    files.push(parseIgnoreFile(text, folder, rel));
  }
  const usesDefault =
    !texts.ignoreFiles.includes('.semgrepignore') || texts.read('.semgrepignore') === undefined;
  if (usesDefault) files.unshift(parseIgnoreFile(SEMGREP_DEFAULT_IGNORE, '', DEFAULT_IGNORE_SOURCE));
  return { files: rootDown(files), usesDefault, from: texts.from, ...(gitIgnored ? { gitIgnored } : {}) };
}

/** Nothing left out: a file named as the scan's target, which Semgrep judges whatever its ignore files say. */
export const NO_SEMGREP_IGNORE: SemgrepIgnore = { files: [], usesDefault: false, from: 'checkout' };

/** Semgrep's default list alone: what it leaves out of a folder with no ignore files, outside git. */
export const DEFAULT_SEMGREP_IGNORE: SemgrepIgnore = semgrepIgnoreFrom({
  ignoreFiles: [],
  read: () => undefined,
  from: 'checkout',
});

/** Why Semgrep run on the folder would leave this file (absolute, under `root`) out, or undefined. */
export function semgrepIgnoreReason(ignore: SemgrepIgnore, root: string, file: string): string | undefined {
  const rel = toPosix(path.relative(root, file));
  if (rel.startsWith('../') || rel === '..' || path.isAbsolute(rel)) return undefined;
  if (ignore.gitIgnored && ignore.gitIgnored.size > 0) {
    const parts = rel.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const prefix = parts.slice(0, i).join('/');
      if (ignore.gitIgnored.has(i < parts.length ? `${prefix}/` : prefix)) {
        return 'an untracked file git ignores (.gitignore), which Semgrep run on the repository leaves out';
      }
    }
  }
  const match = ignoredBy(ignore.files, rel);
  if (!match) return undefined;
  const where = ignore.from === 'base' && match.source !== DEFAULT_IGNORE_SOURCE ? ' at the base' : '';
  return `matches ${JSON.stringify(match.pattern)} in ${match.source}${where}, which Semgrep run on the folder leaves out`;
}
