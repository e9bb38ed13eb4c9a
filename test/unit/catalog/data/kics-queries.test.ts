import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  mapKicsQuery,
  readKicsQueries,
  renderKicsQueriesMarkdown,
} from '../../../../scripts/kics-queries.ts';
import { loadMapping } from '../../../../src/catalog/data-files.ts';
import { Mapper } from '../../../../src/controls/map.ts';
import { ALL_CASES } from '../../controls/kics-cases.ts';

/*
 * The mapping against every query of the pinned KICS (its assets, which `npm run scanners:install`
 * builds): the per-query rows name real queries, the same check gets the same criteria on every
 * platform, no query is unmapped, and docs/kics-queries.md is what the generator writes.
 */

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..', '..');
const mapping = loadMapping();
const mapper = new Mapper(mapping.data);
const queries = readKicsQueries();
const byId = new Map(queries.map((q) => [q.id, q]));
const resultOf = (id: string) => {
  const q = byId.get(id);
  if (!q) throw new Error(`no KICS query ${id}`);
  return mapKicsQuery(mapper, q);
};
/** A check's name without the OpenAPI version suffix its v2 and v3 variants carry. */
const checkName = (name: string) => name.replace(/ \(v[23]\)$/, '').toLowerCase();

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

describe('the pinned KICS queries', () => {
  it('are all read, each id once, with platform, category and severity', () => {
    expect(queries.length).toBeGreaterThan(1800);
    expect(byId.size).toBe(queries.length);
    for (const q of queries) {
      expect(q.name, q.id).not.toBe('');
      expect(q.platform, q.id).not.toBe('');
      expect(q.category, q.id).not.toBe('');
      expect(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO', 'TRACE'], q.id).toContain(q.severity);
    }
  });

  it('include every case of the unit tests, with the same name, platform, category and CWE', () => {
    for (const [name, platform, id, category, cwe] of ALL_CASES) {
      expect(byId.get(id), `${name} (${platform})`).toMatchObject({ name, platform, category, cwe });
    }
  });

  it('are named by every KICS rule row of the mapping, each query at most once', () => {
    const ids = mapping.data.layers
      .flatMap((l) => l.rows)
      .filter((r) => r.tool === 'kics' && r.rule !== undefined && r.rule !== '*')
      .map((r) => String(r.rule));
    expect(ids.length).toBeGreaterThan(0);
    expect(
      ids.filter((id) => !byId.has(id)),
      'rows for queries KICS does not have',
    ).toEqual([]);
    expect(
      ids.filter((id, i) => ids.indexOf(id) !== i),
      'queries with two rows',
    ).toEqual([]);
    // Each row's rationale names its query, so a reviewer can read the row without the assets.
    for (const row of mapping.data.layers.flatMap((l) => l.rows)) {
      const q = row.tool === 'kics' && row.rule ? byId.get(row.rule) : undefined;
      if (q) expect(row.rationale.toLowerCase(), q.id).toContain(q.name.toLowerCase());
    }
  });

  it('are never unmapped', () => {
    expect(queries.filter((q) => mapKicsQuery(mapper, q).unmapped).map((q) => q.name)).toEqual([]);
  });

  it('map the same check to the same criteria on every platform', () => {
    const byCheck = new Map<string, Map<string, string[]>>();
    for (const q of queries) {
      const r = mapKicsQuery(mapper, q);
      const judged = r.advisory ? 'advisory' : [...r.criteria].sort().join(', ');
      const check = byCheck.get(checkName(q.name)) ?? new Map<string, string[]>();
      check.set(judged, [...(check.get(judged) ?? []), q.platform]);
      byCheck.set(checkName(q.name), check);
    }
    const split = [...byCheck]
      .filter(([, judged]) => judged.size > 1)
      .map(([name, judged]) => `${name}: ${[...judged].map(([c, p]) => `${p.join('/')} → ${c}`).join('; ')}`);
    expect(split).toEqual([]);
  });

  it('put hostPath and host namespaces under least privilege on Kubernetes and its Terraform provider', () => {
    for (const name of [
      'Non Kube System Pod With Host Mount',
      'Workload Mounting With Sensitive OS Directory',
      'Shared Host IPC Namespace',
      'Shared Host Network Namespace',
    ]) {
      const variants = queries.filter((q) => q.name === name);
      expect(variants.map((q) => q.platform).sort(), name).toEqual(
        expect.arrayContaining(['Kubernetes', 'Terraform']),
      );
      for (const q of variants)
        expect([...resultOf(q.id).criteria].sort(), q.platform).toEqual(['CC6.1', 'CC6.3']);
    }
  });

  it('leave no hygiene query of Best Practices blocking under CC8.1 alone', () => {
    const hygiene = queries.filter((q) =>
      /without description|not snake case|not camelcase|definition is unused|not being used|without tags|not using tags/i.test(
        q.name,
      ),
    );
    expect(hygiene.length).toBeGreaterThan(20);
    for (const q of hygiene) expect(mapKicsQuery(mapper, q).advisory, `${q.name} (${q.platform})`).toBe(true);
  });
});

describe('docs/kics-queries.md', () => {
  it('is what the generator writes from the pinned assets and the mapping', () => {
    const expected = renderKicsQueriesMarkdown(queries, mapping.data, { mapping: mapping.sha256 });
    expect(readFileSync(path.join(ROOT, 'docs', 'kics-queries.md'), 'utf8')).toBe(expected);
  });

  it('lists every query once, grouped by platform', () => {
    const doc = readFileSync(path.join(ROOT, 'docs', 'kics-queries.md'), 'utf8');
    for (const q of queries) expect(doc.split(`\`${q.id}\``).length - 1, q.id).toBe(1);
    const platforms = [...doc.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(platforms).toEqual([...new Set(queries.map((q) => q.platform))]);
    expect(platforms).toEqual([...platforms].sort());
  });

  it('cannot be generated without the assets, and the error says what to run', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kics-assets-'));
    scratch.push(dir);
    expect(() => readKicsQueries(path.join(dir, 'assets'))).toThrow(/npm run scanners:install/);
    // Assets present but not stamped as the pinned version: refused the same way.
    mkdirSync(path.join(dir, 'assets', 'queries', 'x'), { recursive: true });
    writeFileSync(path.join(dir, 'assets', 'queries', 'x', 'metadata.json'), '{"id": "x"}');
    writeFileSync(
      path.join(dir, 'controlgate-install.json'),
      '{"pins": "github.com/Checkmarx/kics/v2 v1.0.0 h1:x"}',
    );
    expect(() => readKicsQueries(path.join(dir, 'assets'))).toThrow(
      /not stamped as KICS .*npm run scanners:install/,
    );
  });
});
