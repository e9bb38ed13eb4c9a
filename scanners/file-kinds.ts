import path from 'node:path';

/** Extensions no scanner reads as text: binaries, media, archives, lockfiles. */
const NEVER_TEXT = new Set([
  '.png',
  '.jpg',
  '.jpeg',
  '.gif',
  '.bmp',
  '.ico',
  '.webp',
  '.svgz',
  '.pdf',
  '.zip',
  '.gz',
  '.tgz',
  '.bz2',
  '.xz',
  '.7z',
  '.rar',
  '.jar',
  '.war',
  '.class',
  '.so',
  '.dll',
  '.dylib',
  '.exe',
  '.bin',
  '.o',
  '.a',
  '.pyc',
  '.pyo',
  '.woff',
  '.woff2',
  '.ttf',
  '.otf',
  '.eot',
  '.mp3',
  '.mp4',
  '.mov',
  '.avi',
  '.wasm',
  '.sqlite',
  '.db',
  '.lock',
]);

/** True for files a text scanner can read. */
export function isTextCandidate(file: string): boolean {
  return notTextReason(file) === undefined;
}

/** Why a text scanner is not given this file (the coverage ledger says it), or undefined when it is. */
export function notTextReason(file: string): string | undefined {
  const base = path.basename(file).toLowerCase();
  if (base.endsWith('.min.js'))
    return 'minified JavaScript, which no scanner is given: scan the source it is built from';
  if (base.endsWith('-lock.json') || base === 'package-lock.json' || path.extname(base) === '.lock') {
    return 'a lockfile: dependency versions, for a dependency scanner';
  }
  return NEVER_TEXT.has(path.extname(base)) ? 'binary or media, not source' : undefined;
}

/** Minified JavaScript, which only Semgrep is given, and only where its ignore files let it (its default list does not). */
export function isMinifiedJs(file: string): boolean {
  return path.basename(file).toLowerCase().endsWith('.min.js');
}

/** True when the file's extension (lower-cased, with dot) is in the set. */
export function hasExtension(file: string, extensions: ReadonlySet<string>): boolean {
  return extensions.has(path.extname(file).toLowerCase());
}

/** Finds the suppression comment text on `line` matching `marker`, e.g. "nosec B602". */
export function commentAfter(line: string, marker: RegExp): string | undefined {
  const match = marker.exec(line);
  return match ? match[0].trim() : undefined;
}
