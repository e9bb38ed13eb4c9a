import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

/*
 * A folder the walk skips (a virtual environment, node_modules) can still hold code the project
 * runs: `from venv import helpers` in app/main.py runs app/venv/helpers.py, and a change can put a
 * vulnerable module there to keep it from every scanner. This finds the files in skipped folders
 * that scanned source files import by a path that names the folder, so they are scanned as the
 * project's own code and the ledger says why. Imports by package name alone (`require('lodash')`,
 * `import requests`) are dependency resolution, not the project's code: a dependency scanner's job.
 */

const PYTHON = /\.py$/i;
const SCRIPT = /\.(?:[cm]?js|jsx|[cm]?ts|tsx)$/i;
const SCRIPT_EXTENSIONS = ['.js', '.mjs', '.cjs', '.jsx', '.ts', '.mts', '.cts', '.tsx'];

/** A file in a skipped folder that scanned code imports, and the first file found importing it. */
export interface ImportedFile {
  /** Absolute. */
  file: string;
  /** Absolute. */
  importedBy: string;
}

/** The module paths a Python file imports: dotted names, with a leading dot count for relative ones. */
export function pythonImports(text: string): { dots: number; names: string[] }[] {
  const found: { dots: number; names: string[] }[] = [];
  const names = (list: string) =>
    list
      .split(',')
      .map(
        (n) =>
          n
            .trim()
            .split(/\s+as\s+/)[0]
            ?.trim() ?? '',
      )
      .filter((n) => /^[A-Za-z_][\w.]*$/.test(n));
  // `from x import (a,\n b)` spans lines: its parenthesised list is read whole.
  for (const m of text.matchAll(/^[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]*\(([^)]*)\)/gm)) {
    const [, dots = '', module = '', list = ''] = m;
    found.push({ dots: dots.length, names: fromNames(module, names(list.replace(/#.*$/gm, ''))) });
  }
  for (const m of text.matchAll(/^[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+([^(\n#][^\n#]*)/gm)) {
    const [, dots = '', module = '', list = ''] = m;
    found.push({ dots: dots.length, names: fromNames(module, names(list.replace(/\\$/, ''))) });
  }
  for (const m of text.matchAll(/^[ \t]*import[ \t]+([^\n#]+)/gm)) {
    found.push({ dots: 0, names: names(m[1] ?? '') });
  }
  return found.filter((f) => f.names.length > 0);
}

/** `from m import a, b` may load m, m.a and m.b (a name may be a submodule). */
function fromNames(module: string, imported: string[]): string[] {
  if (module === '') return imported;
  return [module, ...imported.filter((n) => n !== '*').map((n) => `${module}.${n}`)];
}

/** The relative specifiers (`./x`, `../y`) a JavaScript or TypeScript file imports or requires. */
export function scriptImports(text: string): string[] {
  const found = new Set<string>();
  const patterns = [
    /\b(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\b(?:require|import)\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) {
    for (const m of text.matchAll(pattern)) {
      const spec = m[1];
      if (spec && (spec.startsWith('./') || spec.startsWith('../'))) found.add(spec);
    }
  }
  return [...found];
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Finds the files in `skipped` folders that `sources` import, following imports among those files. */
export async function importsIntoSkipped(options: {
  root: string;
  sources: readonly string[];
  skipped: readonly string[];
  read: (file: string) => Promise<string>;
}): Promise<ImportedFile[]> {
  const { root, skipped } = options;
  if (skipped.length === 0) return [];
  const inSkipped = (file: string) => skipped.some((dir) => file.startsWith(dir + path.sep));
  const found = new Map<string, string>();
  const pending = options.sources.filter((f) => PYTHON.test(f) || SCRIPT.test(f));
  const take = (file: string, by: string) => {
    if (!found.has(file) && inSkipped(file) && isFile(file)) {
      found.set(file, by);
      pending.push(file);
    }
  };
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    let text: string;
    try {
      text = await options.read(file);
    } catch {
      continue; // Unreadable here is unreadable for the scanners too; they say so.
    }
    // Cheap test first: only a file that names a skipped folder can import from one, unless it
    // lies in one itself (`from . import helper`).
    if (!inSkipped(file) && !skipped.some((dir) => text.includes(path.basename(dir)))) continue;
    const dir = path.dirname(file);
    if (PYTHON.test(file)) {
      for (const { dots, names } of pythonImports(text)) {
        for (const base of pythonBases(dir, root, dots)) {
          for (const name of names) {
            for (const candidate of pythonFiles(base, name)) take(candidate, file);
          }
        }
      }
    } else {
      for (const spec of scriptImports(text)) {
        for (const candidate of scriptFiles(path.resolve(dir, spec))) {
          if (isFile(candidate)) {
            take(candidate, file);
            break;
          }
        }
      }
    }
  }
  return [...found]
    .map(([file, importedBy]) => ({ file, importedBy }))
    .sort((a, b) => (a.file < b.file ? -1 : 1));
}

/** Where a Python import is looked up: the package `dots` up for a relative one, else the file's folder and each above it to the root. */
function pythonBases(dir: string, root: string, dots: number): string[] {
  if (dots > 0) {
    let base = dir;
    for (let i = 1; i < dots; i++) base = path.dirname(base);
    return [base];
  }
  const bases = [dir];
  for (let d = dir; d !== root && d.startsWith(root + path.sep); ) {
    d = path.dirname(d);
    bases.push(d);
  }
  return bases;
}

/** The module file and every package `__init__.py` a dotted import runs, below `base`. */
function pythonFiles(base: string, dotted: string): string[] {
  const parts = dotted.split('.').filter(Boolean);
  const files: string[] = [];
  let dir = base;
  for (const [i, part] of parts.entries()) {
    const last = i === parts.length - 1;
    if (last) files.push(path.join(dir, `${part}.py`));
    dir = path.join(dir, part);
    files.push(path.join(dir, '__init__.py'));
  }
  return files.filter((f) => existsSync(f));
}

/** Node's candidates for a relative specifier: as written, with an extension, or a folder's index. */
function scriptFiles(resolved: string): string[] {
  return [
    resolved,
    ...SCRIPT_EXTENSIONS.map((ext) => `${resolved}${ext}`),
    ...SCRIPT_EXTENSIONS.map((ext) => path.join(resolved, `index${ext}`)),
  ];
}
