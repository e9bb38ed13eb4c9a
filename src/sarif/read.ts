import { constants, type Stats } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import type { z } from 'zod';
import { errorMessage, PLAIN_KEY, quoteForMessage, SarifError } from '../errors.ts';
import { type SarifLogInput, sarifLogSchema } from './model.ts';

/** Largest SARIF file read; bigger ones are refused rather than risking the runner's memory. */
export const DEFAULT_MAX_SARIF_BYTES = 512 * 1024 * 1024;
const MAX_REPORTED_ISSUES = 5;
/**
 * Deepest nesting of arrays and objects accepted. Real logs stay under 20 levels; property bags are
 * free-form, and what comes after reading (JSON.stringify, the evidence writer) recurses, so a log
 * nested thousands deep would fail there with a stack overflow instead of here with its path.
 */
export const MAX_SARIF_DEPTH = 100;
const SHOWN_DEPTH_KEYS = 6;

/** Renders a zod issue path as a JSON path, e.g. `$.runs[0].results[12].level`. */
export function jsonPath(path: readonly PropertyKey[]): string {
  let out = '$';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    // A tool's record keys (fingerprints, …) can be anything: odd ones are quoted and cut short.
    else out += PLAIN_KEY.test(String(key)) ? `.${String(key)}` : `[${quoteForMessage(String(key))}]`;
  }
  return out;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = jsonPath(issue.path);
  if (issue.code === 'invalid_value' && 'values' in issue) {
    return `${where}: expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return `${where}: ${issue.message}`;
}

/** True when arrays and objects nest more than `max` levels: one pass, no recursion, little allocation. */
function nestsDeeperThan(json: unknown, max: number): boolean {
  const values: unknown[] = [json];
  const levels: number[] = [1];
  while (values.length > 0) {
    const value = values.pop();
    const level = levels.pop() ?? 1;
    if (value === null || typeof value !== 'object') continue;
    if (level > max) return true;
    for (const child of Array.isArray(value) ? value : Object.values(value)) {
      values.push(child);
      levels.push(level + 1);
    }
  }
  return false;
}

/** The path to a container nested more than `max` levels deep; called only when there is one. */
function deepPath(json: object, max: number): (string | number)[] {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: json, path: [] }];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const { value, path } = item;
    if (value === null || typeof value !== 'object') continue;
    if (path.length >= max) return path;
    for (const [key, child] of Object.entries(value))
      stack.push({ value: child, path: [...path, Array.isArray(value) ? Number(key) : key] });
  }
  return [];
}

/** Validates parsed JSON as a SARIF 2.1.0 log; errors name `file` and the JSON path of each problem. */
export function parseSarif(json: unknown, file: string): SarifLogInput {
  if (json !== null && typeof json === 'object' && nestsDeeperThan(json, MAX_SARIF_DEPTH)) {
    const deep = deepPath(json, MAX_SARIF_DEPTH);
    const shown = `${jsonPath(deep.slice(0, SHOWN_DEPTH_KEYS))}${deep.length > SHOWN_DEPTH_KEYS ? '…' : ''}`;
    throw new SarifError(file, [`${shown}: nested more than ${MAX_SARIF_DEPTH} levels deep`]);
  }
  const parsed = sarifLogSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues;
  const shown = issues.slice(0, MAX_REPORTED_ISSUES).map(describeIssue);
  if (issues.length > MAX_REPORTED_ISSUES)
    shown.push(`… and ${issues.length - MAX_REPORTED_ISSUES} more problems`);
  throw new SarifError(file, shown);
}

/** Parses SARIF text, turning JSON syntax errors into a SarifError that names the file. */
export function parseSarifText(text: string, file: string): SarifLogInput {
  let json: unknown;
  try {
    // Tools on Windows write a UTF-8 byte order mark, which JSON.parse refuses.
    json = JSON.parse(text.startsWith('\ufeff') ? text.slice(1) : text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const empty = text.trim() === '' ? 'the file is empty' : `invalid JSON (${detail})`;
    throw new SarifError(file, [empty]);
  }
  return parseSarif(json, file);
}

/**
 * Where a SARIF file comes from decides how far it is trusted. `input`: a log the user named
 * (`--sarif`), which may also be a pipe (`--sarif <(tool)`). `scanner`: the file a scanner says it
 * wrote, which is whatever the scanner, or the code it scanned, left at that path: a named pipe there
 * would block the open forever, a link to /dev/zero would be read until memory runs out, and a link
 * elsewhere would feed another file into the report. So it is opened without following a final link
 * and without blocking, and only a regular file is read.
 */
export type SarifSource = 'input' | 'scanner';

/** Reads and validates a SARIF file, refusing more than `maxBytes`. */
export async function readSarifFile(
  file: string,
  maxBytes = DEFAULT_MAX_SARIF_BYTES,
  source: SarifSource = 'input',
): Promise<SarifLogInput> {
  const handle = await openSarif(file, source);
  let text: string;
  try {
    const info = await handle.stat();
    if (source === 'scanner' && !info.isFile()) {
      throw new SarifError(file, [`it is ${kind(info)}, not a regular file`]);
    }
    if (info.isFile() && info.size > maxBytes) throw tooLarge(file, `is ${info.size} bytes`, maxBytes);
    // A regular file: exactly the size seen above, so a file still growing cannot push the read past
    // the limit. A pipe or device has no size up front: at most the limit, and one byte to tell.
    const bytes = info.isFile()
      ? await readAtMost(handle, info.size, info.size)
      : await readAtMost(handle, maxBytes + 1);
    if (bytes.length > maxBytes) throw tooLarge(file, `has more than ${maxBytes} bytes`, maxBytes);
    text = bytes.toString('utf8');
  } catch (error) {
    if (error instanceof SarifError) throw error;
    // A directory in the file's place, a permission problem, or text longer than V8 can hold.
    const code = (error as NodeJS.ErrnoException).code;
    throw new SarifError(file, [`cannot read the file (${code ?? errorMessage(error)})`]);
  } finally {
    await handle.close();
  }
  return parseSarifText(text, file);
}

async function openSarif(file: string, source: SarifSource): Promise<FileHandle> {
  try {
    if (source === 'input') return await open(file, 'r');
    return await open(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new SarifError(file, ['the file was not written']);
    if (code === 'ELOOP' && source === 'scanner') {
      throw new SarifError(file, ['it is a symbolic link, not a file the scanner wrote']);
    }
    throw new SarifError(file, [`cannot read the file (${code ?? errorMessage(error)})`]);
  }
}

function kind(info: Stats): string {
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a named pipe';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSocket()) return 'a socket';
  return 'not a regular file';
}

function tooLarge(file: string, size: string, maxBytes: number): SarifError {
  return new SarifError(file, [`the file ${size}, over the ${maxBytes}-byte limit for SARIF input`]);
}

/** Up to `limit` bytes from the handle's position, fewer when it ends first; `expected` sizes the buffer. */
async function readAtMost(handle: FileHandle, limit: number, expected = 1 << 20): Promise<Buffer> {
  let buffer = Buffer.allocUnsafe(Math.min(limit, expected));
  let filled = 0;
  while (filled < limit) {
    // Grow by doubling, never past the limit: a pipe's length is unknown until it ends.
    if (filled === buffer.length) {
      const bigger = Buffer.allocUnsafe(Math.min(limit, buffer.length * 2));
      buffer.copy(bigger, 0, 0, filled);
      buffer = bigger;
    }
    const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, null);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}
