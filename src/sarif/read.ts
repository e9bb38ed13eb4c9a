import { readFile, stat } from 'node:fs/promises';
import type { z } from 'zod';
import { SarifError } from '../errors.ts';
import { type SarifLogInput, sarifLogSchema } from './model.ts';

/** Largest SARIF file read; bigger ones are refused rather than risking the runner's memory. */
export const DEFAULT_MAX_SARIF_BYTES = 512 * 1024 * 1024;
const MAX_REPORTED_ISSUES = 5;

/** Renders a zod issue path as a JSON path, e.g. `$.runs[0].results[12].level`. */
export function jsonPath(path: readonly PropertyKey[]): string {
  let out = '$';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `.${String(key)}`;
  return out;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = jsonPath(issue.path);
  if (issue.code === 'invalid_value' && 'values' in issue) {
    return `${where}: expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return `${where}: ${issue.message}`;
}

/** Validates parsed JSON as a SARIF 2.1.0 log; errors name `file` and the JSON path of each problem. */
export function parseSarif(json: unknown, file: string): SarifLogInput {
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
    json = JSON.parse(text);
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
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    throw new SarifError(file, ['the file was not written']);
  }
  if (size > maxBytes) {
    throw new SarifError(file, [
      `the file is ${size} bytes, over the ${maxBytes}-byte limit for SARIF input`,
    ]);
  }
  return parseSarifText(await readFile(file, 'utf8'), file);
}
