import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Written into each installed folder (the venv, `kics/`): what it was made from and every file in it. */
export const RECORD_FILE = 'controlgate-install.json';

/** Records without this format (controlgate's first ones) hashed only a chosen binary. */
export const RECORD_FORMAT = 2;

/** What a folder of the tools folder holds right after its install. */
export interface InstallRecord {
  format: typeof RECORD_FORMAT;
  /** Identifies the pins used (a lock file's sha256, a module's go.sum lines). */
  pins: string;
  /** Every regular file under the folder, by POSIX path relative to it → sha256; the record left out. */
  files: Record<string, string>;
  /** Every symbolic link → its target as written (a venv's `bin/python`, `lib64`); never followed. */
  links: Record<string, string>;
}

/** What is in a folder, as a record lists it. */
export type RecordedTree = Pick<InstallRecord, 'files' | 'links'>;

const CHUNK = 1 << 20;
/** Longest stretch of hashing before the event loop gets a turn (the scanners' pipes, timeouts). */
const SLICE_MS = 20;
let sliceStarted = performance.now();

async function yieldNow(): Promise<void> {
  if (performance.now() - sliceStarted < SLICE_MS) return;
  await nextTurn();
  sliceStarted = performance.now();
}

/**
 * sha256 of a file, read synchronously in slices: KICS's 14,000 small query files cost 2–3 s through
 * the asynchronous thread pool and under 1 s this way, and the event loop still gets a turn every
 * 20 ms. A symbolic link where a file was recorded is refused, not followed.
 */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  const fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const buffer = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(1, fstatSync(fd).size)));
    for (;;) {
      const read = readSync(fd, buffer, 0, buffer.length, null);
      if (read === 0) break;
      hash.update(buffer.subarray(0, read));
      await yieldNow();
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

type Entry = { kind: 'file' } | { kind: 'link' } | { kind: 'other' };

/** Every entry under `dir` but directories, by POSIX relative path, sorted; the record itself left out. */
async function listTree(dir: string): Promise<Map<string, Entry>> {
  const found = new Map<string, Entry>();
  async function walk(rel: string): Promise<void> {
    const entries = await readdir(path.join(dir, rel), { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (child === RECORD_FILE) continue;
      if (entry.isDirectory()) await walk(child);
      else found.set(child, { kind: entry.isFile() ? 'file' : entry.isSymbolicLink() ? 'link' : 'other' });
    }
  }
  await walk('');
  return found;
}

/** Hashes every file and reads every link under `dir`, as an install records them. */
export async function recordTree(dir: string): Promise<RecordedTree> {
  const tree: RecordedTree = { files: {}, links: {} };
  for (const [rel, entry] of await listTree(dir)) {
    const full = path.join(dir, rel);
    if (entry.kind === 'file') tree.files[rel] = await sha256File(full);
    else if (entry.kind === 'link') tree.links[rel] = await readlink(full);
    else throw new Error(`${full} is neither a file, a folder nor a symbolic link; an install holds none`);
  }
  return tree;
}

/** The record in `dir`, or why there is none that can vouch for every file. */
export async function readInstallRecord(dir: string): Promise<InstallRecord | string> {
  const file = path.join(dir, RECORD_FILE);
  let record: Partial<InstallRecord>;
  try {
    record = JSON.parse(await readFile(file, 'utf8')) as Partial<InstallRecord>;
  } catch {
    return `${dir} has no readable install record (${RECORD_FILE})`;
  }
  if (
    record?.format !== RECORD_FORMAT ||
    typeof record.pins !== 'string' ||
    typeof record.files !== 'object' ||
    record.files === null ||
    typeof record.links !== 'object' ||
    record.links === null
  ) {
    return `${file} does not list every installed file (it was written by an older controlgate)`;
  }
  return record as InstallRecord;
}

/**
 * The first difference between `dir` and what its record lists, or undefined when every file has its
 * recorded sha256, every link its target, and nothing was added: a file appears by its absolute path.
 * Added files count because Python runs what it finds (a `.pth` file, a `sitecustomize.py`, a `.pyc`
 * beside a source) and KICS loads every query under `assets/queries`.
 */
export async function treeProblem(dir: string, recorded: RecordedTree): Promise<string | undefined> {
  let present: Map<string, Entry>;
  try {
    present = await listTree(dir);
  } catch (error) {
    return `${dir} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
  }
  const at = (rel: string) => path.join(dir, ...rel.split('/'));
  // Cheap differences first: a removed or added file is found without hashing anything.
  for (const rel of [...Object.keys(recorded.files), ...Object.keys(recorded.links)]) {
    if (!present.has(rel)) return `${at(rel)} is missing (it was installed)`;
  }
  for (const [rel, entry] of present) {
    const wasFile = Object.hasOwn(recorded.files, rel);
    const wasLink = Object.hasOwn(recorded.links, rel);
    if (!wasFile && !wasLink) return `${at(rel)} was added after the install`;
    if (wasFile && entry.kind !== 'file')
      return `${at(rel)} is no longer a regular file (it was installed as one)`;
    if (wasLink && entry.kind !== 'link')
      return `${at(rel)} is no longer a symbolic link (it was installed as one)`;
  }
  for (const [rel, target] of Object.entries(recorded.links)) {
    const now = await readlink(at(rel)).catch(() => undefined);
    if (now !== target)
      return `${at(rel)} points to ${now ?? 'nothing readable'}, but was installed pointing to ${target}`;
  }
  for (const [rel, expected] of Object.entries(recorded.files)) {
    const actual = await sha256File(at(rel)).catch(
      (error: NodeJS.ErrnoException) => `unreadable (${error.code})`,
    );
    if (actual !== expected)
      return `${at(rel)} changed since it was installed (sha256 ${actual}, recorded ${expected})`;
  }
  return undefined;
}

/**
 * Why the installed folder `dir` cannot be trusted to be what its install produced, or undefined when
 * its record lists exactly what is there. Pins are the installer's business (`stampProblem`).
 */
export async function installRecordProblem(dir: string): Promise<string | undefined> {
  const record = await readInstallRecord(dir);
  return typeof record === 'string' ? record : treeProblem(dir, record);
}
