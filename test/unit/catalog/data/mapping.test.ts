import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { catalogSchema, mappingSchema } from '../../../../src/catalog/model.ts';
import { Mapper } from '../../../../src/controls/map.ts';
import { toolsDir } from '../../../../src/paths.ts';
import { cweFromTag } from '../../../../src/sarif/cwe.ts';

/*
 * Integrity of the reviewable SOC 2 data (src/catalog/data/*.yml): the catalog holds exactly the 61
 * criteria, every mapping row is explained and points at real criteria, and every rule the built-in
 * scanners can report has a row of its own.
 */

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..', '..');
const DATA = path.join(ROOT, 'src', 'catalog', 'data');

interface CatalogFile {
  version: string;
  categories: { id: string; title: string }[];
  groups: { id: string; title: string }[];
  criteria: { id: string; category: string; group: string; title: string; signal: string }[];
}

type Row = Record<string, unknown> & { criteria?: string[]; advisory?: boolean; rationale?: unknown };

interface MappingFile {
  version: string;
  coverage: Record<string, string[]>;
  cweParents: Record<string, string>;
  layers: { id: string; title: string; rows: Row[] }[];
}

const catalog = parse(readFileSync(path.join(DATA, 'catalog.yml'), 'utf8')) as CatalogFile;
const mapping = parse(readFileSync(path.join(DATA, 'mapping.yml'), 'utf8')) as MappingFile;

const EXPECTED_IDS = [
  ...range('CC1', 5),
  ...range('CC2', 3),
  ...range('CC3', 4),
  ...range('CC4', 2),
  ...range('CC5', 3),
  ...range('CC6', 8),
  ...range('CC7', 5),
  'CC8.1',
  ...range('CC9', 2),
  ...range('A1', 3),
  ...range('C1', 2),
  ...range('PI1', 5),
  'P1.1',
  'P2.1',
  ...range('P3', 2),
  ...range('P4', 3),
  ...range('P5', 2),
  ...range('P6', 7),
  'P7.1',
  'P8.1',
];

const CATEGORY_OF_PREFIX: Record<string, string> = {
  CC: 'security',
  A: 'availability',
  C: 'confidentiality',
  PI: 'processing-integrity',
  P: 'privacy',
};

const KICS_CATEGORIES = [
  'Access Control',
  'Availability',
  'Backup',
  'Best Practices',
  'Build Process',
  'Encryption',
  'Insecure Configurations',
  'Insecure Defaults',
  'Networking and Firewall',
  'Observability',
  'Resource Management',
  'Secret Management',
  'Supply-Chain',
  'Structure and Semantics',
  'Bill Of Materials',
];

const SCANNERS = ['semgrep', 'bandit', 'kics', 'gitleaks', 'osv-scanner'] as const;
const MATCH_KEYS = ['tool', 'rule', 'cwe', 'category', 'owasp', 'tag'];
const ROW_KEYS = new Set([...MATCH_KEYS, 'criteria', 'advisory', 'rationale']);
/** The contract the mapper implements: layers tried in this order. */
const LAYER_IDS = ['rule', 'kics', 'cwe', 'category', 'owasp', 'tag'];
/**
 * CWEs the scanners emit that mapping.yml deliberately leaves out of the CWE layer (too generic to
 * name a criterion; see the comment at its top). Any other CWE they emit needs a row.
 */
const GENERIC_CWES = new Set(['CWE-459', 'CWE-610', 'CWE-665', 'CWE-703', 'CWE-710', 'CWE-754']);

const criterionIds = new Set(catalog.criteria.map((c) => c.id));
const allRows = mapping.layers.flatMap((layer) =>
  layer.rows.map((row, index) => ({ layer: layer.id, index, row })),
);
const where = (r: { layer: string; index: number; row: Row }) =>
  `${r.layer}[${r.index}] ${JSON.stringify(r.row)}`;

function range(group: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${group}.${i + 1}`);
}

function layer(id: string): Row[] {
  const found = mapping.layers.find((l) => l.id === id);
  if (!found) throw new Error(`mapping.yml has no layer "${id}"`);
  return found.rows;
}

function asList(value: unknown): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

/** A CWE with the ancestors declared in cweParents, as the mapper expands it. */
function withAncestors(cwe: string): string[] {
  const chain = [cwe];
  for (
    let parent = mapping.cweParents[cwe];
    parent && !chain.includes(parent);
    parent = mapping.cweParents[parent]
  ) {
    chain.push(parent);
  }
  return chain;
}

/** Bandit's test ids, from the list `bandit --help` prints under "tests were discovered and loaded". */
function banditTestIds(): string[] {
  const venv = path.join(toolsDir(), 'venv', 'bin', 'bandit');
  const bin = existsSync(venv) ? venv : 'bandit';
  const run = spawnSync(bin, ['--help'], { encoding: 'utf8' });
  if (run.error || run.status !== 0) {
    throw new Error(
      `cannot run "${bin} --help" (${run.error?.message ?? `exit ${run.status}`}); install it with npm run scanners:install`,
    );
  }
  const marker = run.stdout.indexOf('The following tests were discovered and loaded');
  if (marker < 0) throw new Error('bandit --help printed no test list');
  return [...run.stdout.slice(marker).matchAll(/^\s*(B\d{3})\s+\w+/gm)].map((m) => m[1] as string);
}

/** Rule ids of controlgate's Semgrep pack (scanners/semgrep/rules/**\/*.yaml). */
function semgrepRuleIds(): string[] {
  const dir = path.join(ROOT, 'scanners', 'semgrep', 'rules');
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yaml'));
  const ids = files.flatMap((f) => {
    const doc = parse(readFileSync(path.join(dir, f), 'utf8')) as { rules?: { id: string }[] } | null;
    return (doc?.rules ?? []).map((r) => r.id);
  });
  return [...new Set(ids)].sort();
}

describe('catalog.yml', () => {
  it('matches the shipped schema', () => {
    expect(() => catalogSchema.parse(catalog)).not.toThrow();
  });

  it('holds exactly the 61 criteria, each once', () => {
    const ids = catalog.criteria.map((c) => c.id);
    expect(ids).toHaveLength(61);
    expect(new Set(ids).size).toBe(61);
    expect([...ids].sort()).toEqual([...EXPECTED_IDS].sort());
  });

  it('gives each criterion a known category and group that agree with its id', () => {
    const categories = new Set(catalog.categories.map((c) => c.id));
    const groups = new Set(catalog.groups.map((g) => g.id));
    expect(categories).toEqual(new Set(Object.values(CATEGORY_OF_PREFIX)));
    for (const c of catalog.criteria) {
      const group = c.id.split('.')[0] as string;
      const prefix = /^[A-Z]+/.exec(c.id)?.[0] as string;
      expect(categories.has(c.category), `${c.id}: unknown category ${c.category}`).toBe(true);
      expect(groups.has(c.group), `${c.id}: unknown group ${c.group}`).toBe(true);
      expect(c.group, c.id).toBe(group);
      expect(c.category, c.id).toBe(CATEGORY_OF_PREFIX[prefix]);
      expect(['technical', 'process'], c.id).toContain(c.signal);
    }
    const usedGroups = new Set(catalog.criteria.map((c) => c.group));
    expect(usedGroups, 'every group has criteria').toEqual(groups);
  });

  it('has non-empty titles of at most 90 characters', () => {
    for (const item of [...catalog.categories, ...catalog.groups, ...catalog.criteria]) {
      expect(item.title.trim().length, item.id).toBeGreaterThan(0);
      expect(item.title.length, `${item.id}: ${item.title}`).toBeLessThanOrEqual(90);
      expect(item.title, item.id).not.toMatch(/\n/);
    }
    const titles = catalog.criteria.map((c) => c.title);
    expect(new Set(titles).size, 'criterion titles are unique').toBe(titles.length);
  });

  it('marks as technical exactly the criteria some mapping row yields', () => {
    const yielded = new Set(allRows.flatMap((r) => r.row.criteria ?? []));
    const technical = new Set(catalog.criteria.filter((c) => c.signal === 'technical').map((c) => c.id));
    expect(
      [...yielded].filter((id) => !technical.has(id)),
      'yielded but marked process',
    ).toEqual([]);
    expect(
      [...technical].filter((id) => !yielded.has(id)),
      'technical but no row yields it',
    ).toEqual([]);
  });
});

describe('mapping.yml', () => {
  it('matches the shipped schema', () => {
    expect(() => mappingSchema.parse(mapping)).not.toThrow();
  });

  it('has the six layers in the contract order', () => {
    expect(mapping.layers.map((l) => l.id)).toEqual(LAYER_IDS);
    for (const l of mapping.layers) expect(l.title.trim(), l.id).not.toBe('');
  });

  it('explains every row and points it at catalog criteria or marks it advisory', () => {
    for (const r of allRows) {
      const { row } = r;
      const unknownKeys = Object.keys(row).filter((k) => !ROW_KEYS.has(k));
      expect(unknownKeys, where(r)).toEqual([]);
      expect(
        MATCH_KEYS.some((k) => row[k] !== undefined),
        `${where(r)}: no match key`,
      ).toBe(true);
      expect(typeof row.rationale, where(r)).toBe('string');
      expect(String(row.rationale).trim().length, where(r)).toBeGreaterThan(10);
      expect(String(row.rationale), where(r)).not.toMatch(/\n/);
      if (row.advisory !== undefined) {
        expect(row.advisory, where(r)).toBe(true);
        expect(row.criteria, `${where(r)}: advisory rows carry no criteria`).toBeUndefined();
      } else {
        expect(Array.isArray(row.criteria) && row.criteria.length > 0, `${where(r)}: needs criteria`).toBe(
          true,
        );
        const criteria = row.criteria as string[];
        expect(new Set(criteria).size, `${where(r)}: duplicate criteria`).toBe(criteria.length);
        for (const id of criteria)
          expect(criterionIds.has(id), `${where(r)}: unknown criterion ${id}`).toBe(true);
      }
      if (row.tool !== undefined) expect(SCANNERS, where(r)).toContain(row.tool);
      for (const cwe of asList(row.cwe)) expect(cwe, where(r)).toMatch(/^CWE-[1-9]\d*$/);
      if (row.owasp !== undefined) expect(row.owasp, where(r)).toMatch(/^A(0[1-9]|10)$/);
    }
  });

  it('never maps the generic "security" tag, so unmapped findings stay visible', () => {
    const securityRows = allRows.filter((r) => String(r.row.tag ?? '').toLowerCase() === 'security');
    expect(securityRows.map(where)).toEqual([]);
  });

  it('keeps rule rows scoped to a tool and never repeats one', () => {
    const keys = layer('rule').map((row) => {
      expect(typeof row.tool, JSON.stringify(row)).toBe('string');
      expect(typeof row.rule, JSON.stringify(row)).toBe('string');
      return `${row.tool} ${row.rule} ${row.category ?? ''}`;
    });
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });

  it('has a rule row for every test Bandit ships', () => {
    const ids = banditTestIds();
    expect(ids.length, 'parsed test ids from bandit --help').toBeGreaterThan(60);
    const rows = new Set(
      layer('rule')
        .filter((r) => r.tool === 'bandit')
        .map((r) => r.rule),
    );
    expect(ids.filter((id) => !rows.has(id))).toEqual([]);
  });

  it('keeps B101 (assert) advisory', () => {
    const row = layer('rule').find((r) => r.tool === 'bandit' && r.rule === 'B101');
    expect(row?.advisory).toBe(true);
  });

  it("has a rule row for every rule of controlgate's Semgrep pack", () => {
    const ids = semgrepRuleIds();
    expect(ids.length).toBeGreaterThan(0);
    const rows = new Set(
      layer('rule')
        .filter((r) => r.tool === 'semgrep')
        .map((r) => r.rule),
    );
    expect(ids.filter((id) => !rows.has(id))).toEqual([]);
    // No stale rows for rules the pack no longer has.
    const ours = [...rows].filter((r) => String(r).startsWith('controlgate.'));
    expect(ours.filter((r) => !ids.includes(String(r)))).toEqual([]);
  });

  it('has a KICS category row for each of the 15 KICS categories', () => {
    const rows = layer('category');
    for (const row of rows) expect(row.tool, JSON.stringify(row)).toBe('kics');
    const covered = new Set(
      rows.filter((r) => r.category !== undefined).map((r) => String(r.category).toLowerCase()),
    );
    expect(KICS_CATEGORIES.filter((c) => !covered.has(c.toLowerCase()))).toEqual([]);
  });

  it('keeps the kics layer to KICS category rows, each known, without rule ids', () => {
    const known = new Set(KICS_CATEGORIES.map((c) => c.toLowerCase()));
    for (const row of layer('kics')) {
      expect(row.tool, JSON.stringify(row)).toBe('kics');
      expect(row.rule, JSON.stringify(row)).toBeUndefined();
      expect(known.has(String(row.category).toLowerCase()), JSON.stringify(row)).toBe(true);
    }
  });

  it('has an OWASP row for each of A01 to A10', () => {
    const ids = layer('owasp').map((r) => r.owasp);
    expect([...ids].sort()).toEqual(range('A', 10).map((_, i) => `A${String(i + 1).padStart(2, '0')}`));
  });

  it('maps every CWE family of the starting table, and every CWE the example-app fixtures emit', () => {
    const mapped = new Set(layer('cwe').flatMap((r) => asList(r.cwe)));
    const families = [
      [798, 259, 321, 522],
      [311, 312, 313],
      [319, 295, 297, 757],
      [326, 327, 328, 330, 338, 916],
      [287, 306, 307, 384, 521, 613],
      [284, 285, 862, 863, 639, 22, 732, 276, 269, 250],
      [605, 668],
      [74, 77, 78, 79, 89, 90, 94, 95, 917, 1336],
      [20, 502, 611, 776, 1333],
      [1104],
      [494, 829, 353],
      [506, 912],
      [778, 223, 117],
      [400, 770],
      [16, 1188],
      [200, 209, 532, 359],
    ].flat();
    expect(families.map((n) => `CWE-${n}`).filter((c) => !mapped.has(c))).toEqual([]);

    const kics = JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/sarif/kics/kics.json'), 'utf8')) as {
      queries: { cwe: string }[];
    };
    const bandit = readFileSync(path.join(ROOT, 'test/fixtures/sarif/bandit/example-app.sarif'), 'utf8');
    const emitted = new Set([
      ...kics.queries.map((q) => `CWE-${q.cwe}`),
      ...[...bandit.matchAll(/external\/cwe\/cwe-(\d+)/g)].map((m) => `CWE-${m[1]}`),
    ]);
    const missing = [...emitted].filter(
      (c) => !GENERIC_CWES.has(c) && !withAncestors(c).some((a) => mapped.has(a)),
    );
    expect(missing).toEqual([]);
  });

  it('declares CWE parents without cycles or self-references', () => {
    for (const [child, parent] of Object.entries(mapping.cweParents)) {
      expect(child).toMatch(/^CWE-[1-9]\d*$/);
      expect(parent, child).toMatch(/^CWE-[1-9]\d*$/);
      expect(parent, child).not.toBe(child);
      const seen = new Set([child]);
      for (let p: string | undefined = parent; p; p = mapping.cweParents[p]) {
        expect(seen.has(p), `cycle through ${child} -> ${p}`).toBe(false);
        seen.add(p);
      }
    }
  });

  it('lists only catalog criteria in coverage, exactly what each scanner can get', () => {
    for (const scanner of SCANNERS) {
      const listed = mapping.coverage[scanner];
      expect(listed, `coverage.${scanner}`).toBeDefined();
      for (const id of listed ?? []) expect(criterionIds.has(id), `coverage.${scanner}: ${id}`).toBe(true);
      const reachable = new Set(['CC7.1']);
      // A rule row matching every finding of the scanner (OSV-Scanner's) decides them all in the
      // rule layer, so no later layer's rows can reach them.
      const catchAll = layer('rule').some(
        (row) =>
          row.tool === scanner &&
          row.rule === '*' &&
          MATCH_KEYS.every((k) => k === 'tool' || k === 'rule' || row[k as keyof Row] === undefined),
      );
      for (const { row, layer: at } of allRows) {
        if (catchAll && at !== 'rule') continue;
        if (row.tool === undefined || row.tool === scanner)
          for (const id of row.criteria ?? []) reachable.add(id);
      }
      const listedSet = new Set(listed);
      expect(
        [...reachable].filter((id) => !listedSet.has(id)),
        `missing from coverage.${scanner}`,
      ).toEqual([]);
      expect(
        [...listedSet].filter((id) => !reachable.has(id)),
        `no row yields, coverage.${scanner}`,
      ).toEqual([]);
    }
    for (const [scanner, listed] of Object.entries(mapping.coverage)) {
      for (const id of listed) expect(criterionIds.has(id), `coverage.${scanner}: ${id}`).toBe(true);
    }
  });

  it("decides every OSV-Scanner finding by its rule row, whatever the advisory's CWE", () => {
    const mapper = new Mapper(mappingSchema.parse(mapping));
    const result = mapper.map({
      scanner: 'osv-scanner',
      ruleId: 'GHSA-35jh-r3h4-6jhm',
      cwe: ['CWE-77', 'CWE-94'],
      category: undefined,
      tags: ['security', 'vulnerability', 'dependency', 'CVE-2021-23337'],
    });
    expect(result.layer).toBe('rule');
    expect(result.unmapped).toBeFalsy();
    expect([...result.criteria].sort()).toEqual(['CC7.1', 'CC8.1']);
  });

  it('leaves no example-app fixture finding unmapped', () => {
    const mapper = new Mapper(mappingSchema.parse(mapping));
    const unmapped: string[] = [];
    for (const scanner of ['bandit', 'semgrep'] as const) {
      const sarif = JSON.parse(
        readFileSync(path.join(ROOT, `test/fixtures/sarif/${scanner}/example-app.sarif`), 'utf8'),
      ) as { runs: { tool: { driver: { rules: { id: string; properties?: { tags?: string[] } }[] } } }[] };
      for (const rule of sarif.runs[0]?.tool.driver.rules ?? []) {
        const tags = rule.properties?.tags ?? [];
        const cwe = tags.flatMap((t) => cweFromTag(t) ?? []);
        const result = mapper.map({ scanner, ruleId: rule.id, cwe, category: undefined, tags });
        if (result.unmapped || result.layer !== 'rule')
          unmapped.push(`${scanner} ${rule.id} (${result.layer})`);
      }
    }
    const kics = JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/sarif/kics/kics.json'), 'utf8')) as {
      queries: { query_id: string; query_name: string; category: string; cwe: string }[];
    };
    for (const q of kics.queries) {
      const result = mapper.map({
        scanner: 'kics',
        ruleId: q.query_id,
        cwe: [`CWE-${q.cwe}`],
        category: q.category,
        tags: [],
      });
      if (result.unmapped) unmapped.push(`kics ${q.query_name}`);
    }
    expect(unmapped).toEqual([]);
  });
});
