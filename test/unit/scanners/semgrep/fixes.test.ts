import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as Sarif from 'sarif';
import { describe, expect, it } from 'vitest';
import {
  addSemgrepFixes,
  amendWithSemgrepFixes,
  FIXES_NOT_READ,
  jsonFixes,
  semgrepJsonPath,
} from '../../../../scanners/semgrep/fixes.ts';
import { REPO_ROOT } from '../../../support/cli.ts';

/*
 * test/fixtures/semgrep-fixes holds one real run of the pinned Semgrep over app.py with rules.yaml,
 * written with `--sarif --output semgrep.sarif --json-output=semgrep.json`: two fixes on one line,
 * one over three lines, a rule without a fix, and a match after a non-ASCII character (Semgrep's
 * columns count bytes there).
 */
const FIXTURE = path.join(REPO_ROOT, 'test', 'fixtures', 'semgrep-fixes');
const readJson = (name: string): unknown => JSON.parse(readFileSync(path.join(FIXTURE, name), 'utf8'));
const sarif = () => readJson('semgrep.sarif') as Sarif.Log;
const results = (log: Sarif.Log) => log.runs[0]?.results ?? [];

function replacementOf(result: Sarif.Result | undefined) {
  const fix = result?.fixes?.[0];
  return { change: fix?.artifactChanges[0], replacement: fix?.artifactChanges[0]?.replacements[0] };
}

describe('Semgrep fixes from its JSON output', () => {
  it('reads every fix of the JSON and nothing for a rule without one', () => {
    expect(jsonFixes(readJson('semgrep.json')).map((f) => f.text)).toEqual([
      'hashlib.sha256(data)',
      'hashlib.sha256(b"x")',
      'yaml.safe_load(text)',
      'hashlib.sha256(b"é")',
    ]);
  });

  it('puts each fix into the SARIF result of the same rule and match, as a SARIF fixes entry', () => {
    const log = sarif();
    expect(addSemgrepFixes(log, readJson('semgrep.json'), FIXTURE)).toBe(4);
    const [first, second, multiLine, noFix, nonAscii] = results(log);
    expect(replacementOf(first).change?.artifactLocation.uri).toBe('app.py');
    expect(replacementOf(first).replacement).toEqual({
      deletedRegion: { startLine: 4, startColumn: 12, endLine: 4, endColumn: 29 },
      insertedContent: { text: 'hashlib.sha256(data)' },
    });
    expect(replacementOf(second).replacement?.insertedContent?.text).toBe('hashlib.sha256(b"x")');
    expect(replacementOf(multiLine).replacement).toEqual({
      deletedRegion: { startLine: 7, startColumn: 12, endLine: 9, endColumn: 6 },
      insertedContent: { text: 'yaml.safe_load(text)' },
    });
    expect(noFix?.fixes).toBeUndefined();
    // Semgrep says bytes 18..36 of `print("héllo"); hashlib.md5(b"é")`: characters 17..34.
    expect(nonAscii?.locations?.[0]?.physicalLocation?.region?.startColumn).toBe(18);
    expect(replacementOf(nonAscii).replacement?.deletedRegion).toEqual({
      startLine: 12,
      startColumn: 17,
      endLine: 12,
      endColumn: 34,
    });
    const line = readFileSync(path.join(FIXTURE, 'app.py'), 'utf8').split('\n')[11] ?? '';
    expect(line.slice(16, 33)).toBe('hashlib.md5(b"é")');
  });

  it('gives no fix where rule, path or bounds differ, or two JSON results disagree', () => {
    const json = readJson('semgrep.json') as { results: { check_id: string; extra: { fix?: string } }[] };
    const [a, b, c, , d] = json.results;
    if (!a || !b || !c || !d) throw new Error('fixture changed');
    a.check_id = 'other-rule';
    json.results.push({ ...b, extra: { fix: 'something else' } });
    (c as unknown as { path: string }).path = 'elsewhere.py';
    (d as unknown as { end: { col: number } }).end.col = 35;
    const log = sarif();
    expect(addSemgrepFixes(log, json, FIXTURE)).toBe(0);
  });

  it('gives no fix when the fix is the matched code itself (a fix-regex that matched nothing)', () => {
    const json = readJson('semgrep.json') as { results: { extra: { fix?: string } }[] };
    for (const [i, code] of [
      'hashlib.md5(data)',
      'hashlib.md5(b"x")',
      'yaml.load(\n        text\n    )',
    ].entries()) {
      const result = json.results[i];
      if (result) result.extra.fix = code;
    }
    const log = sarif();
    expect(addSemgrepFixes(log, json, FIXTURE)).toBe(1);
    expect(results(log).findIndex((r) => r.fixes)).toBe(4);
  });

  it('leaves a fix out when its file cannot be read (columns cannot be converted)', () => {
    const log = sarif();
    expect(addSemgrepFixes(log, readJson('semgrep.json'), path.join(FIXTURE, 'missing'))).toBe(0);
  });

  it('keeps every result when the JSON is missing or malformed, says why and deletes the JSON', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'controlgate-semgrep-fixes-'));
    const jsonPath = semgrepJsonPath(path.join(dir, 'semgrep.sarif'));
    expect(jsonPath).toBe(path.join(dir, 'semgrep.json'));
    for (const [content, reason] of [
      [undefined, 'missing or unreadable'],
      ['{"results": [', 'not valid JSON'],
      ['{"errors": []}', 'no results array'],
    ] as const) {
      if (content !== undefined) writeFileSync(jsonPath, content);
      const log = sarif();
      await amendWithSemgrepFixes(log, jsonPath, FIXTURE);
      expect(results(log)).toHaveLength(5);
      expect(results(log).some((r) => r.fixes)).toBe(false);
      expect(log.runs[0]?.properties?.[FIXES_NOT_READ]).toBe(`Semgrep's JSON output: ${reason}`);
      expect(existsSync(jsonPath)).toBe(false);
    }
  });

  it('amends the log from a JSON output beside the SARIF, then deletes it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'controlgate-semgrep-fixes-'));
    const jsonPath = path.join(dir, 'semgrep.json');
    copyFileSync(path.join(FIXTURE, 'semgrep.json'), jsonPath);
    const log = sarif();
    await amendWithSemgrepFixes(log, jsonPath, FIXTURE);
    expect(results(log).filter((r) => r.fixes)).toHaveLength(4);
    expect(log.runs[0]?.properties?.[FIXES_NOT_READ]).toBeUndefined();
    expect(existsSync(jsonPath)).toBe(false);
  });
});
