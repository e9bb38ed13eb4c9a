import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { ConfigError } from '../../../src/errors.ts';
import { loadWaivers, parseWaivers } from '../../../src/findings/waivers.ts';
import {
  aliasBomb,
  aliasBombShape,
  allPaths,
  CaseTally,
  deepYamlArb,
  deepYamlValue,
  getAt,
  hostileJson,
  hugeString,
  invalidUtf8,
  PROPERTY_TEST_TIMEOUT_MS,
  safeGlob,
  setAt,
  shortHostileString,
  spliceBytes,
  trimmedText,
  withWrongValueAt,
  word,
} from '../../support/arbitraries.ts';
import {
  expectNamesFile as expectErrorNamesFile,
  isOnPathOf,
  keyPathText,
  outcome,
} from '../../support/config-error-checks.ts';

/*
 * Properties of the waivers file reader on hostile YAML: it returns waivers or throws a ConfigError
 * naming the file and, for each problem, the line and key path; expiry dates follow the calendar.
 */

const FILE = '/repo/.controlgate-waivers.yml';
const NOW = new Date('2026-11-22T12:00:00Z');
const BLOCK = { collectionStyle: 'block', defaultStringType: 'PLAIN', lineWidth: 0 } as const;
const tally = new CaseTally('property-waivers');
let dir: string;
vi.setConfig({ testTimeout: PROPERTY_TEST_TIMEOUT_MS });

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'controlgate-property-waivers-'));
});
afterAll(async () => {
  console.log(tally.summary());
  await rm(dir, { recursive: true, force: true });
});

// ---- an independent calendar, the oracle for expiry dates ----

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const isLeap = (y: number) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
function daysInMonth(y: number, m: number): number {
  return [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] ?? 0;
}
const ymd = (y: number, m: number, d: number) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
/** The last expiry a waiver may have at `now`: the same day a year on, or that month's last day. */
function latestAllowed(now: Date): string {
  const y = now.getUTCFullYear() + 1;
  const m = now.getUTCMonth() + 1;
  return ymd(y, m, Math.min(now.getUTCDate(), daysInMonth(y, m)));
}
/** A day `offset` days from `now`'s UTC day, as YYYY-MM-DD. */
function dayFrom(now: Date, offset: number): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + offset))
    .toISOString()
    .slice(0, 10);
}

// ---- a generator of valid waiver files ----

const common = {
  reason: trimmedText(10),
  approver: trimmedText(1),
  ticket: trimmedText(1),
  // Up to three years back (expired waivers are valid, reported later) and up to a year ahead.
  expires: fc.integer({ min: -1_100, max: 365 }).map((offset) => dayFrom(NOW, offset)),
};
const byFingerprint = fc.record(
  { ...common, fingerprint: fc.stringMatching(/^[0-9a-f]{32}$/) },
  { requiredKeys: ['reason', 'approver', 'ticket', 'expires', 'fingerprint'] },
);
const byRule = fc.record(
  { ...common, rule: safeGlob, path: safeGlob, scanner: word },
  { requiredKeys: ['reason', 'approver', 'ticket', 'expires', 'rule', 'path'] },
);
const validFile = fc
  .tuple(fc.array(fc.oneof(byFingerprint, byRule), { maxLength: 5 }), fc.boolean())
  .map(([waivers, ids]) => ({
    version: 1,
    waivers: waivers.map((w, i) => (ids ? { id: `W-${i}`, ...w } : w)),
  }));

const yamlStyle = fc.record({
  collectionStyle: fc.constantFrom<'any' | 'block' | 'flow'>('any', 'block', 'flow'),
  defaultStringType: fc.constantFrom<'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE'>(
    'PLAIN',
    'QUOTE_DOUBLE',
    'QUOTE_SINGLE',
  ),
  lineWidth: fc.constantFrom(0, 40, 80),
});

// ---- helpers ----

const expectNamesFile = (error: ConfigError, file = FILE): void => expectErrorNamesFile(error, file);

// ---- properties ----

describe('valid waiver files round-trip', () => {
  it('reads every generated valid file in any YAML style with each field as written and a line in the file', () => {
    tally.check(
      'valid file round-trip',
      fc.property(validFile, yamlStyle, (file, style) => {
        const text = stringify(file, style);
        const waivers = parseWaivers(text, FILE, NOW);
        expect(waivers.map(({ line: _, ...w }) => w)).toEqual(file.waivers);
        const lines = text.split('\n').length;
        for (const w of waivers) {
          expect(w.line).toBeGreaterThanOrEqual(1);
          expect(w.line).toBeLessThanOrEqual(lines);
        }
      }),
      200,
    );
  });
});

describe('expiry dates', () => {
  it('accepts an expiry exactly when it is a real calendar date no more than a year ahead, quoted or as a YAML 1.1 timestamp', () => {
    const dateText = fc.oneof(
      fc
        .tuple(
          fc.integer({ min: 1990, max: 2060 }),
          fc.integer({ min: 0, max: 13 }),
          fc.integer({ min: 0, max: 32 }),
        )
        .map(([y, m, d]) => ymd(y, m, d)),
      // Around the edges that matter: month ends, Feb 29, and a year from now.
      fc
        .tuple(
          fc.integer({ min: 2024, max: 2030 }),
          fc.constantFrom(2, 4, 11, 12),
          fc.integer({ min: 27, max: 31 }),
        )
        .map(([y, m, d]) => ymd(y, m, d)),
      fc.integer({ min: 360, max: 370 }).map((offset) => dayFrom(NOW, offset)),
      fc.constantFrom('2027-1-5', '27-01-05', '2027-01-05T00:00:00Z', '2027-01-05 10:00', '20270105', ''),
    );
    tally.check(
      'calendar dates',
      fc.property(
        dateText,
        fc.constantFrom('quoted', 'yaml-1.1'),
        fc.date({
          min: new Date('2020-01-01T00:00:00Z'),
          max: new Date('2035-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        (expires, form, now) => {
          const value = form === 'quoted' ? JSON.stringify(expires) : expires || '""';
          const text = `${form === 'yaml-1.1' ? '%YAML 1.1\n---\n' : ''}version: 1
waivers:
  - fingerprint: ${'a'.repeat(32)}
    reason: Demo credentials are fake
    approver: alice@example.com
    ticket: SEC-1
    expires: ${value}
`;
          const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(expires);
          const [y, mo, d] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
          const real = m !== null && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
          const shouldAccept = real && expires <= latestAllowed(now);
          const got = outcome(() => parseWaivers(text, FILE, now));
          if (shouldAccept) expect(got.value?.[0]?.expires).toBe(expires);
          else {
            expect(got.error, `${expires} was accepted at ${now.toISOString()}`).toBeDefined();
            if (got.error) {
              expectNamesFile(got.error);
              const line = text.split('\n').findIndex((l) => l.startsWith('    expires:')) + 1;
              expect(got.error.problems).toContainEqual(
                expect.stringMatching(new RegExp(`^line ${line}: waivers\\[0\\]\\.expires: `)),
              );
            }
          }
        },
      ),
      600,
    );
  });
});

describe('wrong values at every field', () => {
  it('rejects a wrong value with a ConfigError naming its line and key path, or accepts it', () => {
    let rejected = 0;
    let accepted = 0;
    const withWaivers = validFile.filter((f) => f.waivers.length > 0);
    tally.check(
      'wrong value at any field',
      fc.property(withWrongValueAt(withWaivers), yamlStyle, ({ mutated, path: at }, style) => {
        const text = stringify(mutated, style);
        const got = outcome(() => parseWaivers(text, FILE, NOW));
        if (got.error) {
          rejected++;
          expectNamesFile(got.error);
          const where = keyPathText(at);
          // Rules spanning keys (rule needs path, …) may name a sibling inside the same waiver.
          const entry =
            at[0] === 'waivers' && typeof at[1] === 'number' ? keyPathText(at.slice(0, 2)) : where;
          expect(got.error.problems.some((p) => isOnPathOf(p, where))).toBe(true);
          for (const p of got.error.problems) {
            expect(isOnPathOf(p, where) || isOnPathOf(p, entry), `${p} is not about ${where}`).toBe(true);
            const line = Number(/^line (\d+): /.exec(p)?.[1]);
            expect(line).toBeGreaterThanOrEqual(1);
            expect(line).toBeLessThanOrEqual(text.split('\n').length);
          }
        } else {
          accepted++;
          // `waivers:` left empty (null) is no waivers, as documented.
          expect(got.value.length).toBe(Array.isArray(mutated.waivers) ? mutated.waivers.length : 0);
        }
      }),
      500,
    );
    expect(rejected).toBeGreaterThan(0);
    expect(accepted).toBeGreaterThan(0);
  });
});

describe('arbitrary and damaged input', () => {
  it('answers any YAML document, any text and any truncation with waivers or a ConfigError naming the file', () => {
    const truncated = fc
      .tuple(validFile, yamlStyle, fc.double({ min: 0, max: 1, noNaN: true }))
      .map(([file, style, f]) => {
        const text = stringify(file, style);
        return text.slice(0, Math.floor(text.length * f));
      });
    const anyText = fc.oneof(
      hostileJson.map((v) => stringify(v)),
      fc
        .record({ version: fc.constant(1), waivers: fc.array(hostileJson, { maxLength: 3 }) })
        .map((v) => stringify(v)),
      fc
        .record({
          version: fc.constant(1),
          waivers: fc.array(
            fc.dictionary(
              fc.constantFrom(
                'id',
                'fingerprint',
                'rule',
                'path',
                'scanner',
                'reason',
                'approver',
                'ticket',
                'expires',
              ),
              fc.oneof(hostileJson, shortHostileString),
            ),
            { maxLength: 3 },
          ),
        })
        .map((v) => stringify(v)),
      fc.string({ unit: 'binary', maxLength: 120 }),
      truncated,
    );
    tally.check(
      'any YAML text',
      fc.property(anyText, (text) => {
        const got = outcome(() => parseWaivers(text, FILE, NOW));
        if (got.error) expectNamesFile(got.error);
      }),
      500,
    );
  });

  it('reads random bytes and bytes that are not UTF-8 as waivers or a ConfigError; a missing file is no waivers', async () => {
    const file = path.join(dir, '.controlgate-waivers.yml');
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
      fc
        .tuple(validFile, fc.nat(), invalidUtf8)
        .map(([f, at, bad]) => spliceBytes(stringify(f, BLOCK), at, bad)),
    );
    await tally.checkAsync(
      'file bytes',
      fc.asyncProperty(bytes, async (content) => {
        await writeFile(file, content);
        const got = await loadWaivers(file, NOW).then(
          (waivers) => ({ waivers, error: undefined }),
          (error: unknown) => ({ waivers: undefined, error }),
        );
        if (got.error === undefined) return;
        expect(got.error).toBeInstanceOf(ConfigError);
        expectNamesFile(got.error as ConfigError, file);
      }),
      100,
    );
    expect(await loadWaivers(path.join(dir, 'never-written.yml'), NOW)).toEqual([]);
    const folder = await loadWaivers(dir, NOW).catch((e: unknown) => e);
    expect(folder).toBeInstanceOf(ConfigError);
    tally.add('file bytes', 2);
  });

  it('answers deep nesting at any field with waivers or a ConfigError, never a stack overflow', () => {
    tally.check(
      'deep nesting at any field',
      fc.property(validFile, fc.nat(), deepYamlArb, (file, pick, [depth, kind]) => {
        const paths = [...allPaths(file).filter((p) => typeof p[p.length - 1] === 'string'), ['extra']];
        const at = paths[pick % paths.length] ?? ['extra'];
        const text = kind.startsWith('block')
          ? `${stringify(file, BLOCK)}\n${String(at[at.length - 1])}:${deepYamlValue(depth, kind)}\n`
          : stringify(setAt(file, at, 'DEEP-HERE'), BLOCK).replace('DEEP-HERE', deepYamlValue(depth, kind));
        const got = outcome(() => parseWaivers(text, FILE, NOW));
        if (got.error) expectNamesFile(got.error);
      }),
      30,
    );
  });

  it('refuses an alias bomb anywhere with a ConfigError about aliases', () => {
    tally.check(
      'alias bombs',
      fc.property(
        aliasBombShape,
        fc.constantFrom('version', 'waivers', 'unknown'),
        ([width, levels], key) => {
          const error = outcome(() => parseWaivers(aliasBomb(width, levels, key).text, FILE, NOW)).error;
          expect(error).toBeDefined();
          if (!error) return;
          expectNamesFile(error);
          expect(error.problems.join('\n')).toMatch(/^line \d+: YAML aliases: /m);
        },
      ),
      40,
    );
  });

  it('keeps every problem line bounded when a field, a glob or a key is a flood', () => {
    tally.check(
      'floods',
      fc.property(
        validFile.filter((f) => f.waivers.length > 0),
        fc.nat(),
        hugeString,
        fc.boolean(),
        (file, pick, huge, asKey) => {
          const isMap = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
          const paths = allPaths(file).filter((p) => isMap(getAt(file, p)) === asKey);
          const at = paths[pick % paths.length] ?? ['waivers', 0];
          const mutated = asKey
            ? setAt(file, at, { ...(getAt(file, at) as object), [huge]: 1 })
            : setAt(file, at, huge);
          const got = outcome(() => parseWaivers(stringify(mutated, BLOCK), FILE, NOW));
          if (got.error) expectNamesFile(got.error);
        },
      ),
      40,
      true,
    );
  });
});
