import fc from 'fast-check';

/*
 * Generators shared by the property tests of the readers of untrusted files (SARIF, configuration,
 * waivers), and the harness that runs properties with one fixed seed and counts the cases.
 */

/**
 * Per-test time limit for the property files: a guard against a hang, not a speed check. Thousands
 * of cases run per file on a shared two-core machine, where vitest's 5-second default is too tight.
 */
export const PROPERTY_TEST_TIMEOUT_MS = 60_000;

/** One seed for every property, so a failure reproduces by running the same file again. */
export const SEED = 20_261_122;

const MAX_REPORT_CHARS = 6_000;

/** Runs properties with the fixed seed and counts their cases, for the total each file logs once. */
export class CaseTally {
  private readonly counts = new Map<string, number>();
  private readonly label: string;
  constructor(label: string) {
    this.label = label;
  }

  /**
   * Runs a synchronous property; a failure throws fast-check's report with the counterexample.
   * `noShrink` for floods: shrinking a megabyte string takes minutes and teaches nothing.
   */
  check<Ts>(name: string, property: fc.IProperty<Ts>, numRuns: number, noShrink = false): void {
    this.record(name, fc.check(property, { seed: SEED, numRuns, endOnFailure: noShrink }));
  }

  /** Runs an asynchronous property (file system work); a failure throws fast-check's report. */
  async checkAsync<Ts>(name: string, property: fc.IAsyncProperty<Ts>, numRuns: number): Promise<void> {
    this.record(name, await fc.check(property, { seed: SEED, numRuns }));
  }

  /** Counts cases checked outside fast-check (fixed hostile examples). */
  add(name: string, cases: number): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + cases);
  }

  get total(): number {
    let sum = 0;
    for (const n of this.counts.values()) sum += n;
    return sum;
  }

  summary(): string {
    return `[${this.label}] ${this.total} generated cases in ${this.counts.size} properties (seed ${SEED})`;
  }

  private record<Ts>(name: string, details: fc.RunDetails<Ts>): void {
    this.add(name, details.numRuns);
    if (!details.failed) return;
    const cause =
      details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    const report = `${fc.defaultReportMessage(details) ?? `property "${name}" failed`}\nFailure: ${cause}`;
    // A counterexample holding a megabyte flood would bury the report: keep its head and tail.
    throw new Error(
      report.length > MAX_REPORT_CHARS
        ? `${report.slice(0, MAX_REPORT_CHARS / 2)}\n…\n${report.slice(-MAX_REPORT_CHARS / 2)}`
        : report,
      { cause: details.errorInstance },
    );
  }
}

/** A string of `size` characters built from a short random seed text: a flood, not a message. */
export const hugeString: fc.Arbitrary<string> = fc
  .tuple(fc.string({ unit: 'binary', minLength: 1, maxLength: 4 }), fc.constantFrom(70_000, 1 << 20))
  .map(([seed, size]) => seed.repeat(Math.ceil(size / seed.length)).slice(0, size));

/** Texts known to upset parsers, renderers or prototype lookups. */
const NASTY = [
  '',
  ' ',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '\u0000',
  '\u001b[31mred\u001b[0m',
  '\u202eevil\u202c',
  '\ufeff',
  '\ud800',
  '\udfff',
  '\r\n',
  '::error::x',
  '<script>alert(1)</script>',
  '@everyone',
  `\${{ secrets.TOKEN }}`,
  '*a',
  '&a',
  '!!binary',
  '---',
  '...',
  '? x',
  '- x',
  '{a: 1}',
  '2027-02-30',
  '0x10',
  '1e999',
  'NaN',
  'null',
  'yes',
];

/** Strings a hostile producer might write: any UTF-16 (lone surrogates too), controls, markup, floods. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string({ unit: 'binary', maxLength: 24 }), weight: 6 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }), weight: 2 },
  { arbitrary: fc.constantFrom(...NASTY), weight: 3 },
  { arbitrary: hugeString, weight: 1 },
);

/** Short strings only: for places where a flood is not what is being tested. */
export const shortHostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.constantFrom(...NASTY),
);

/** Any JSON-like value with hostile keys and strings, a few levels deep. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{
  value: unknown;
  array: unknown[];
  object: object;
}>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    shortHostileString,
    tie('array'),
    tie('object'),
  ),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(shortHostileString, tie('value'), { maxKeys: 4 }),
})).value;

/** One value of each JSON kind, for putting the wrong kind of value at a field. */
export const valueOfEveryKind = fc.record({
  string: fc.oneof(shortHostileString, fc.constantFrom('0', 'true', 'error', 'CC6.1')),
  number: fc.oneof(fc.integer(), fc.constantFrom(-1, 0, 1.5, -0.5, 2 ** 53, 1e308)),
  boolean: fc.boolean(),
  null: fc.constant(null),
  array: fc.array(fc.oneof(fc.integer(), shortHostileString), { maxLength: 3 }),
  object: fc.dictionary(shortHostileString, fc.oneof(fc.integer(), shortHostileString), { maxKeys: 3 }),
});
export type ValueKinds = typeof valueOfEveryKind extends fc.Arbitrary<infer T> ? T : never;
type Kind = keyof ValueKinds;
const KINDS: readonly Kind[] = ['string', 'number', 'boolean', 'null', 'array', 'object'];

function kindOf(value: unknown): Kind {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const type = typeof value;
  return type === 'string' || type === 'number' || type === 'boolean' ? type : 'object';
}

/** Every path to a value inside `root` (not the root itself), found without recursion. */
export function allPaths(root: unknown): (string | number)[][] {
  const out: (string | number)[][] = [];
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: root, path: [] }];
  for (let item = stack.pop(); item; item = stack.pop()) {
    if (item.path.length > 0) out.push(item.path);
    const { value, path } = item;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) stack.push({ value: value[i], path: [...path, i] });
    } else if (value !== null && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) stack.push({ value: v, path: [...path, k] });
  }
  return out;
}

export function getAt(root: unknown, path: readonly (string | number)[]): unknown {
  let value = root;
  for (const key of path) value = (value as Record<string | number, unknown>)[key];
  return value;
}

/** A deep copy of `root` with the value at `path` replaced. */
export function setAt<T>(root: T, path: readonly (string | number)[], replacement: unknown): T {
  const copy = structuredClone(root);
  const parent = getAt(copy, path.slice(0, -1)) as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (last === undefined) return replacement as T;
  parent[last] = replacement;
  return copy;
}

export interface Mutation<T> {
  original: T;
  mutated: T;
  path: (string | number)[];
  replacement: unknown;
}

/**
 * A valid document with one field, anywhere in it, given a value of another kind (or, for strings
 * and numbers, sometimes an out-of-range value of the same kind): "a wrong type at every field".
 */
export function withWrongValueAt<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<Mutation<T>> {
  return fc
    .tuple(valid, fc.nat(), fc.nat(), valueOfEveryKind)
    .filter(([doc]) => allPaths(doc).length > 0)
    .map(([doc, at, pick, values]) => {
      const paths = allPaths(doc);
      const path = paths[at % paths.length] ?? [];
      const was = kindOf(getAt(doc, path));
      const sameKindToo = was === 'string' || was === 'number';
      const choices = KINDS.filter((k) => k !== was || sameKindToo);
      const kind = choices[pick % choices.length] ?? 'null';
      return { original: doc, mutated: setAt(doc, path, values[kind]), path, replacement: values[kind] };
    });
}

/** `depth` nested JSON arrays or objects as text, built without recursion. */
export function deepJsonText(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array'
    ? `${'['.repeat(depth)}${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

export type YamlNesting = 'flow-seq' | 'flow-map' | 'block-seq' | 'block-map';

/** `depth` nested YAML collections as the value of one key. Block styles grow as depth²: keep them shallower. */
export function deepYamlValue(depth: number, kind: YamlNesting): string {
  switch (kind) {
    case 'flow-seq':
      return `${'['.repeat(depth)}${']'.repeat(depth)}`;
    case 'flow-map':
      return `${'{a: '.repeat(depth)}1${'}'.repeat(depth)}`;
    case 'block-seq':
      return `\n${Array.from({ length: depth }, (_, i) => `${' '.repeat(i + 1)}-`).join('\n')} x`;
    case 'block-map':
      return `\n${Array.from({ length: depth }, (_, i) => `${' '.repeat(i + 1)}k:`).join('\n')} x`;
  }
}

export const deepYamlArb = fc.oneof(
  fc.tuple(fc.integer({ min: 1_000, max: 12_000 }), fc.constantFrom<YamlNesting>('flow-seq', 'flow-map')),
  fc.tuple(fc.integer({ min: 200, max: 1_500 }), fc.constantFrom<YamlNesting>('block-seq', 'block-map')),
);

/**
 * A YAML "billion laughs": level 0 holds `width` scalars, each next level `width` aliases of the
 * one before, and `key` gets the top level. Expands to width^levels scalars; bounded here so that
 * a reader without an alias limit still finishes (and so fails the property instead of hanging).
 */
export interface AliasBomb {
  text: string;
  expansion: number;
}
export function aliasBomb(width: number, levels: number, key: string): AliasBomb {
  const lines = [`l0: &l0 [${Array(width).fill('"lol"').join(', ')}]`];
  for (let i = 1; i < levels; i++)
    lines.push(
      `l${i}: &l${i} [${Array(width)
        .fill(`*l${i - 1}`)
        .join(', ')}]`,
    );
  lines.push(`${key}: *l${levels - 1}`);
  return { text: `${lines.join('\n')}\n`, expansion: width ** levels };
}
export const aliasBombShape = fc
  .tuple(fc.integer({ min: 2, max: 12 }), fc.integer({ min: 2, max: 8 }))
  .filter(([width, levels]) => width ** levels >= 2_000 && width ** levels <= 300_000);

/** Bytes that are not UTF-8: stray continuation bytes, overlongs, surrogates, truncated sequences. */
export const invalidUtf8 = fc
  .array(
    fc.constantFrom(
      [0x80],
      [0xbf],
      [0xc0, 0xaf],
      [0xe0, 0x80, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xff],
      [0xfe],
      [0xe2, 0x82],
    ),
    { minLength: 1, maxLength: 4 },
  )
  // An ASCII byte after each piece, so that neighbouring pieces never join into a valid sequence.
  .map((parts) => Buffer.from(parts.flatMap((p) => [...p, 0x78])));

/** `text` as UTF-8 with invalid bytes spliced in at `at` (a character offset). */
export function spliceBytes(text: string, at: number, bytes: Buffer): Buffer {
  const cut = Math.min(at, text.length);
  return Buffer.concat([Buffer.from(text.slice(0, cut)), bytes, Buffer.from(text.slice(cut))]);
}

/** Repo-relative globs that compile strictly (balanced brackets and braces). */
export const safeGlob = fc
  .array(fc.constantFrom('src', '**', '*', '*.py', 'lib', 'a-b', 'x_y', '*.{js,ts}', '[abc].py', 'tests'), {
    minLength: 1,
    maxLength: 4,
  })
  .map((parts) => parts.join('/'));

/** A printable identifier-like word, for names and ids where hostility is not the point. */
export const word = fc.stringMatching(/^[a-z][a-z0-9_-]{0,11}$/);

/** Text of at least `minLength` code points (as zod counts) without surrounding whitespace. */
export const trimmedText = (minLength: number) =>
  fc
    .string({ unit: 'grapheme', minLength, maxLength: minLength + 30 })
    .map((s) => s.trim())
    .filter((s) => [...s].length >= minLength);
