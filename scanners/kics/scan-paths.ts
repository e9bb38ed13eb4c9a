import { readdirSync } from 'node:fs';
import path from 'node:path';

/*
 * KICS judges a folder differently from the same files named one by one: it renders a Helm chart
 * only when it walks into the chart's folder, and a file named on the command line skips its
 * exclusions, so a YAML file that is no infrastructure code (a plain config) still gets the
 * secret queries, which a folder scan leaves out. For its results to equal KICS run on the folder,
 * it is given folders, and every path in them that is not one of its files is excluded.
 */

/** One entry of a folder listing. */
export interface FolderEntry {
  name: string;
  /** A real folder (not a symbolic link to one: KICS's walk does not follow those either). */
  folder: boolean;
}

export interface KicsScanPaths {
  /** Folders for `--path`: the highest folder holding each file, none inside another. */
  paths: string[];
  /** Absolute paths for `--exclude-paths`: what lies in those folders but is not to be scanned. */
  excludes: string[];
  /**
   * Globs for `--exclude-paths`, already escaped for KICS: `<folder>/*<ext>` for three or more files
   * of one extension beside the files to scan, so a folder of source code with a Dockerfile in it
   * costs one value, not one per file (the command line has a size limit).
   */
  excludeGlobs: string[];
}

/** Files of one extension excluded as one glob from this many on. */
const GLOB_FROM = 3;

/**
 * The folders that hold `files` (absolute) and what to exclude from them so that KICS, walking
 * them, reads exactly `files`: a subfolder holding none of them is excluded whole, and a file
 * beside them that is not one of them is excluded by name. `list` reads a folder.
 */
export function kicsScanPaths(
  files: readonly string[],
  list: (folder: string) => readonly FolderEntry[],
): KicsScanPaths {
  const wanted = new Set(files.map((file) => path.resolve(file)));
  const folders = new Set([...wanted].map((file) => path.dirname(file)));
  // Every folder on the way from a top folder down to a file's folder is walked, not excluded.
  const onTheWay = new Set<string>();
  for (const folder of folders) {
    for (let d = folder; !onTheWay.has(d); d = path.dirname(d)) {
      onTheWay.add(d);
      if (path.dirname(d) === d) break;
    }
  }
  const paths = [...folders].filter((folder) => !hasAncestorIn(folder, folders)).sort();
  const excludes: string[] = [];
  const excludeGlobs: string[] = [];
  const walk = (folder: string) => {
    const entries = [...list(folder)].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const unwanted: string[] = [];
    for (const entry of entries) {
      const full = path.join(folder, entry.name);
      if (entry.folder && onTheWay.has(full)) walk(full);
      else if (entry.folder) excludes.push(full);
      else if (!wanted.has(full)) unwanted.push(entry.name);
    }
    // A glob must not catch a file to scan or a folder (a folder named `x.py` could hold one).
    const kept = entries.filter((e) => e.folder || wanted.has(path.join(folder, e.name))).map((e) => e.name);
    const byExtension = new Map<string, string[]>();
    for (const name of unwanted) {
      const ext = path.extname(name);
      byExtension.set(ext, [...(byExtension.get(ext) ?? []), name]);
    }
    for (const [ext, names] of byExtension) {
      if (ext !== '' && names.length >= GLOB_FROM && !kept.some((name) => name.endsWith(ext))) {
        excludeGlobs.push(`${escapeGlob(folder)}${path.sep}*${escapeGlob(ext)}`);
      } else excludes.push(...names.map((name) => path.join(folder, name)));
    }
  };
  for (const folder of paths) walk(folder);
  return { paths, excludes: excludes.sort(), excludeGlobs: excludeGlobs.sort() };
}

/** Go's filepath.Match syntax escaped, so the text matches only itself. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\\]/g, '\\$&');
}

function hasAncestorIn(folder: string, folders: ReadonlySet<string>): boolean {
  for (let d = path.dirname(folder); ; d = path.dirname(d)) {
    if (folders.has(d)) return true;
    if (path.dirname(d) === d) return false;
  }
}

/** A folder's entries from the disk; an unreadable folder has none KICS could read either. */
export function listFolder(folder: string): FolderEntry[] {
  try {
    return readdirSync(folder, { withFileTypes: true }).map((entry) => ({
      name: entry.name,
      folder: entry.isDirectory(),
    }));
  } catch {
    return [];
  }
}

/**
 * An exclude path as KICS reads it: a value holding `*`, `?` or `[` is expanded as a glob (Go's
 * filepath.Match, where a backslash escapes), so those characters and backslashes are escaped to
 * name the path itself. A value without them is taken as written.
 */
export function literalExclude(file: string): string {
  return /[*?[]/.test(file) ? escapeGlob(file) : file;
}
