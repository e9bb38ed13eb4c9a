import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { builtinRulesDir } from '../../../scanners/semgrep/plugin.ts';
import { loadMapping } from '../../../src/catalog/data-files.ts';
import { Mapper } from '../../../src/controls/map.ts';
import type { Finding } from '../../../src/findings/finding.ts';

/*
 * Table-driven checks that the shipped mapping says what ../shared/SOC2.md's starting table says,
 * for every Bandit test, every KICS category, every rule of our Semgrep pack and every CWE family.
 * Expectations are minimums: a row may add a well-argued criterion, never drop one of these.
 */

const mapper = new Mapper(loadMapping().data);
type Facet = Pick<Finding, 'scanner' | 'ruleId' | 'cwe' | 'category' | 'tags'>;
const map = (facet: Partial<Facet>) =>
  mapper.map({ scanner: 'other', ruleId: 'x', cwe: [], tags: [], ...facet });

const range = (prefix: string, from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `${prefix}${String(from + i).padStart(2, '0')}`);

const BANDIT: [string, string[], string[]][] = [
  ['secrets', ['B105', 'B106', 'B107'], ['CC6.1', 'CC6.6']],
  [
    'transport',
    ['B312', 'B321', 'B323', 'B401', 'B402', 'B415', 'B501', 'B502', 'B503', 'B504', 'B507', 'B508', 'B509'],
    ['CC6.7'],
  ],
  ['weak crypto or randomness', ['B303', 'B304', 'B305', 'B311', 'B324', 'B413', 'B505'], ['CC6.1', 'CC6.7']],
  ['network exposure', ['B104'], ['CC6.6', 'CC6.1']],
  [
    'injection',
    ['B102', 'B307', 'B308', ...range('B6', 1, 12), 'B701', 'B702', 'B703', 'B704'],
    ['CC7.1', 'CC8.1'],
  ],
  // B404 (`import subprocess`) is advisory by design: the risky calls are B602–B607. B410 no longer exists.
  [
    'unsafe input',
    ['B301', 'B302', ...range('B3', 13, 19), 'B403', ...range('B4', 5, 9), 'B411', 'B506', 'B614'],
    ['CC7.1', 'CC8.1'],
  ],
];

const CWE_FAMILIES: [string, string[], string[]][] = [
  ['secrets', ['CWE-798', 'CWE-259', 'CWE-321', 'CWE-522'], ['CC6.1', 'CC6.6']],
  ['missing encryption at rest', ['CWE-311', 'CWE-312', 'CWE-313'], ['CC6.1', 'C1.1']],
  ['transport security', ['CWE-319', 'CWE-295', 'CWE-297', 'CWE-757'], ['CC6.7']],
  [
    'weak crypto or randomness',
    ['CWE-326', 'CWE-327', 'CWE-328', 'CWE-330', 'CWE-338', 'CWE-916'],
    ['CC6.1', 'CC6.7'],
  ],
  [
    'authentication',
    ['CWE-287', 'CWE-306', 'CWE-307', 'CWE-384', 'CWE-521', 'CWE-613'],
    ['CC6.1', 'CC6.2', 'CC6.6'],
  ],
  [
    'authorisation and permissions',
    [
      'CWE-284',
      'CWE-285',
      'CWE-862',
      'CWE-863',
      'CWE-639',
      'CWE-22',
      'CWE-732',
      'CWE-276',
      'CWE-269',
      'CWE-250',
    ],
    ['CC6.3', 'CC6.1'],
  ],
  ['network exposure', ['CWE-605', 'CWE-668'], ['CC6.6', 'CC6.1']],
  [
    'injection',
    ['CWE-74', 'CWE-77', 'CWE-78', 'CWE-79', 'CWE-89', 'CWE-90', 'CWE-94', 'CWE-95', 'CWE-917', 'CWE-1336'],
    ['CC7.1', 'CC8.1'],
  ],
  [
    'unsafe input and deserialisation',
    ['CWE-20', 'CWE-502', 'CWE-611', 'CWE-776', 'CWE-1333'],
    ['CC7.1', 'CC8.1'],
  ],
  ['vulnerable dependencies', ['CWE-1104'], ['CC7.1', 'CC8.1', 'CC9.2']],
  ['supply chain and build', ['CWE-494', 'CWE-829', 'CWE-353'], ['CC8.1', 'CC6.8', 'CC9.2']],
  ['malicious code', ['CWE-506', 'CWE-912'], ['CC6.8']],
  ['logging and monitoring', ['CWE-778', 'CWE-223', 'CWE-117'], ['CC7.2', 'CC7.3']],
  ['capacity and limits', ['CWE-400', 'CWE-770'], ['A1.1']],
  ['insecure configuration and defaults', ['CWE-16', 'CWE-1188'], ['CC7.1', 'CC8.1']],
  ['data exposure', ['CWE-200', 'CWE-209', 'CWE-532', 'CWE-359'], ['C1.1', 'CC6.7']],
];

const KICS_CATEGORIES: [string, string[] | 'advisory'][] = [
  ['Secret Management', ['CC6.1', 'CC6.6']],
  ['Encryption', ['CC6.1', 'C1.1']],
  ['Access Control', ['CC6.3', 'CC6.1']],
  ['Networking and Firewall', ['CC6.6', 'CC6.1']],
  ['Supply-Chain', ['CC8.1', 'CC6.8', 'CC9.2']],
  ['Build Process', ['CC8.1', 'CC6.8']],
  ['Observability', ['CC7.2', 'CC7.3']],
  ['Backup', ['A1.2']],
  ['Availability', ['A1.1']],
  ['Resource Management', ['A1.1']],
  ['Insecure Configurations', ['CC7.1', 'CC8.1']],
  ['Insecure Defaults', ['CC7.1', 'CC8.1']],
  ['Best Practices', ['CC8.1']],
  ['Structure and Semantics', 'advisory'],
  ['Bill Of Materials', 'advisory'],
];

describe('Bandit tests map as SOC2.md says', () => {
  for (const [family, ids, expected] of BANDIT) {
    it.each(ids)(`${family}: %s`, (ruleId) => {
      const result = map({ scanner: 'bandit', ruleId });
      expect(result.layer).toBe('rule');
      expect(result.criteria).toEqual(expect.arrayContaining(expected));
    });
  }

  it.each(['B101', 'B404'])('%s is advisory: no criterion, never blocks', (ruleId) => {
    expect(map({ scanner: 'bandit', ruleId })).toMatchObject({ advisory: true, criteria: [] });
  });
});

describe('CWE families map as SOC2.md says, for any tool', () => {
  for (const [family, cwes, expected] of CWE_FAMILIES) {
    it.each(cwes)(`${family}: %s`, (cwe) => {
      const result = map({ cwe: [cwe] });
      expect(result.layer).toBe('cwe');
      expect(result.criteria).toEqual(expect.arrayContaining(expected));
    });
  }

  it('a declared child CWE matches its parent’s row (CWE-564 → CWE-89)', () => {
    expect(map({ cwe: ['CWE-564'] }).criteria).toEqual(expect.arrayContaining(['CC7.1', 'CC8.1']));
  });

  it('a finding nothing maps goes to CC7.1, marked unmapped', () => {
    expect(map({ cwe: ['CWE-99999'], tags: ['security'] })).toMatchObject({
      criteria: ['CC7.1'],
      unmapped: true,
    });
  });
});

describe('every KICS category maps', () => {
  it.each(KICS_CATEGORIES)('%s', (category, expected) => {
    // A KICS finding whose CWE is too generic to decide (CWE-710) falls through to its category.
    const result = map({
      scanner: 'kics',
      ruleId: '00000000-0000-0000-0000-000000000000',
      category,
      cwe: ['CWE-710'],
    });
    if (expected === 'advisory') expect(result.advisory).toBe(true);
    else {
      expect(result.criteria).toEqual(expect.arrayContaining(expected));
      expect(result.unmapped).toBe(false);
    }
  });
});

describe('every rule of our Semgrep pack maps by its id, consistently with its CWE', () => {
  const rules = readdirSync(builtinRulesDir(), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => {
      const doc = parse(readFileSync(path.join(builtinRulesDir(), f), 'utf8')) as {
        rules: { id: string; metadata: { cwe: string[] } }[];
      };
      return doc.rules.map((r) => ({ id: r.id, cwe: r.metadata.cwe.map((c) => c.split(':')[0] ?? c) }));
    });
  const unique = [...new Map(rules.map((r) => [r.id, r])).values()];

  it('finds the whole pack', () => {
    expect(unique.length).toBeGreaterThanOrEqual(20);
  });

  it.each(unique)('$id', ({ id, cwe }) => {
    const byRule = map({ scanner: 'semgrep', ruleId: id, cwe });
    expect(byRule.layer).toBe('rule');
    expect(byRule.criteria.length).toBeGreaterThan(0);
    // What the rule row says must include what its CWE family says.
    const byCwe = map({ cwe });
    if (!byCwe.unmapped && !byCwe.advisory)
      expect(byRule.criteria).toEqual(expect.arrayContaining(byCwe.criteria));
  });
});

describe('sameProblem: which findings of two tools at one place are one weakness', () => {
  const mapper = new Mapper(loadMapping().data);
  const facet = (scanner: string, ruleId: string, cwe: string[]) => ({ scanner, ruleId, cwe, tags: [] });

  it.each([
    [
      'Bandit MD5 (CWE-327) and the pack’s weak hash (CWE-328, declared its child)',
      facet('bandit', 'B324', ['CWE-327']),
      facet('semgrep', 'controlgate.python.weak-hash', ['CWE-328']),
    ],
    [
      'one CWE on both',
      facet('bandit', 'B608', ['CWE-89']),
      facet('semgrep', 'controlgate.python.sql-injection-string-format', ['CWE-89']),
    ],
    [
      'a CWE and its ancestor (hard-coded password under hard-coded credentials)',
      facet('bandit', 'B105', ['CWE-259']),
      facet('semgrep', 'x', ['CWE-798']),
    ],
    [
      'Bandit eval (filed as CWE-78) and the pack’s eval rule (CWE-95), paired in the data',
      facet('bandit', 'B307', ['CWE-78']),
      facet('semgrep', 'controlgate.python.eval-injection', ['CWE-95']),
    ],
    [
      'Bandit yaml.load (CWE-20) and the pack’s unsafe YAML rule (CWE-502)',
      facet('bandit', 'B506', ['CWE-20']),
      facet('semgrep', 'controlgate.python.unsafe-yaml-load', ['CWE-502']),
    ],
    [
      'Flask debug: Bandit CWE-94, the pack CWE-489',
      facet('bandit', 'B201', ['CWE-94']),
      facet('semgrep', 'controlgate.python.flask-debug-enabled', ['CWE-489']),
    ],
  ])('merges %s', (_what, a, b) => {
    expect(mapper.sameProblem(a, b)).toBe(true);
    expect(mapper.sameProblem(b, a)).toBe(true);
  });

  it.each([
    [
      'sibling injections (SQL and OS command, both under CWE-74)',
      facet('bandit', 'B602', ['CWE-78']),
      facet('semgrep', 'r', ['CWE-89']),
    ],
    [
      'binding to all interfaces next to Flask debug on one line',
      facet('bandit', 'B104', ['CWE-605']),
      facet('semgrep', 'controlgate.python.flask-debug-enabled', ['CWE-489']),
    ],
    ['a finding without a CWE', facet('bandit', 'B999', []), facet('semgrep', 'r', ['CWE-89'])],
    [
      'a paired rule next to an unpaired one',
      facet('bandit', 'B602', ['CWE-78']),
      facet('semgrep', 'controlgate.python.eval-injection', ['CWE-95']),
    ],
  ])('keeps apart %s', (_what, a, b) => {
    expect(mapper.sameProblem(a, b)).toBe(false);
  });
});
