import { readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type * as Sarif from 'sarif';

/*
 * Semgrep's SARIF output leaves out the `fix:` of its rules: only its JSON output has it, as
 * `results[].extra.fix`, the text that replaces the match from `start` to `end`. The plugin has
 * Semgrep write both in one run, and each fix is put into the matching SARIF result as a standard
 * SARIF `fixes` entry, so normalization reads it as it reads any tool's fixes.
 *
 * Semgrep's columns count UTF-8 bytes, while SARIF's (and JavaScript's) count UTF-16 code units: the
 * replacement's columns are converted with the file's bytes, and a fix whose file cannot be read, or
 * whose bounds fall inside a character, is left out rather than placed in the wrong spot.
 */

/** Where a match starts or ends in Semgrep's JSON: 1-based line, 1-based byte column (end exclusive). */
interface JsonPosition {
  line: number;
  col: number;
}

/** One fix from Semgrep's JSON, with what identifies its result in the SARIF. */
interface JsonFix {
  key: string;
  path: string;
  start: JsonPosition;
  end: JsonPosition;
  text: string;
}

/** The property a run carries when its fixes could not be read: the reason, for whoever reads the evidence. */
export const FIXES_NOT_READ = 'controlgateFixesNotRead';

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function position(value: unknown): JsonPosition | undefined {
  const p = record(value);
  const line = p?.line;
  const col = p?.col;
  return Number.isInteger(line) && Number.isInteger(col) && (line as number) >= 1 && (col as number) >= 1
    ? { line: line as number, col: col as number }
    : undefined;
}

function keyOf(ruleId: string, file: string, start: JsonPosition, end: JsonPosition): string {
  return [ruleId, file, start.line, start.col, end.line, end.col].join('\u0000');
}

/** The fixes of Semgrep's JSON output; anything not shaped as expected is skipped. */
export function jsonFixes(json: unknown): JsonFix[] {
  const results = record(json)?.results;
  if (!Array.isArray(results)) throw new Error('no results array');
  const out: JsonFix[] = [];
  for (const item of results) {
    const result = record(item);
    const text = record(result?.extra)?.fix;
    const ruleId = result?.check_id;
    const file = result?.path;
    const start = position(result?.start);
    const end = position(result?.end);
    if (typeof text !== 'string' || typeof ruleId !== 'string' || typeof file !== 'string') continue;
    if (!start || !end) continue;
    out.push({ key: keyOf(ruleId, file, start, end), path: file, start, end, text });
  }
  return out;
}

/** Byte offsets of the start of each line of a file. */
function lineStarts(bytes: Buffer): number[] {
  const starts = [0];
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x0a) starts.push(i + 1);
  return starts;
}

/**
 * A UTF-8 byte column as a UTF-16 column of the same line, or undefined when the line does not
 * exist, the column is past its end or falls inside a character.
 */
function utf16Column(bytes: Buffer, starts: readonly number[], p: JsonPosition): number | undefined {
  const lineStart = starts[p.line - 1];
  if (lineStart === undefined) return undefined;
  const lineEnd = starts[p.line] ?? bytes.length;
  const at = lineStart + p.col - 1;
  if (at > lineEnd) return undefined;
  const byte = bytes[at];
  if (byte !== undefined && at < lineEnd && (byte & 0xc0) === 0x80) return undefined;
  return bytes.subarray(lineStart, at).toString('utf8').length + 1;
}

/** The code a match covers, from its start to its end (Semgrep's byte positions). */
function matchedText(file: { bytes: Buffer; starts: readonly number[] }, fix: JsonFix): string | undefined {
  const from = file.starts[fix.start.line - 1];
  const to = file.starts[fix.end.line - 1];
  if (from === undefined || to === undefined) return undefined;
  return file.bytes.subarray(from + fix.start.col - 1, to + fix.end.col - 1).toString('utf8');
}

/** A SARIF location's URI as Semgrep's JSON names the same file (the URI, percent-decoded). */
function jsonPathOf(uri: string): string[] {
  try {
    const decoded = decodeURIComponent(uri);
    return decoded === uri ? [uri] : [uri, decoded];
  } catch {
    return [uri];
  }
}

/**
 * Puts each fix of Semgrep's JSON into the SARIF result for the same rule and match (rule id, path,
 * start and end line and column), as a SARIF `fixes` entry. A match that two JSON results give
 * different fixes for is ambiguous and gets none. Returns how many results got a fix.
 */
export function addSemgrepFixes(log: Sarif.Log, json: unknown, cwd: string): number {
  const byKey = new Map<string, JsonFix | null>();
  for (const fix of jsonFixes(json)) {
    const seen = byKey.get(fix.key);
    byKey.set(fix.key, seen === undefined || seen?.text === fix.text ? fix : null);
  }
  const files = new Map<string, { bytes: Buffer; starts: number[] } | undefined>();
  const fileOf = (name: string) => {
    if (!files.has(name)) {
      try {
        const bytes = readFileSync(path.resolve(cwd, name));
        files.set(name, { bytes, starts: lineStarts(bytes) });
      } catch {
        files.set(name, undefined);
      }
    }
    return files.get(name);
  };
  let added = 0;
  for (const run of log.runs ?? []) {
    for (const result of run.results ?? []) {
      const location = result.locations?.[0]?.physicalLocation;
      const region = location?.region;
      const uri = location?.artifactLocation?.uri;
      const ruleId = result.ruleId;
      if (
        !uri ||
        !ruleId ||
        !region?.startLine ||
        !region.startColumn ||
        !region.endLine ||
        !region.endColumn
      )
        continue;
      const start = { line: region.startLine, col: region.startColumn };
      const end = { line: region.endLine, col: region.endColumn };
      const fix = jsonPathOf(uri)
        .map((name) => byKey.get(keyOf(ruleId, name, start, end)))
        .find((f) => f !== undefined);
      if (!fix) continue;
      const file = fileOf(fix.path);
      const startColumn = file && utf16Column(file.bytes, file.starts, fix.start);
      const endColumn = file && utf16Column(file.bytes, file.starts, fix.end);
      if (!startColumn || !endColumn) continue;
      // A fix-regex that matches nothing in the code still gives the code back as the fix: no change, no fix.
      if (file && matchedText(file, fix) === fix.text) continue;
      result.fixes = [
        {
          description: { text: `Semgrep autofix of ${ruleId}` },
          artifactChanges: [
            {
              artifactLocation: { ...location.artifactLocation, uri },
              replacements: [
                {
                  deletedRegion: { startLine: start.line, startColumn, endLine: end.line, endColumn },
                  insertedContent: { text: fix.text },
                },
              ],
            },
          ],
        },
      ];
      added++;
    }
  }
  return added;
}

/** The JSON output Semgrep writes beside its SARIF, for its fixes. */
export function semgrepJsonPath(sarifPath: string): string {
  return `${sarifPath.replace(/\.sarif$/, '')}.json`;
}

/**
 * Adds the fixes of the JSON output at `jsonPath` to the log, then deletes that file: it holds the
 * matched code unredacted, and the SARIF kept as evidence is the redacted copy. A missing or
 * malformed JSON costs the fixes only, never a finding: the reason is kept in the run's properties.
 */
export async function amendWithSemgrepFixes(log: Sarif.Log, jsonPath: string, cwd: string): Promise<void> {
  // Reasons in our words: a parser's message would quote the file's text.
  let reason: string | undefined;
  try {
    const text = await readFile(jsonPath, 'utf8').catch(() => undefined);
    if (text === undefined) reason = 'missing or unreadable';
    else {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        reason = 'not valid JSON';
      }
      if (reason === undefined && !Array.isArray(record(json)?.results)) reason = 'no results array';
      if (reason === undefined) addSemgrepFixes(log, json, cwd);
    }
    if (reason !== undefined)
      for (const run of log.runs ?? [])
        run.properties = { ...run.properties, [FIXES_NOT_READ]: `Semgrep's JSON output: ${reason}` };
  } finally {
    await rm(jsonPath, { force: true });
  }
}
