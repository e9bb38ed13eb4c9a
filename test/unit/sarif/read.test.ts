import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SarifError } from '../../../src/errors.ts';
import { jsonPath, parseSarif, parseSarifText, readSarifFile } from '../../../src/sarif/read.ts';

const FILE = 'out/semgrep/semgrep.sarif';

function minimalLog(results: unknown[] = []): Record<string, unknown> {
  return {
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'semgrep', rules: [] } }, results }],
  };
}

/** Runs `fn`, expecting a SarifError, and returns it. */
function sarifError(fn: () => unknown): SarifError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SarifError);
    return error as SarifError;
  }
  throw new Error('expected a SarifError');
}

describe('jsonPath', () => {
  it('renders the root as $', () => {
    expect(jsonPath([])).toBe('$');
  });

  it('renders keys with dots and indexes with brackets', () => {
    expect(jsonPath(['runs', 0, 'results', 12, 'level'])).toBe('$.runs[0].results[12].level');
  });

  it('renders a leading index', () => {
    expect(jsonPath([3, 'x'])).toBe('$[3].x');
  });
});

describe('parseSarifText: JSON problems', () => {
  it('names the file for invalid JSON', () => {
    const error = sarifError(() => parseSarifText('{"version": ', FILE));
    expect(error.file).toBe(FILE);
    expect(error.message).toContain(FILE);
    expect(error.problems[0]).toMatch(/^invalid JSON/);
  });

  it('says the file is empty for empty or blank text', () => {
    for (const text of ['', '  \n\t']) {
      const error = sarifError(() => parseSarifText(text, FILE));
      expect(error.message).toContain(FILE);
      expect(error.problems).toEqual(['the file is empty']);
    }
  });
});

describe('parseSarifText: schema problems', () => {
  it('names $.version for a SARIF 2.0.0 log', () => {
    const error = sarifError(() => parseSarifText(JSON.stringify({ version: '2.0.0', runs: [] }), FILE));
    expect(error.message).toContain(FILE);
    expect(error.problems.some((p) => p.startsWith('$.version'))).toBe(true);
    expect(error.message).toContain('2.1.0');
  });

  it('names the path of a bad result level and lists the allowed values', () => {
    const log = minimalLog([{ ruleId: 'r', level: 'fatal', message: { text: 'm' } }]);
    const error = sarifError(() => parseSarifText(JSON.stringify(log), FILE));
    expect(error.problems).toHaveLength(1);
    const problem = error.problems[0] ?? '';
    expect(problem).toContain('$.runs[0].results[0].level');
    for (const allowed of ['none', 'note', 'warning', 'error']) expect(problem).toContain(`"${allowed}"`);
  });

  it('names $.runs when runs is missing', () => {
    const error = sarifError(() => parseSarifText(JSON.stringify({ version: '2.1.0' }), FILE));
    expect(error.problems.some((p) => p.startsWith('$.runs'))).toBe(true);
  });

  it('rejects a top-level value that is not an object', () => {
    const error = sarifError(() => parseSarifText('[]', FILE));
    expect(error.problems[0]).toMatch(/^\$: /);
  });

  it('reports at most five problems and counts the rest', () => {
    const results = Array.from({ length: 8 }, () => ({ level: 'fatal', message: { text: 'm' } }));
    const error = sarifError(() => parseSarifText(JSON.stringify(minimalLog(results)), FILE));
    expect(error.problems).toHaveLength(6);
    expect(error.problems[5]).toBe('… and 3 more problems');
    expect(error.problems[4]).toContain('$.runs[0].results[4].level');
  });
});

describe('parseSarifText: valid logs', () => {
  it('accepts a minimal log and returns its content', () => {
    const log = minimalLog([{ ruleId: 'r1', level: 'error', message: { text: 'bad' } }]);
    const parsed = parseSarifText(JSON.stringify(log), FILE);
    expect(parsed.version).toBe('2.1.0');
    expect(parsed.runs[0]?.results?.[0]?.ruleId).toBe('r1');
  });

  it('tolerates and keeps unknown extra properties at every level', () => {
    const log = {
      version: '2.1.0',
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      topExtra: true,
      runs: [
        {
          tool: { driver: { name: 'x', driverExtra: 1 } },
          runExtra: 'kept',
          results: [{ message: { text: 'm' }, vendorField: { a: 1 } }],
        },
      ],
    };
    const parsed = parseSarifText(JSON.stringify(log), FILE);
    expect(parsed).toEqual(log);
    expect(parsed.topExtra).toBe(true);
    expect(parsed.runs[0]?.runExtra).toBe('kept');
    expect(parsed.runs[0]?.results?.[0]?.vendorField).toEqual({ a: 1 });
  });
});

describe('parseSarif', () => {
  it('validates already-parsed JSON and names the file', () => {
    const error = sarifError(() => parseSarif({ version: '2.1.0', runs: 'no' }, 'x.sarif'));
    expect(error.file).toBe('x.sarif');
    expect(error.problems[0]).toContain('$.runs');
  });
});

describe('readSarifFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'controlgate-read-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads and validates a SARIF file', async () => {
    const file = path.join(dir, 'ok.sarif');
    await writeFile(file, JSON.stringify(minimalLog()));
    const log = await readSarifFile(file);
    expect(log.runs[0]?.tool.driver.name).toBe('semgrep');
  });

  it('refuses a file over maxBytes and names the limit', async () => {
    const file = path.join(dir, 'big.sarif');
    const text = JSON.stringify(minimalLog());
    await writeFile(file, text);
    const limit = text.length - 1;
    const error = await readSarifFile(file, limit).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SarifError);
    expect((error as SarifError).file).toBe(file);
    expect((error as SarifError).message).toContain(`${limit}-byte limit`);
    expect((error as SarifError).message).toContain(`${text.length} bytes`);
  });

  it('accepts a file exactly at maxBytes', async () => {
    const file = path.join(dir, 'exact.sarif');
    const text = JSON.stringify(minimalLog());
    await writeFile(file, text);
    await expect(readSarifFile(file, Buffer.byteLength(text))).resolves.toMatchObject({ version: '2.1.0' });
  });

  it('reads a pipe or device only up to the limit: /dev/zero is refused, not read until memory runs out', async () => {
    const error = await readSarifFile('/dev/zero', 1 << 20).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SarifError);
    expect((error as SarifError).problems).toEqual([
      `the file has more than ${1 << 20} bytes, over the ${1 << 20}-byte limit for SARIF input`,
    ]);
  });

  it('names a missing file', async () => {
    const file = path.join(dir, 'missing.sarif');
    const error = await readSarifFile(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SarifError);
    expect((error as SarifError).message).toContain(file);
    expect((error as SarifError).problems).toEqual(['the file was not written']);
  });

  it('names the file when its content is invalid', async () => {
    const file = path.join(dir, 'broken.sarif');
    await writeFile(file, 'not json');
    await expect(readSarifFile(file)).rejects.toThrow(file);
  });
});
