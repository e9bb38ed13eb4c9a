import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseDocument, stringify } from 'yaml';
import { loadConfig, parseConfig } from '../../../src/config/load.ts';
import { CRITERION_IDS, GROUP_IDS, OPT_IN_CATEGORIES } from '../../../src/config/policy-schema.ts';
import { ConfigError } from '../../../src/errors.ts';
import { SEVERITIES } from '../../../src/findings/finding.ts';
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
  withWrongValueAt,
  word,
} from '../../support/arbitraries.ts';
import { REPO_ROOT } from '../../support/cli.ts';
import {
  expectNamesFile as expectErrorNamesFile,
  isOnPathOf,
  keyPathText,
  outcome,
} from '../../support/config-error-checks.ts';

/*
 * Properties of the configuration loader on hostile YAML: it returns a Config or throws a ConfigError
 * that names the file and, for each problem, the line and key path — never another exception.
 */

const FILE = '/repo/.controlgate.yml';
const tally = new CaseTally('property-config');
let dir: string;
vi.setConfig({ testTimeout: PROPERTY_TEST_TIMEOUT_MS });

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'controlgate-property-config-'));
});
afterAll(async () => {
  console.log(tally.summary());
  await rm(dir, { recursive: true, force: true });
});

// ---- a generator of valid configurations ----

const someText = fc.oneof(word, shortHostileString);
const nonEmpty = someText.filter((s) => s.length > 0);
const criterion = fc.constantFrom(...CRITERION_IDS);
const severity = fc.constantFrom(...SEVERITIES);
const mode = fc.constantFrom('block', 'warn');
const unevaluated = fc.constantFrom('block', 'allow');
const scannerBase = {
  enabled: fc.boolean(),
  timeout: fc.integer({ min: 1, max: 86_400 }),
  args: fc.array(someText, { maxLength: 3 }),
};
const semgrep = fc.record(
  {
    ...scannerBase,
    configs: fc.array(fc.oneof(fc.constant('builtin'), nonEmpty), { minLength: 1, maxLength: 3 }),
  },
  { requiredKeys: [] },
);
const plain = fc.record(scannerBase, { requiredKeys: [] });
const custom = fc.record(
  {
    id: fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/),
    name: someText,
    command: nonEmpty,
    args: fc.array(someText, { maxLength: 3 }),
    sarif: nonEmpty,
    cleanExitCodes: fc.array(fc.integer({ min: -5, max: 255 }), { maxLength: 3 }),
    findingsExitCodes: fc.array(fc.integer({ min: -5, max: 255 }), { maxLength: 3 }),
    include: fc.array(safeGlob, { maxLength: 2 }),
    versionArgs: fc.array(someText, { maxLength: 2 }),
    scope: fc.constantFrom('file', 'tree'),
    covers: fc.array(criterion, { minLength: 1, maxLength: 3 }),
    enabled: fc.boolean(),
    timeout: fc.integer({ min: 1, max: 86_400 }),
  },
  { requiredKeys: ['id', 'command'] },
);
const policy = fc
  .tuple(
    fc.record(
      {
        mode,
        severity,
        unevaluated,
        inSourceSuppressions: fc.constantFrom('honour', 'refuse'),
      },
      { requiredKeys: [] },
    ),
    fc.dictionary(
      fc.constantFrom(...CRITERION_IDS, ...GROUP_IDS),
      fc.record({ mode, severity, unevaluated }, { requiredKeys: [] }),
      { maxKeys: 3 },
    ),
  )
  .map(([general, byCriterion]) => ({ ...byCriterion, ...general }));
const cweId = fc.integer({ min: 1, max: 1400 }).map((n) => `CWE-${n}`);
const override = fc
  .record(
    {
      match: fc
        .record(
          {
            tool: nonEmpty,
            rule: safeGlob,
            cwe: fc.oneof(cweId, fc.array(cweId, { minLength: 1, maxLength: 2 })),
            category: nonEmpty,
            tag: nonEmpty,
          },
          { requiredKeys: [] },
        )
        .filter((m) => Object.keys(m).length > 0),
      set: fc.array(criterion, { maxLength: 2 }),
      add: fc.array(criterion, { maxLength: 2 }),
      remove: fc.array(criterion, { maxLength: 2 }),
      advisory: fc.boolean(),
      severity,
      raise: fc.integer({ min: 1, max: 4 }),
      lower: fc.integer({ min: 1, max: 4 }),
      reason: someText,
    },
    { requiredKeys: ['match'] },
  )
  .filter((o) => Object.keys(o).length > (o.reason === undefined ? 1 : 2));
const validConfig = fc.record(
  {
    version: fc.constant(1),
    scanners: fc.record(
      { semgrep, bandit: plain, kics: plain, custom: fc.array(custom, { maxLength: 2 }) },
      { requiredKeys: [] },
    ),
    concurrency: fc.integer({ min: 1, max: 32 }),
    exclude: fc.array(safeGlob, { maxLength: 3 }),
    scope: fc.uniqueArray(fc.constantFrom(...OPT_IN_CATEGORIES), { maxLength: 4 }),
    policy,
    mapping: fc.array(override, { maxLength: 2 }),
    changes: fc.record(
      { mode: fc.constantFrom('diff', 'full'), alwaysScan: fc.array(safeGlob, { maxLength: 2 }) },
      { requiredKeys: [] },
    ),
    waivers: nonEmpty,
  },
  { requiredKeys: [] },
);

/** The same document written in the styles people and tools use. */
const yamlStyle = fc.record({
  collectionStyle: fc.constantFrom<'any' | 'block' | 'flow'>('any', 'block', 'flow'),
  defaultStringType: fc.constantFrom<'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE'>(
    'PLAIN',
    'QUOTE_DOUBLE',
    'QUOTE_SINGLE',
  ),
  lineWidth: fc.constantFrom(0, 40, 80),
});
type YamlStyle = typeof yamlStyle extends fc.Arbitrary<infer T> ? T : never;
const toYaml = (value: unknown, style?: YamlStyle) => stringify(value, style);

// ---- helpers ----

const expectNamesFile = (error: ConfigError, file = FILE): void => expectErrorNamesFile(error, file);

function lineCount(text: string): number {
  return text.split('\n').length;
}

const REAL_CONFIGS = [readFileSync(path.join(REPO_ROOT, '.controlgate.yml'), 'utf8')];

// ---- properties ----

describe('valid configurations round-trip', () => {
  it('accepts every generated valid configuration in any YAML style, keeps what it says and is a fixpoint', () => {
    tally.check(
      'valid config round-trip',
      fc.property(validConfig, yamlStyle, (input, style) => {
        const config = parseConfig(toYaml(input, style), FILE);
        expect(config).toMatchObject(input);
        expect(parseConfig(toYaml(config), FILE)).toEqual(config);
      }),
      200,
    );
  });

  it('accepts anchors and aliases used with restraint, reading the alias as its anchor', () => {
    tally.check(
      'modest aliases',
      fc.property(fc.array(safeGlob, { maxLength: 4 }), fc.integer({ min: 1, max: 3 }), (globs, uses) => {
        const custom = Array.from(
          { length: uses },
          (_, i) => `    - {id: tool-${i}, command: run, include: *globs}`,
        ).join('\n');
        const text = `exclude: &globs ${JSON.stringify(globs)}\nchanges:\n  alwaysScan: *globs\nscanners:\n  custom:\n${custom}\n`;
        const config = parseConfig(text, FILE);
        expect(config.changes.alwaysScan).toEqual(globs);
        for (const c of config.scanners.custom) expect(c.include).toEqual(globs);
      }),
      50,
    );
  });
});

describe('wrong values at every key', () => {
  it('rejects a wrong value with a ConfigError naming its line and key path, or accepts a fixpoint', () => {
    let rejected = 0;
    let accepted = 0;
    tally.check(
      'wrong value at any key',
      fc.property(withWrongValueAt(validConfig), yamlStyle, ({ mutated, path: at }, style) => {
        const text = toYaml(mutated, style);
        const got = outcome(() => parseConfig(text, FILE));
        if (got.error) {
          rejected++;
          expectNamesFile(got.error);
          const where = keyPathText(at);
          for (const p of got.error.problems) {
            expect(isOnPathOf(p, where), `${p} is not on the path of ${where}`).toBe(true);
            const line = Number(/^line (\d+): /.exec(p)?.[1]);
            expect(line).toBeGreaterThanOrEqual(1);
            expect(line).toBeLessThanOrEqual(lineCount(text));
          }
        } else {
          accepted++;
          expect(parseConfig(toYaml(got.value), FILE)).toEqual(got.value);
        }
      }),
      500,
    );
    expect(rejected).toBeGreaterThan(0);
    expect(accepted).toBeGreaterThan(0);
  });
});

describe('arbitrary and damaged YAML', () => {
  it('answers any YAML document, any text and any truncation with a Config or a ConfigError naming the file', () => {
    const yamlish = fc
      .array(
        fc.constantFrom(
          'a',
          '1',
          ':',
          ' ',
          '  ',
          '-',
          '[',
          ']',
          '{',
          '}',
          ',',
          '&x',
          '*x',
          '!!',
          '!t',
          '|',
          '>',
        ),
        { maxLength: 40 },
      )
      .chain((parts) =>
        fc
          .array(fc.constantFrom('\n', '#', '"', "'", '%YAML 1.1\n---\n', '? ', '<<: '), { maxLength: 4 })
          .map((extra) => [...parts, ...extra].join('')),
      );
    const truncated = fc
      .tuple(
        fc.oneof(
          validConfig.map((c) => toYaml(c)),
          fc.constantFrom(...REAL_CONFIGS),
        ),
        fc.double({ min: 0, max: 1, noNaN: true }),
      )
      .map(([text, f]) => text.slice(0, Math.floor(text.length * f)));
    const anyText = fc.oneof(
      hostileJson.map((v) => toYaml(v)),
      fc.record({ version: hostileJson, scanners: hostileJson, policy: hostileJson }).map((v) => toYaml(v)),
      fc.string({ unit: 'binary', maxLength: 120 }),
      yamlish,
      truncated,
      fc.constantFrom(
        '!!binary aGk=',
        '!!set {a, b}',
        'version: !!omap [a: 1]',
        '? [a, b]\n: 1',
        'a: 1\n---\nb: 2',
        '%YAML 1.1\n---\nversion: 2027-02-30',
        'concurrency: .nan',
        'concurrency: 99999999999999999999999',
      ),
    );
    tally.check(
      'any YAML text',
      fc.property(anyText, (text) => {
        const got = outcome(() => parseConfig(text, FILE));
        if (got.error) expectNamesFile(got.error);
        else expect(parseConfig(toYaml(got.value), FILE)).toEqual(got.value);
        // Text the YAML library cannot read cleanly is never half-read into a configuration.
        if (parseDocument(text).errors.length > 0)
          expect(got.error?.problems).toContainEqual(expect.stringMatching(/^line \d+: YAML syntax: /));
      }),
      500,
    );
  });

  it('reads files of random bytes and files with bytes that are not UTF-8 as a Config or a ConfigError', async () => {
    const file = path.join(dir, '.controlgate.yml');
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
      fc.tuple(validConfig, fc.nat(), invalidUtf8).map(([c, at, bad]) => spliceBytes(toYaml(c), at, bad)),
    );
    await tally.checkAsync(
      'file bytes',
      fc.asyncProperty(bytes, async (content) => {
        await writeFile(file, content);
        let error: unknown;
        try {
          const loaded = await loadConfig({ explicit: file, target: dir, root: dir });
          expect(loaded.file).toBe(file);
        } catch (e) {
          error = e;
        }
        if (error === undefined) return;
        expect(error).toBeInstanceOf(ConfigError);
        expectNamesFile(error as ConfigError, file);
      }),
      100,
    );
  });
});

describe('hostile YAML features', () => {
  it('answers 200 to 12,000 levels of nesting at any key with a Config or a ConfigError, never a stack overflow', () => {
    tally.check(
      'deep nesting at any key',
      fc.property(validConfig, fc.nat(), deepYamlArb, (config, pick, [depth, kind]) => {
        const paths = [...allPaths(config).filter((p) => typeof p[p.length - 1] === 'string'), ['extra']];
        const at = paths[pick % paths.length] ?? ['extra'];
        const key = String(at[at.length - 1]);
        // Block collections are written at the top level, where their indentation starts at 0.
        const text = kind.startsWith('block')
          ? `${toYaml(config)}\n${key}:${deepYamlValue(depth, kind)}\n`
          : toYaml(setAt(config, at, 'DEEP-HERE'), {
              collectionStyle: 'block',
              defaultStringType: 'PLAIN',
              lineWidth: 0,
            }).replace('DEEP-HERE', deepYamlValue(depth, kind));
        const got = outcome(() => parseConfig(text, FILE));
        if (got.error) expectNamesFile(got.error);
      }),
      30,
    );
  });

  it('refuses an alias bomb at any key with a ConfigError about aliases, without expanding it', () => {
    tally.check(
      'alias bombs',
      fc.property(
        aliasBombShape,
        fc.constantFrom(
          'version',
          'exclude',
          'policy',
          'scope',
          'scanners',
          'mapping',
          'concurrency',
          'unknown',
        ),
        ([width, levels], key) => {
          const bomb = aliasBomb(width, levels, key);
          const error = outcome(() => parseConfig(bomb.text, FILE)).error;
          expect(error, `a bomb of ${bomb.expansion} scalars was accepted`).toBeDefined();
          if (!error) return;
          expectNamesFile(error);
          expect(error.problems.join('\n')).toMatch(/^line \d+: YAML aliases: /m);
        },
      ),
      60,
    );
    // The classic: nine levels of nine, 387 million scalars if it were expanded.
    const classic = aliasBomb(9, 9, 'exclude');
    const error = outcome(() => parseConfig(classic.text, FILE)).error;
    expect(error?.problems.join('\n')).toMatch(/YAML aliases/);
    tally.add('alias bombs', 1);
  });

  it('refuses an alias with no anchor before it and an alias inside its own anchor, naming the line', () => {
    tally.check(
      'unresolved and circular aliases',
      fc.property(validConfig, fc.nat(), fc.boolean(), (config, pick, circular) => {
        const paths = [...allPaths(config).filter((p) => typeof p[p.length - 1] === 'string'), ['extra']];
        const at = paths[pick % paths.length] ?? ['extra'];
        const block = { collectionStyle: 'block', defaultStringType: 'PLAIN', lineWidth: 0 } as const;
        const alias = circular ? '&loop [*loop]' : '*nowhere';
        const text = toYaml(setAt(config, at, 'ALIAS-HERE'), block).replace('ALIAS-HERE', alias);
        const error = outcome(() => parseConfig(text, FILE)).error;
        expect(error).toBeDefined();
        if (!error) return;
        expectNamesFile(error);
        const line = text.split('\n').findIndex((l) => l.includes(alias)) + 1;
        expect(error.problems).toContainEqual(
          expect.stringMatching(new RegExp(`^line ${line}: YAML aliases: `)),
        );
      }),
      100,
    );
  });

  it('refuses a key written twice in one mapping, at any depth, naming the line of the second', () => {
    tally.check(
      'duplicate keys',
      fc.property(validConfig, fc.nat(), (config, pick) => {
        const block = { collectionStyle: 'block', defaultStringType: 'PLAIN', lineWidth: 0 } as const;
        const text = toYaml({ version: 1, ...config }, block);
        const lines = text.split('\n');
        // A one-line `key: value` of a block mapping (not a sequence item), repeated right after itself.
        const candidates = lines
          .map((l, i) => ({ l, i }))
          .filter(({ l }) => /^ *[A-Za-z][\w.]*: [\w./*-]+$/.test(l));
        const chosen = candidates[pick % candidates.length] ?? { l: 'version: 1', i: 0 };
        const doubled = [...lines.slice(0, chosen.i + 1), chosen.l, ...lines.slice(chosen.i + 1)].join('\n');
        const error = outcome(() => parseConfig(doubled, FILE)).error;
        expect(error, `accepted:\n${doubled}`).toBeDefined();
        if (!error) return;
        expectNamesFile(error);
        expect(error.problems).toContainEqual(
          expect.stringMatching(new RegExp(`^line ${chosen.i + 2}: YAML syntax: Map keys must be unique`)),
        );
      }),
      200,
    );
  });

  it('never lets the YAML library print text from the file as a process warning', async () => {
    const warnings: string[] = [];
    const listen = (w: Error) => warnings.push(w.message);
    process.on('warning', listen);
    try {
      tally.check(
        'no library warnings',
        fc.property(shortHostileString, fc.constantFrom('seq', 'map'), (text, kind) => {
          // A mapping key that is itself a collection makes the library warn, quoting the key.
          const key = kind === 'seq' ? `[${JSON.stringify(text)}, b]` : `{${JSON.stringify(text)}: 1}`;
          expect(outcome(() => parseConfig(`? ${key}\n: 1\n`, FILE)).error).toBeDefined();
        }),
        30,
      );
      // Process warnings are emitted on a later tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', listen);
    }
    expect(warnings).toEqual([]);
  });

  it('keeps every problem line bounded when values, keys and key lists are floods', () => {
    tally.check(
      'floods',
      fc.property(
        validConfig,
        fc.nat(),
        hugeString,
        fc.constantFrom('value', 'key', 'many-keys', 'policy-key'),
        (config, pick, huge, where) => {
          const isMap = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
          const paths = [[], ...allPaths(config)].filter(
            (p) => isMap(getAt(config, p)) === (where !== 'value'),
          );
          const at = paths[pick % paths.length] ?? [];
          const here = getAt(config, at) as object;
          const keys = Object.fromEntries(Array.from({ length: 1_000 }, (_, i) => [`k${i}`, i]));
          // A well-formed policy under a flood of a key: the "unknown criterion" refinement quotes keys.
          const policyKey = { ...config, policy: { ...config.policy, [huge]: { mode: 'warn' } } };
          const mutated =
            where === 'value'
              ? setAt(config, at, huge)
              : where === 'policy-key'
                ? policyKey
                : setAt(config, at, where === 'key' ? { ...here, [huge]: 1 } : { ...here, ...keys });
          const got = outcome(() =>
            parseConfig(
              toYaml(mutated, { collectionStyle: 'block', defaultStringType: 'PLAIN', lineWidth: 0 }),
              FILE,
            ),
          );
          if (got.error) expectNamesFile(got.error);
        },
      ),
      30,
      true,
    );
  });
});
