import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.ts';
import type { Finding } from '../../../src/findings/finding.ts';
import {
  applyWaivers,
  DEFAULT_WAIVERS_FILE,
  isExpired,
  loadWaivers,
  parseWaivers,
  type Waiver,
} from '../../../src/findings/waivers.ts';

const FILE = '/repo/.controlgate-waivers.yml';
const NOW = new Date('2026-11-22T12:00:00Z');
const FP_A = 'a'.repeat(32);
const FP_B = 'b'.repeat(32);
const FP_C = 'c'.repeat(32);

/** A finding with sensible defaults; tests override only what they are about. */
function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    scanner: 'bandit',
    scannerVersion: '1.8.0',
    ruleId: 'B105',
    message: 'Possible hardcoded password',
    severity: 'low',
    severitySource: 'rule-default',
    cwe: ['CWE-259'],
    tags: [],
    path: 'examples/app.py',
    inWorkspace: true,
    line: 3,
    endLine: 3,
    suppressed: false,
    suppressions: [],
    fingerprint: FP_A,
    secret: false,
    resultIndex: 0,
    ...overrides,
  };
}

/** A waiver as parseWaivers would return it. */
function waiver(overrides: Partial<Waiver> = {}): Waiver {
  return {
    reason: 'Demo app credentials are fake',
    approver: 'alice@example.com',
    ticket: 'SEC-123',
    expires: '2027-03-31',
    line: 3,
    ...overrides,
  };
}

const COMMON = [
  '    reason: Demo app credentials are fake and never deployed',
  '    approver: alice@example.com',
  '    ticket: SEC-123',
];

/** One waiver file with a single entry: the given lines, then reason/approver/ticket unless replaced. */
function oneWaiver(lines: string[], common = COMMON): string {
  const [first, ...rest] = lines;
  return ['version: 1', 'waivers:', `  - ${first?.trim()}`, ...rest, ...common, ''].join('\n');
}

/** Runs parseWaivers expecting a ConfigError and returns it. */
function waiverError(text: string, now = NOW): ConfigError {
  try {
    parseWaivers(text, FILE, now);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('parseWaivers: valid files', () => {
  it('reads both forms with their lines, normalizing and trimming', () => {
    const text = [
      'version: 1',
      'waivers:',
      '  - id: W-2026-014',
      `    fingerprint: ${FP_A}`,
      '    reason: Demo app credentials are fake and never deployed',
      '    approver: alice@example.com',
      '    ticket: SEC-123',
      '    expires: 2027-03-31',
      '  - scanner: bandit',
      '    rule: B105',
      '    path: "examples/**"',
      '    reason: "  Test fixtures hold fake keys  "',
      '    approver: bob@example.com',
      '    ticket: SEC-124',
      '    expires: "2026-12-01"',
      '  - rule: controlgate.secrets.*',
      '    path: test/**',
      '    reason: Fixture secrets are synthetic',
      '    approver: bob@example.com',
      '    ticket: SEC-125',
      '    expires: 2020-01-01',
    ].join('\n');
    expect(parseWaivers(text, FILE, NOW)).toEqual([
      {
        id: 'W-2026-014',
        fingerprint: FP_A,
        reason: 'Demo app credentials are fake and never deployed',
        approver: 'alice@example.com',
        ticket: 'SEC-123',
        expires: '2027-03-31',
        line: 3,
      },
      {
        scanner: 'bandit',
        rule: 'B105',
        path: 'examples/**',
        reason: 'Test fixtures hold fake keys',
        approver: 'bob@example.com',
        ticket: 'SEC-124',
        expires: '2026-12-01',
        line: 9,
      },
      {
        rule: 'controlgate.secrets.*',
        path: 'test/**',
        reason: 'Fixture secrets are synthetic',
        approver: 'bob@example.com',
        ticket: 'SEC-125',
        // Already expired: not a parse error, reported when applied.
        expires: '2020-01-01',
        line: 16,
      },
    ]);
  });

  it('accepts an expiry YAML read as a Date (YAML 1.1 timestamp) and normalizes it to YYYY-MM-DD', () => {
    const text = `%YAML 1.1\n---\n${oneWaiver([`fingerprint: ${FP_A}`, '    expires: 2027-03-31'])}`;
    const [parsed] = parseWaivers(text, FILE, NOW);
    expect(parsed?.expires).toBe('2027-03-31');
    expect(parsed?.line).toBe(5);
  });

  it.each([
    ['no waivers key', 'version: 1\n'],
    ['an empty list', 'version: 1\nwaivers: []\n'],
    ['every entry commented out', 'version: 1\nwaivers:\n#  - fingerprint: x\n'],
  ])('gives no waivers for %s', (_what, text) => {
    expect(parseWaivers(text, FILE, NOW)).toEqual([]);
  });

  it.each([
    ['exactly one year ahead', NOW, '2027-11-22'],
    ['one year ahead from the last minute of the UTC day', new Date('2026-11-22T23:59:59Z'), '2027-11-22'],
    ['Feb 29 plus one year is clamped to Feb 28', new Date('2028-02-29T08:00:00Z'), '2029-02-28'],
  ])('accepts an expiry %s', (_what, now, expires) => {
    const text = oneWaiver([`fingerprint: ${FP_A}`, `    expires: ${expires}`]);
    expect(parseWaivers(text, FILE, now)[0]?.expires).toBe(expires);
  });
});

describe('parseWaivers: validation errors', () => {
  it.each([
    {
      what: 'an unknown key in a waiver',
      text: oneWaiver([`fingerprint: ${FP_A}`, '    expires: 2027-01-01', '    expiry: 2027-01-01']),
      line: 5,
      key: 'waivers[0]',
      contains: ['unknown key "expiry"'],
    },
    {
      what: 'an unknown top-level key',
      text: 'version: 1\nwaiver: []\n',
      line: 2,
      key: '(top level)',
      contains: ['unknown key "waiver"'],
    },
    {
      what: 'a wrong version',
      text: 'version: 2\nwaivers: []\n',
      line: 1,
      key: 'version',
      contains: ['expected 1', '(got 2)'],
    },
    {
      what: 'neither fingerprint nor rule + path',
      text: oneWaiver(['id: W-1', '    expires: 2027-01-01']),
      line: 3,
      key: 'waivers[0]',
      contains: ['expected either fingerprint, or rule + path'],
    },
    {
      what: 'a fingerprint together with rule and path',
      text: oneWaiver([
        `fingerprint: ${FP_A}`,
        '    rule: B105',
        '    path: "**"',
        '    expires: 2027-01-01',
      ]),
      line: 3,
      key: 'waivers[0].fingerprint',
      contains: ['cannot also have rule, path'],
    },
    {
      what: 'a fingerprint together with scanner',
      text: oneWaiver([`fingerprint: ${FP_A}`, '    scanner: bandit', '    expires: 2027-01-01']),
      line: 3,
      key: 'waivers[0].fingerprint',
      contains: ['cannot also have scanner'],
    },
    {
      what: 'a rule without a path',
      text: oneWaiver(['id: W-1', '    rule: B105', '    expires: 2027-01-01']),
      line: 4,
      key: 'waivers[0].rule',
      contains: ['rule requires path'],
    },
    {
      what: 'a path without a rule',
      text: oneWaiver(['id: W-1', '    path: "examples/**"', '    expires: 2027-01-01']),
      line: 4,
      key: 'waivers[0].path',
      contains: ['path requires rule'],
    },
    {
      what: 'a fingerprint that is not 32 lowercase hex characters',
      text: oneWaiver([`fingerprint: ${'A'.repeat(32)}`, '    expires: 2027-01-01']),
      line: 3,
      key: 'waivers[0].fingerprint',
      contains: ['32 lowercase hex', `(got "${'A'.repeat(32)}")`],
    },
    {
      what: 'a fingerprint that is too short',
      text: oneWaiver(['fingerprint: 3f2a9c', '    expires: 2027-01-01']),
      line: 3,
      key: 'waivers[0].fingerprint',
      contains: ['32 lowercase hex', '(got "3f2a9c")'],
    },
    {
      what: 'a rule glob with an unclosed bracket',
      text: oneWaiver(['rule: "B1[05"', '    path: "**"', '    expires: 2027-01-01']),
      line: 3,
      key: 'waivers[0].rule',
      contains: ['invalid glob "B1[05"'],
    },
    {
      what: 'a path glob with an unclosed brace',
      text: oneWaiver(['rule: B105', '    path: "src/{a,b"', '    expires: 2027-01-01']),
      line: 4,
      key: 'waivers[0].path',
      contains: ['invalid glob "src/{a,b"'],
    },
    {
      what: 'an empty path glob',
      text: oneWaiver(['rule: B105', '    path: "  "', '    expires: 2027-01-01']),
      line: 4,
      key: 'waivers[0].path',
      contains: ['expected a non-empty glob', '(got "  ")'],
    },
    {
      what: 'an absolute path glob',
      text: oneWaiver(['rule: B105', '    path: "/examples/**"', '    expires: 2027-01-01']),
      line: 4,
      key: 'waivers[0].path',
      contains: ['repo-relative', '(got "/examples/**")'],
    },
    {
      what: 'an impossible calendar date',
      text: oneWaiver([`fingerprint: ${FP_A}`, '    expires: 2027-02-30']),
      line: 4,
      key: 'waivers[0].expires',
      contains: ['expected a real calendar date YYYY-MM-DD', '(got "2027-02-30")'],
    },
    {
      what: 'an impossible calendar date read by YAML 1.1 as a timestamp',
      text: `%YAML 1.1\n---\n${oneWaiver([`fingerprint: ${FP_A}`, '    expires: 2027-02-30'])}`,
      line: 6,
      key: 'waivers[0].expires',
      contains: ['expected a real calendar date YYYY-MM-DD', '(got "2027-02-30")'],
    },
    {
      what: 'a date that is not YYYY-MM-DD',
      text: oneWaiver([`fingerprint: ${FP_A}`, '    expires: 31/03/2027']),
      line: 4,
      key: 'waivers[0].expires',
      contains: ['YYYY-MM-DD', '(got "31/03/2027")'],
    },
    {
      what: 'an expiry one day more than a year ahead',
      text: oneWaiver([`fingerprint: ${FP_A}`, '    expires: 2027-11-23']),
      line: 4,
      key: 'waivers[0].expires',
      contains: [
        'expires more than a year ahead: 2027-11-23; waivers must be renewed at least yearly',
        '2027-11-22',
      ],
    },
    {
      what: 'a missing expiry',
      text: oneWaiver([`fingerprint: ${FP_A}`]),
      line: 3,
      key: 'waivers[0].expires',
      contains: ['YYYY-MM-DD (missing)'],
    },
    {
      what: 'a reason that is too short once trimmed',
      text: oneWaiver(
        [`fingerprint: ${FP_A}`, '    expires: 2027-01-01', '    reason: "  ok fine  "'],
        COMMON.slice(1),
      ),
      line: 5,
      key: 'waivers[0].reason',
      contains: ['at least 10 characters', '(got "  ok fine  ")'],
    },
    {
      what: 'an empty approver',
      text: oneWaiver(
        [`fingerprint: ${FP_A}`, '    expires: 2027-01-01', '    approver: ""'],
        [COMMON[0] ?? '', COMMON[2] ?? ''],
      ),
      line: 5,
      key: 'waivers[0].approver',
      contains: ['non-empty', '(got "")'],
    },
    {
      what: 'a missing ticket',
      text: oneWaiver([`fingerprint: ${FP_A}`, '    expires: 2027-01-01'], COMMON.slice(0, 2)),
      line: 3,
      key: 'waivers[0].ticket',
      contains: ['expected string'],
    },
  ])('reports $what', ({ text, line, key, contains }) => {
    const error = waiverError(text);
    expect(error.file).toBe(FILE);
    expect(error.message).toContain(FILE);
    expect(error.problems).toHaveLength(1);
    const [problem] = error.problems;
    expect(problem).toMatch(new RegExp(`^line ${line}: ${key.replace(/[[\]().]/g, '\\$&')}: `));
    for (const part of contains) expect(problem).toContain(part);
  });

  it('reports a duplicate id at the second occurrence, naming the first', () => {
    const entry = (fp: string) => [
      '  - id: W-1',
      `    fingerprint: ${fp}`,
      ...COMMON,
      '    expires: 2027-01-01',
    ];
    const text = ['version: 1', 'waivers:', ...entry(FP_A), ...entry(FP_B)].join('\n');
    const error = waiverError(text);
    expect(error.problems).toEqual(['line 9: waivers[1].id: duplicate id "W-1" (also waivers[0])']);
  });

  it('reports every problem of a file, in line order', () => {
    const text = [
      'version: 1',
      'waivers:',
      '  - rule: B105',
      ...COMMON,
      '    expires: 2027-01-01',
      `  - fingerprint: ${FP_A}`,
      ...COMMON,
      '    expires: 2030-01-01',
    ].join('\n');
    const problems = waiverError(text).problems;
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^line 3: waivers\[0\]\.rule: rule requires path/);
    expect(problems[1]).toMatch(
      /^line 12: waivers\[1\]\.expires: expires more than a year ahead: 2030-01-01/,
    );
  });

  it('reports YAML syntax errors with their line', () => {
    const error = waiverError('version: 1\nwaivers:\n  - id: [unclosed\n');
    expect(error.problems[0]).toMatch(/^line \d+: YAML syntax: /);
  });
});

describe('isExpired', () => {
  it.each([
    ['the day before expiry', '2027-03-30T23:59:59Z', false],
    ['the start of the expiry day (UTC)', '2027-03-31T00:00:00Z', false],
    ['the last millisecond of the expiry day (UTC)', '2027-03-31T23:59:59.999Z', false],
    ['the day after expiry', '2027-04-01T00:00:00Z', true],
    ['after the expiry day in UTC though still that day in New York', '2027-03-31T22:00:00-04:00', true],
  ])('at %s → %s', (_what, now, expired) => {
    expect(isExpired(waiver({ expires: '2027-03-31' }), new Date(now))).toBe(expired);
  });
});

describe('applyWaivers', () => {
  it('applies by fingerprint, whatever the scanner, path or workspace', () => {
    const f = finding({ fingerprint: FP_A, inWorkspace: false, path: 'file:///REDACTED' });
    const w = waiver({ fingerprint: FP_A });
    const outcome = applyWaivers([f, finding({ fingerprint: FP_B })], [w], NOW);
    expect([...outcome.applied]).toEqual([[FP_A, w]]);
    expect(outcome.expired).toEqual([]);
    expect(outcome.stale).toEqual([]);
  });

  it('still applies on the expiry day itself (inclusive, UTC)', () => {
    const w = waiver({ fingerprint: FP_A, expires: '2026-11-22' });
    const outcome = applyWaivers([finding()], [w], new Date('2026-11-22T23:59:59Z'));
    expect(outcome.applied.get(FP_A)).toBe(w);
    expect(outcome.expired).toEqual([]);
  });

  it('does not apply an expired waiver and lists the findings it would have matched', () => {
    const expired = waiver({ rule: 'B105', path: 'examples/**', expires: '2026-11-21' });
    const findings = [
      finding({ fingerprint: FP_A }),
      finding({ fingerprint: FP_B, path: 'src/app.py' }),
      finding({ fingerprint: FP_C, path: 'examples/sub/other.py' }),
    ];
    const outcome = applyWaivers(findings, [expired], NOW);
    expect(outcome.applied.size).toBe(0);
    expect(outcome.expired).toEqual([{ waiver: expired, matched: [FP_A, FP_C] }]);
    // An expired waiver is reported as expired, not as stale.
    expect(outcome.stale).toEqual([]);
  });

  it('lists an expired waiver that matches nothing with no fingerprints', () => {
    const expired = waiver({ fingerprint: FP_C, expires: '2020-01-01' });
    const outcome = applyWaivers([finding()], [expired], NOW);
    expect(outcome.expired).toEqual([{ waiver: expired, matched: [] }]);
    expect(outcome.stale).toEqual([]);
  });

  it('lets a later unexpired waiver apply where an earlier one has expired', () => {
    const expired = waiver({ id: 'old', fingerprint: FP_A, expires: '2026-01-01' });
    const current = waiver({ id: 'new', rule: 'B*', path: '**' });
    const outcome = applyWaivers([finding()], [expired, current], NOW);
    expect(outcome.applied.get(FP_A)).toBe(current);
    expect(outcome.expired).toEqual([{ waiver: expired, matched: [FP_A] }]);
  });

  it('reports an unexpired waiver that matched nothing as stale', () => {
    const used = waiver({ id: 'used', fingerprint: FP_A });
    const unused = waiver({ id: 'unused', rule: 'B999', path: '**' });
    const outcome = applyWaivers([finding()], [used, unused], NOW);
    expect(outcome.stale).toEqual([unused]);
  });

  it('applies the first matching waiver in file order', () => {
    const first = waiver({ id: 'first', rule: 'B1*', path: 'examples/**' });
    const second = waiver({ id: 'second', fingerprint: FP_A });
    const outcome = applyWaivers([finding()], [first, second], NOW);
    expect(outcome.applied.get(FP_A)).toBe(first);
    // The second waiver did match a finding: it is not stale.
    expect(outcome.stale).toEqual([]);
  });

  it.each([
    ['matches an in-workspace finding', { inWorkspace: true, path: 'examples/app.py' }, true],
    [
      'does not match a finding outside the workspace',
      { inWorkspace: false, path: 'examples/app.py' },
      false,
    ],
    ['does not match another folder', { path: 'src/app.py' }, false],
    ['matches in nested folders', { path: 'examples/a/b/c.py' }, true],
    ['matches dot folders', { path: 'examples/.hidden/c.py' }, true],
    ['matches the rule glob', { ruleId: 'B101' }, true],
    ['does not match another rule', { ruleId: 'B201' }, false],
  ])('a rule + path waiver %s', (_what, overrides: Partial<Finding>, applies) => {
    const w = waiver({ rule: 'B1*', path: 'examples/**' });
    expect(applyWaivers([finding(overrides)], [w], NOW).applied.has(FP_A)).toBe(applies);
  });

  it('matches dotted rule ids with a glob such as controlgate.secrets.*', () => {
    const w = waiver({ rule: 'controlgate.secrets.*', path: '**' });
    const findings = [
      finding({ fingerprint: FP_A, scanner: 'controlgate', ruleId: 'controlgate.secrets.aws-key' }),
      finding({ fingerprint: FP_B, scanner: 'controlgate', ruleId: 'controlgate.iac.open-port' }),
    ];
    expect([...applyWaivers(findings, [w], NOW).applied.keys()]).toEqual([FP_A]);
  });

  it.each([
    ['no scanner matches any scanner', undefined, ['bandit', 'semgrep'], [FP_A, FP_B]],
    ['a scanner matches only that scanner', 'bandit', ['bandit', 'semgrep'], [FP_A]],
    ['a scanner that ran nothing matches nothing', 'kics', ['bandit', 'semgrep'], []],
  ])('scanner filter: %s', (_what, scanner, scanners, waived) => {
    const w = waiver({ rule: 'B105', path: '**', ...(scanner ? { scanner } : {}) });
    const findings = scanners.map((s, i) => finding({ scanner: s, fingerprint: [FP_A, FP_B][i] ?? FP_C }));
    expect([...applyWaivers(findings, [w], NOW).applied.keys()]).toEqual(waived);
  });

  it('works end to end from parsed text', () => {
    const text = oneWaiver([
      'id: W-1',
      '    rule: B105',
      '    path: "examples/**"',
      '    expires: 2027-01-01',
    ]);
    const waivers = parseWaivers(text, FILE, NOW);
    const outcome = applyWaivers([finding()], waivers, NOW);
    expect(outcome.applied.get(FP_A)?.id).toBe('W-1');
  });
});

describe('loadWaivers', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'controlgate-waivers-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('returns no waivers when the file is missing', async () => {
    await expect(loadWaivers(path.join(dir, DEFAULT_WAIVERS_FILE), NOW)).resolves.toEqual([]);
  });

  it('reads and validates an existing file', async () => {
    const file = path.join(dir, DEFAULT_WAIVERS_FILE);
    await writeFile(file, oneWaiver([`fingerprint: ${FP_A}`, '    expires: 2027-01-01']));
    const waivers = await loadWaivers(file, NOW);
    expect(waivers.map((w) => w.fingerprint)).toEqual([FP_A]);
  });

  it('names the file when it is invalid', async () => {
    const file = path.join(dir, DEFAULT_WAIVERS_FILE);
    await writeFile(file, 'version: 2\n');
    await expect(loadWaivers(file, NOW)).rejects.toMatchObject({ name: 'ConfigError', file });
  });

  it('throws a ConfigError when the path cannot be read', async () => {
    await expect(loadWaivers(dir, NOW)).rejects.toBeInstanceOf(ConfigError);
  });

  it('uses the documented default file name', () => {
    expect(DEFAULT_WAIVERS_FILE).toBe('.controlgate-waivers.yml');
  });
});
