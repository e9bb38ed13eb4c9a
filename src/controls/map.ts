import type { Mapping, MappingRow } from '../catalog/model.ts';
import type { Finding } from '../findings/finding.ts';
import { globToRegExp } from '../glob.ts';

/** Where a criterion assignment came from, so `explain` and the evidence can show the reasoning. */
export interface MatchedRow {
  layer: string;
  /** Index of the row in its layer, for pointing reviewers at the data file. */
  index: number;
  row: MappingRow;
}

export interface MappingResult {
  /** Criterion ids, unique, in the order the rows gave them. */
  criteria: string[];
  /** Matched only advisory rows: no security meaning, no criterion. */
  advisory: boolean;
  /** Nothing matched: put under CC7.1 so the gap is visible. */
  unmapped: boolean;
  /** The layer that decided, if any. */
  layer?: string;
  rows: MatchedRow[];
}

/** The criterion an unmapped security finding is put under. */
export const UNMAPPED_CRITERION = 'CC7.1';

type Facet = Pick<Finding, 'scanner' | 'ruleId' | 'cwe' | 'category' | 'tags'>;

/** A mapping compiled once: globs to RegExps, CWE ancestry resolved, OWASP ids pulled from tags. */
export class Mapper {
  private readonly mapping: Mapping;
  private readonly ruleGlobs = new Map<string, RegExp>();
  private readonly answers = new Map<string, MappingResult>();
  /** Each `sameProblem` entry's patterns, compiled: [tool, rule RegExp]. */
  private readonly sameProblemRules: { tool: string; rule: RegExp }[][];

  constructor(mapping: Mapping) {
    this.mapping = mapping;
    for (const layer of mapping.layers) {
      for (const row of layer.rows)
        if (row.rule && !this.ruleGlobs.has(row.rule)) this.ruleGlobs.set(row.rule, globToRegExp(row.rule));
    }
    this.sameProblemRules = mapping.sameProblem.map((entry) =>
      entry.rules.map((pattern) => {
        const colon = pattern.indexOf(':');
        return { tool: pattern.slice(0, colon), rule: globToRegExp(pattern.slice(colon + 1)) };
      }),
    );
  }

  /**
   * Whether two findings (of different tools, at the same place) report one weakness: a CWE of one
   * is a CWE of the other or one of its declared ancestors (CWE-259 under CWE-798), or the mapping's
   * `sameProblem` data pairs their rules. Sibling CWEs (SQL and command injection) stay apart.
   */
  sameProblem(a: Facet, b: Facet): boolean {
    const ancestorsOfA = new Set(a.cwe.flatMap((c) => this.cweWithAncestors(c)));
    if (b.cwe.some((c) => ancestorsOfA.has(c))) return true;
    const ancestorsOfB = new Set(b.cwe.flatMap((c) => this.cweWithAncestors(c)));
    if (a.cwe.some((c) => ancestorsOfB.has(c))) return true;
    const matches = (f: Facet, p: { tool: string; rule: RegExp }) =>
      p.tool === f.scanner && p.rule.test(f.ruleId);
    return this.sameProblemRules.some((entry) => {
      const ia = entry.findIndex((p) => matches(a, p));
      const ib = entry.findIndex((p) => matches(b, p));
      return ia >= 0 && ib >= 0 && ia !== ib;
    });
  }

  /** A CWE and every ancestor declared in `cweParents` (child → parent, followed transitively). */
  cweWithAncestors(cwe: string): string[] {
    const chain = [cwe];
    let current = cwe;
    for (let hops = 0; hops < 32; hops++) {
      const parent = this.mapping.cweParents[current];
      if (!parent || chain.includes(parent)) break;
      chain.push(parent);
      current = parent;
    }
    return chain;
  }

  private rowMatches(
    row: MappingRow,
    f: Facet,
    cwes: ReadonlySet<string>,
    owasp: ReadonlySet<string>,
    tags: ReadonlySet<string>,
  ): boolean {
    if (row.tool !== undefined && row.tool !== f.scanner) return false;
    if (row.rule !== undefined && !this.ruleGlobs.get(row.rule)?.test(f.ruleId)) return false;
    if (row.cwe !== undefined && !(Array.isArray(row.cwe) ? row.cwe : [row.cwe]).some((c) => cwes.has(c)))
      return false;
    if (row.category !== undefined && row.category.toLowerCase() !== (f.category ?? '').toLowerCase())
      return false;
    if (row.owasp !== undefined && !owasp.has(row.owasp)) return false;
    if (row.tag !== undefined && !tags.has(row.tag.toLowerCase())) return false;
    return true;
  }

  /**
   * Maps one finding: the first layer with a matching row decides; its rows' criteria are unioned.
   * The answer depends only on these facets, which a rule's findings share: it is computed once
   * per distinct set (a large run has a few hundred rules and hundreds of thousands of findings).
   */
  map(f: Facet): MappingResult {
    const key = [f.scanner, f.ruleId, f.cwe.join(','), f.category ?? '', f.tags.join('\u0001')].join(
      '\u0000',
    );
    const known = this.answers.get(key);
    if (known) return known;
    const answer = this.compute(f);
    this.answers.set(key, answer);
    return answer;
  }

  private compute(f: Facet): MappingResult {
    const cwes = new Set(f.cwe.flatMap((c) => this.cweWithAncestors(c)));
    const owasp = new Set(
      f.tags.flatMap((t) => /(?:^|OWASP-)(A\d{2}):\d{4}/i.exec(t)?.[1]?.toUpperCase() ?? []),
    );
    const tags = new Set(f.tags.map((t) => t.toLowerCase()));
    for (const layer of this.mapping.layers) {
      const rows: MatchedRow[] = [];
      layer.rows.forEach((row, index) => {
        if (this.rowMatches(row, f, cwes, owasp, tags)) rows.push({ layer: layer.id, index, row });
      });
      if (rows.length === 0) continue;
      const criteria = [...new Set(rows.flatMap((r) => r.row.criteria ?? []))];
      return { criteria, advisory: criteria.length === 0, unmapped: false, layer: layer.id, rows };
    }
    return { criteria: [UNMAPPED_CRITERION], advisory: false, unmapped: true, rows: [] };
  }

  /** Criteria a scanner can produce a signal for, as the mapping data declares. */
  coverage(scanner: string): readonly string[] {
    return this.mapping.coverage[scanner] ?? [];
  }

  get data(): Mapping {
    return this.mapping;
  }
}
