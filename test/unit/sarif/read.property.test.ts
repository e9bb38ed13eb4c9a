import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SarifError } from '../../../src/errors.ts';
import { compactJsonChunks } from '../../../src/json-stream.ts';
import type { SarifLogInput } from '../../../src/sarif/model.ts';
import { normalizeRun } from '../../../src/sarif/normalize.ts';
import { MAX_SARIF_DEPTH, parseSarif, parseSarifText, readSarifFile } from '../../../src/sarif/read.ts';
import { SourceReader } from '../../../src/sarif/source-reader.ts';
import {
  allPaths,
  CaseTally,
  deepJsonText,
  getAt,
  hostileJson,
  hugeString,
  invalidUtf8,
  PROPERTY_TEST_TIMEOUT_MS,
  setAt,
  shortHostileString,
  spliceBytes,
  withWrongValueAt,
  word,
} from '../../support/arbitraries.ts';
import { REPO_ROOT } from '../../support/cli.ts';

/*
 * Properties of the SARIF reader on hostile input: it returns a log or throws a SarifError that names
 * the file and the JSON path — never another exception — and a valid log comes back whole.
 */

const FILE = 'out/hostile/tool.sarif';
/** Five problems of a bounded path and zod's short text each, plus the file name. */
const MAX_MESSAGE_CHARS = 4_000;
const tally = new CaseTally('property-sarif');
let dir: string;
vi.setConfig({ testTimeout: PROPERTY_TEST_TIMEOUT_MS });

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'controlgate-property-sarif-'));
  await mkdir(path.join(dir, 'root'));
});
afterAll(async () => {
  console.log(tally.summary());
  await rm(dir, { recursive: true, force: true });
});

// ---- a generator of valid SARIF logs, hostile in every free-text field ----

const level = fc.constantFrom('none', 'note', 'warning', 'error');
const posInt = fc.integer({ min: 1, max: 100_000 });
const index = fc.integer({ min: -1, max: 6 });
const someText = fc.oneof(word, shortHostileString);
const multiformat = fc.record({ text: someText, markdown: someText }, { requiredKeys: ['text'] });
const extra = fc.dictionary(
  word.map((w) => `x-${w}`),
  hostileJson,
  { maxKeys: 2 },
);
/** Property bags carrying the keys the normalizer reads, with values of any shape. */
const propertyBag = fc.record(
  {
    tags: fc.array(fc.oneof(someText, fc.constantFrom('external/cwe/cwe-89', 'CWE-79: XSS')), {
      maxLength: 4,
    }),
    'security-severity': fc.oneof(fc.constantFrom('9.8', '7', '0', '-1', '11', 'high', ''), hostileJson),
    issue_severity: fc.oneof(fc.constantFrom('HIGH', 'low', 'weird'), hostileJson),
    severity: hostileJson,
    cwe: fc.oneof(fc.constantFrom('CWE-89', 'cwe-22'), hostileJson),
    cwes: hostileJson,
    category: hostileJson,
    precision: hostileJson,
  },
  { requiredKeys: [] },
);
const region = fc.record(
  {
    startLine: posInt,
    startColumn: posInt,
    endLine: posInt,
    endColumn: posInt,
    snippet: fc.record({ text: someText }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);
const uri = fc.oneof(
  fc.constantFrom(
    'app.py',
    'src/a b.py',
    'src/%61pp.py',
    '../../etc/passwd',
    '/etc/passwd',
    'file:///etc/passwd',
    '..%2f..%2fetc%2fpasswd',
    '%E0%A4%A',
    'https://example.com/x.py',
    'C:\\x\\y.py',
  ),
  shortHostileString,
);
const artifactLocation = fc.record(
  { uri, uriBaseId: fc.constantFrom('%SRCROOT%', 'ROOT', 'missing'), index },
  { requiredKeys: [] },
);
const location = fc.record(
  {
    physicalLocation: fc.record({ artifactLocation, region, contextRegion: region }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);
const toolComponentReference = fc.record({ name: someText, index, guid: word }, { requiredKeys: [] });
const descriptorReference = fc.record(
  { id: someText, index, guid: word, toolComponent: toolComponentReference },
  { requiredKeys: [] },
);
const rule = fc.record(
  {
    id: someText,
    name: someText,
    shortDescription: multiformat,
    fullDescription: multiformat,
    help: multiformat,
    helpUri: someText,
    messageStrings: fc.dictionary(word, multiformat, { maxKeys: 2 }),
    defaultConfiguration: fc.record({ level, enabled: fc.boolean() }, { requiredKeys: [] }),
    relationships: fc.array(
      fc.record(
        { target: descriptorReference, kinds: fc.array(word, { maxLength: 2 }) },
        { requiredKeys: ['target'] },
      ),
      { maxLength: 2 },
    ),
    properties: propertyBag,
  },
  { requiredKeys: ['id'] },
);
const toolComponent = fc.record(
  {
    name: someText,
    version: someText,
    semanticVersion: someText,
    informationUri: someText,
    rules: fc.array(rule, { maxLength: 3 }),
    taxa: fc.array(rule, { maxLength: 2 }),
  },
  { requiredKeys: ['name'] },
);
const result = fc
  .tuple(
    fc.record(
      {
        ruleId: someText,
        ruleIndex: index,
        rule: descriptorReference,
        kind: fc.constantFrom('notApplicable', 'pass', 'fail', 'review', 'open', 'informational'),
        level,
        message: fc.record(
          { text: someText, markdown: someText, id: word, arguments: fc.array(someText, { maxLength: 3 }) },
          { requiredKeys: [] },
        ),
        locations: fc.array(location, { maxLength: 2 }),
        fingerprints: fc.dictionary(word, someText, { maxKeys: 2 }),
        partialFingerprints: fc.dictionary(word, someText, { maxKeys: 2 }),
        suppressions: fc.array(
          fc.record(
            {
              kind: fc.constantFrom('inSource', 'external'),
              status: fc.constantFrom('accepted', 'underReview', 'rejected'),
              justification: someText,
            },
            { requiredKeys: ['kind'] },
          ),
          { maxLength: 2 },
        ),
        baselineState: fc.constantFrom('new', 'unchanged', 'updated', 'absent'),
        taxa: fc.array(descriptorReference, { maxLength: 2 }),
        properties: propertyBag,
      },
      { requiredKeys: ['message'] },
    ),
    extra,
  )
  .map(([r, x]) => ({ ...x, ...r }));
const run = fc
  .tuple(
    fc.record(
      {
        tool: fc.record(
          { driver: toolComponent, extensions: fc.array(toolComponent, { maxLength: 1 }) },
          { requiredKeys: ['driver'] },
        ),
        results: fc.array(result, { maxLength: 6 }),
        taxonomies: fc.array(toolComponent, { maxLength: 2 }),
        artifacts: fc.array(fc.record({ location: artifactLocation }, { requiredKeys: [] }), {
          maxLength: 2,
        }),
        originalUriBaseIds: fc.dictionary(fc.constantFrom('%SRCROOT%', 'ROOT'), artifactLocation, {
          maxKeys: 2,
        }),
        invocations: fc.array(fc.record({ executionSuccessful: fc.boolean() }), { maxLength: 1 }),
      },
      { requiredKeys: ['tool'] },
    ),
    extra,
  )
  .map(([r, x]) => ({ ...x, ...r }));
const validLog = fc.record(
  {
    version: fc.constant('2.1.0'),
    $schema: fc.constant('https://json.schemastore.org/sarif-2.1.0.json'),
    runs: fc.array(run, { maxLength: 3 }),
  },
  { requiredKeys: ['version', 'runs'] },
);

// ---- helpers ----

type Outcome = { log: SarifLogInput; error?: undefined } | { log?: undefined; error: SarifError };

/** Runs the reader; a SarifError is an outcome, any other exception fails the property as it is. */
function outcome(read: () => SarifLogInput): Outcome {
  try {
    return { log: read() };
  } catch (error) {
    if (error instanceof SarifError) return { error };
    throw error;
  }
}
async function outcomeAsync(read: () => Promise<SarifLogInput>): Promise<Outcome> {
  try {
    return { log: await read() };
  } catch (error) {
    if (error instanceof SarifError) return { error };
    throw error;
  }
}

/** The typed error's contract: it names the file, says what is wrong, and stays readable in size. */
function expectNamesFile(error: SarifError, file = FILE): void {
  expect(error.file).toBe(file);
  expect(error.message.startsWith(`${file}: `)).toBe(true);
  expect(error.problems.length).toBeGreaterThan(0);
  for (const problem of error.problems) expect(problem.trim()).not.toBe('');
  expect(error.message.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS + file.length);
}

/** `$.runs[0].results[2]` for a path of plain keys, written out here rather than borrowed from read.ts. */
function pathText(keys: readonly (string | number)[]): string {
  return `$${keys.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('')}`;
}

/** True when `problem` is about the node at `where` or something inside it. */
function isAtOrBelow(problem: string, where: string): boolean {
  return problem.startsWith(where) && ['.', '[', ':'].includes(problem.charAt(where.length));
}

function resultCount(log: { runs?: unknown }): number {
  const runs = Array.isArray(log.runs) ? log.runs : [];
  return runs.reduce<number>((n, r) => n + (Array.isArray(r?.results) ? r.results.length : 0), 0);
}

/** Anything the reader accepts must be usable downstream: normalizing it must not throw. */
function normalizeAll(log: SarifLogInput): number {
  const root = path.join(dir, 'root');
  const sources = new SourceReader(root);
  let findings = 0;
  for (const r of log.runs)
    findings += normalizeRun(r, {
      scannerId: 'tool',
      scannerVersion: '1',
      root,
      baseDir: root,
      sources,
    }).length;
  return findings;
}

const FIXTURES = ['bandit', 'kics', 'semgrep'].map((tool) =>
  readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'sarif', tool, 'example-app.sarif')),
);

/**
 * A path in `log` to put a value at: any existing one whose keys are plain words (so that `pathText`
 * renders it as the reader does), or `runs` when there is none.
 */
function placeAt(log: object, pick: number): (string | number)[] {
  const paths = allPaths(log).filter((p) => p.every((k) => typeof k === 'number' || /^[\w$%-]+$/.test(k)));
  return paths[pick % paths.length] ?? ['runs'];
}

/** The log's text with `deepText` (built as text: too deep for JSON.stringify) at `at`. */
function withDeepValue(log: object, at: (string | number)[], deepText: string): string {
  const PLACEHOLDER = 'DEEP-PLACEHOLDER';
  return JSON.stringify(setAt(log, at, PLACEHOLDER)).replace(`"${PLACEHOLDER}"`, () => deepText);
}

/** How many arrays and objects nest at the deepest point, counted here without recursion. */
function nestingLevels(json: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[json, 1]];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [value, level] = item;
    if (value === null || typeof value !== 'object') continue;
    deepest = Math.max(deepest, level);
    for (const child of Object.values(value)) stack.push([child, level + 1]);
  }
  return deepest;
}

// ---- properties ----

describe('valid logs round-trip', () => {
  it('accepts every generated valid log unchanged, keeps its results count and normalizes every result', () => {
    tally.check(
      'valid log round-trip',
      fc.property(validLog, fc.constantFrom(0, 2), fc.boolean(), (log, indent, bom) => {
        const text = `${bom ? '\ufeff' : ''}${JSON.stringify(log, null, indent)}`;
        const parsed = parseSarifText(text, FILE);
        expect(parsed).toEqual(JSON.parse(JSON.stringify(log)));
        expect(resultCount(parsed)).toBe(resultCount(log));
        expect(normalizeAll(parsed)).toBe(resultCount(log));
      }),
      250,
    );
  });
});

describe('arbitrary and damaged input', () => {
  it('answers any JSON value with a log or a SarifError naming the file and a JSON path', () => {
    const anyTop = fc.oneof(
      hostileJson,
      fc.record({ version: fc.constantFrom('2.1.0', '2.0.0', 2.1), runs: hostileJson }),
      fc.record({ version: fc.constant('2.1.0'), runs: fc.array(hostileJson, { maxLength: 3 }) }),
    );
    tally.check(
      'any JSON value',
      fc.property(anyTop, (json) => {
        const got = outcome(() => parseSarif(json, FILE));
        if (got.error) {
          expectNamesFile(got.error);
          for (const p of got.error.problems) expect(p).toMatch(/^(\$|… and \d+ more problems$)/);
        } else expect(normalizeAll(got.log)).toBe(resultCount(got.log));
      }),
      400,
    );
  });

  it('answers any text, truncated logs and damaged logs with a log or a SarifError naming the file', () => {
    const fixtureText = fc
      .tuple(fc.constantFrom(...FIXTURES), fc.double({ min: 0, max: 1, noNaN: true }))
      .map(([bytes, f]) => bytes.toString('utf8').slice(0, Math.floor(bytes.length * f)));
    const damaged = fc
      .tuple(validLog, fc.nat(), fc.nat({ max: 3 }), fc.string({ unit: 'binary', maxLength: 3 }))
      .map(([log, at, cut, insert]) => {
        const text = JSON.stringify(log);
        const i = at % (text.length + 1);
        return text.slice(0, i) + insert + text.slice(i + cut);
      });
    const anyText = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.constantFrom('', ' \n', '\ufeff', 'null', '[]', '"2.1.0"', '{"version":"2.1.0"}', '1e999'),
      fixtureText,
      damaged,
    );
    tally.check(
      'any text',
      fc.property(anyText, (text) => {
        const got = outcome(() => parseSarifText(text, FILE));
        if (got.error) expectNamesFile(got.error);
        else expect(normalizeAll(got.log)).toBe(resultCount(got.log));
      }),
      400,
    );
  });

  it('reads truncated fixture files, random bytes and non-UTF-8 files as a log or a SarifError', async () => {
    const file = path.join(dir, 'bytes.sarif');
    const bytes = fc.oneof(
      fc
        .tuple(fc.constantFrom(...FIXTURES), fc.double({ min: 0, max: 1, noNaN: true }))
        .map(([b, f]) => b.subarray(0, Math.floor(b.length * f))),
      fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
      fc
        .tuple(validLog, fc.nat(), invalidUtf8)
        .map(([log, at, bad]) => spliceBytes(JSON.stringify(log), at, bad)),
    );
    await tally.checkAsync(
      'file bytes',
      fc.asyncProperty(bytes, async (content) => {
        await writeFile(file, content);
        const got = await outcomeAsync(() => readSarifFile(file));
        if (got.error) expectNamesFile(got.error, file);
        else expect(normalizeAll(got.log)).toBe(resultCount(got.log));
      }),
      150,
    );
  });

  it('keeps every result of a valid log whose strings hold bytes that are not UTF-8', async () => {
    const file = path.join(dir, 'latin1.sarif');
    const MARK = 'SPLICE-HERE';
    const logWithMark = validLog
      .filter((log) => resultCount(log) > 0)
      .map((log) => {
        const copy = structuredClone(log);
        const first = copy.runs.find((r) => (r.results?.length ?? 0) > 0)?.results?.[0];
        if (first) first.message = { text: MARK };
        return copy;
      });
    await tally.checkAsync(
      'non-UTF-8 inside strings',
      fc.asyncProperty(logWithMark, invalidUtf8, async (log, bad) => {
        const text = JSON.stringify(log);
        await writeFile(file, spliceBytes(text, text.indexOf(MARK), bad));
        const read = await readSarifFile(file);
        expect(resultCount(read)).toBe(resultCount(log));
        expect(JSON.stringify(read)).toContain('\ufffd');
      }),
      60,
    );
  });
});

describe('wrong values at every field', () => {
  it('rejects a wrong value with a SarifError naming its JSON path, or accepts a log it can normalize', () => {
    let rejected = 0;
    let accepted = 0;
    tally.check(
      'wrong value at any field',
      fc.property(withWrongValueAt(validLog), ({ mutated, path: at }) => {
        const got = outcome(() => parseSarifText(JSON.stringify(mutated), FILE));
        if (got.error) {
          rejected++;
          expectNamesFile(got.error);
          const where = pathText(at);
          for (const p of got.error.problems)
            if (!p.startsWith('… and ')) expect(isAtOrBelow(p, where), `${p} is not at ${where}`).toBe(true);
        } else {
          accepted++;
          // Loose objects keep unknown data as written; nothing is coerced.
          expect(got.log).toEqual(JSON.parse(JSON.stringify(mutated)));
          expect(normalizeAll(got.log)).toBe(resultCount(mutated));
        }
      }),
      400,
    );
    // Both answers must really occur, or the property above checked only half of the contract.
    expect(rejected).toBeGreaterThan(0);
    expect(accepted).toBeGreaterThan(0);
  });

  it('rejects a result without a message, naming that result', () => {
    const withResult = validLog.filter((log) => resultCount(log) > 0);
    tally.check(
      'result without message',
      fc.property(withResult, fc.nat(), (log, pick) => {
        const paths = allPaths(log).filter((p) => p.length === 4 && p[0] === 'runs' && p[2] === 'results');
        const at = paths[pick % paths.length] ?? [];
        const result = { ...(getAt(log, at) as object), message: undefined };
        const error = outcome(() => parseSarif(setAt(log, at, result), FILE)).error;
        const where = pathText([...at, 'message']);
        expect(error?.problems.some((p) => isAtOrBelow(p, where))).toBe(true);
      }),
      100,
    );
  });
});

describe('deep nesting and floods', () => {
  it('refuses 1,000 to 12,000 levels of nesting at any field with a SarifError naming where, never a stack overflow', () => {
    tally.check(
      'deep nesting at any field',
      fc.property(
        validLog,
        fc.nat(),
        fc.integer({ min: 1_000, max: 12_000 }),
        fc.constantFrom<'array' | 'object'>('array', 'object'),
        (log, pick, depth, kind) => {
          const at = placeAt(log, pick);
          const text = withDeepValue(log, at, deepJsonText(depth, kind));
          const error = outcome(() => parseSarifText(text, FILE)).error;
          expect(error, 'a log nested thousands deep was accepted').toBeDefined();
          if (!error) return;
          expectNamesFile(error);
          expect(error.problems).toEqual([expect.stringMatching(/: nested more than \d+ levels deep$/)]);
          expect(error.problems[0]?.startsWith(pathText(at.slice(0, 6)))).toBe(true);
        },
      ),
      60,
    );
  });

  it('accepts nesting up to the limit and refuses it past the limit; what it accepts can be written out again', () => {
    tally.check(
      'nesting at the limit',
      fc.property(validLog, fc.nat(), fc.integer({ min: -4, max: 4 }), (log, pick, slack) => {
        const at = placeAt(log, pick);
        // Containers enclosing the insertion point, so that the whole log ends up MAX + slack deep.
        const enclosing = at.length;
        const depth = Math.max(1, MAX_SARIF_DEPTH + slack - enclosing);
        const text = withDeepValue(log, at, deepJsonText(depth, 'array'));
        const levels = nestingLevels(JSON.parse(text));
        const got = outcome(() => parseSarifText(text, FILE));
        const depthProblem = got.error?.problems.some((p) => p.endsWith('levels deep')) ?? false;
        expect(depthProblem).toBe(levels > MAX_SARIF_DEPTH);
        if (got.log) {
          // The evidence writer and JSON.stringify recurse: they must cope with anything accepted.
          expect(() => JSON.stringify(got.log)).not.toThrow();
          expect([...compactJsonChunks(got.log)].join('').length).toBeGreaterThan(0);
        }
      }),
      150,
    );
  });

  it('keeps the message bounded when a value or a key is a flood of a megabyte', () => {
    tally.check(
      'huge values and keys',
      fc.property(validLog, fc.nat(), hugeString, fc.boolean(), (log, pick, huge, asKey) => {
        const isMap = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
        // A flood as a new key goes into an object; as a value it replaces a scalar.
        const paths = [[], ...allPaths(log)].filter((p) => isMap(getAt(log, p)) === asKey);
        const at = paths[pick % paths.length] ?? [];
        const mutated = asKey
          ? setAt(log, at, { ...(getAt(log, at) as object), [huge]: huge })
          : setAt(log, at, huge);
        const got = outcome(() => parseSarifText(JSON.stringify(mutated), FILE));
        if (got.error) expectNamesFile(got.error);
        else expect(resultCount(got.log)).toBe(resultCount(log));
      }),
      40,
      true,
    );
  });

  it('names the JSON path of a bad value under a flood-sized key, cut short and without raw control characters', () => {
    tally.check(
      'hostile record keys in paths',
      // zod drops a `__proto__` key instead of validating it: see the prototype property below.
      fc.property(
        fc.oneof(hugeString, shortHostileString).filter((k) => k !== '__proto__'),
        (key) => {
          const log = {
            version: '2.1.0',
            runs: [
              { tool: { driver: { name: 't' } }, results: [{ message: {}, fingerprints: { [key]: 5 } }] },
            ],
          };
          const error = outcome(() => parseSarif(log, FILE)).error;
          expect(error).toBeDefined();
          if (!error) return;
          expectNamesFile(error);
          expect(error.problems[0]?.startsWith('$.runs[0].results[0].fingerprints')).toBe(true);
          expect(error.message).not.toMatch(/\p{Cc}/u);
        },
      ),
      60,
      true,
    );
  });
});

const OBJECT_PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype);

describe('prototype keys', () => {
  it('never lets a "__proto__" key anywhere in the log change an object prototype or leak a value', () => {
    tally.check(
      '__proto__ keys',
      fc.property(validLog, fc.nat(), hostileJson, (log, pick, planted) => {
        const isMap = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
        const maps = [[], ...allPaths(log)].filter((p) => isMap(getAt(log, p)));
        const at = maps[pick % maps.length] ?? [];
        // Spliced into the text: JSON.parse makes it an own key, as a hostile file would.
        const marker = '"x-proto-marker":0';
        const text = JSON.stringify(setAt(log, at, { ...(getAt(log, at) as object), 'x-proto-marker': 0 }));
        const got = outcome(() =>
          parseSarifText(text.replace(marker, `"__proto__":${JSON.stringify(planted)}`), FILE),
        );
        for (const p of got.log ? [[], ...allPaths(got.log)] : []) {
          const value = getAt(got.log, p);
          // Under unknown keys the key may stay as an inert own property, as JSON.parse made it.
          if (isMap(value)) expect([Object.prototype, null]).toContain(Object.getPrototypeOf(value));
        }
        expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(OBJECT_PROTOTYPE_KEYS);
      }),
      150,
    );
  });
});

describe('files on disk', () => {
  it('refuses a file over the size limit, naming the limit, and reads one at or under it', async () => {
    const file = path.join(dir, 'sized.sarif');
    await tally.checkAsync(
      'size limit',
      fc.asyncProperty(validLog, fc.integer({ min: -300, max: 300 }), async (log, slack) => {
        const text = JSON.stringify(log);
        await writeFile(file, text);
        const size = Buffer.byteLength(text);
        const limit = Math.max(1, size + slack);
        const got = await outcomeAsync(() => readSarifFile(file, limit));
        if (size > limit) {
          expect(got.error?.problems).toEqual([
            `the file is ${size} bytes, over the ${limit}-byte limit for SARIF input`,
          ]);
        } else expect(got.log ? resultCount(got.log) : -1).toBe(resultCount(log));
      }),
      80,
    );
  });

  it('turns a missing file, a directory and an unreadable file into a SarifError naming it', async () => {
    const missing = path.join(dir, 'never-written.sarif');
    const folder = path.join(dir, 'a-folder.sarif');
    await mkdir(folder);
    const cases = [missing, folder];
    for (const file of cases) {
      const got = await outcomeAsync(() => readSarifFile(file));
      expect(got.error).toBeDefined();
      if (got.error) expectNamesFile(got.error, file);
    }
    tally.add('missing file and directory', cases.length);
  });
});
