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

/** Reads and validates a SARIF file, refusing files larger than `maxBytes`. */
export async function readSarifFile(
  file: string,
  maxBytes = DEFAULT_MAX_SARIF_BYTES,
): Promise<SarifLogInput> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new SarifError(file, ['the file was not written']);
    throw new SarifError(file, [`cannot read the file (${code ?? errorMessage(error)})`]);
  }
  let text: string;
  try {
    const info = await handle.stat();
    if (info.isFile() && info.size > maxBytes) throw tooLarge(file, `is ${info.size} bytes`, maxBytes);
    // A pipe or device (`--sarif <(tool)`, or /dev/zero) has no size up front: read at most the limit.
    const bytes = info.isFile() ? await handle.readFile() : await readAtMost(handle, maxBytes + 1);
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

function tooLarge(file: string, size: string, maxBytes: number): SarifError {
  return new SarifError(file, [`the file ${size}, over the ${maxBytes}-byte limit for SARIF input`]);
}

async function readAtMost(handle: FileHandle, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  while (total < limit) {
    const chunk = Buffer.allocUnsafe(Math.min(1 << 20, limit - total));
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
    if (bytesRead === 0) break;
    chunks.push(chunk.subarray(0, bytesRead));
    total += bytesRead;
  }
  return Buffer.concat(chunks, total);
}
