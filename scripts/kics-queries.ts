/**
 * docs/kics-queries.md: every query of the pinned KICS (its assets' metadata.json files, with the
 * per-version variants their `override` blocks declare), the criteria the mapping gives it and the
 * layer and row that decide. `npm run generate` writes it; CI checks it fresh. It reads the assets
 * `npm run scanners:install` builds into .tools/kics, and fails, naming the fix, without them.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { KICS_PIN, kicsPaths } from '../scanners/kics/install.ts';
import type { Mapping } from '../src/catalog/model.ts';
import { Mapper, type MappingResult } from '../src/controls/map.ts';
import { toolsDir } from '../src/paths.ts';

/** One KICS query as its metadata describes it; `cwe` as findings carry it ("CWE-284"), if any. */
export interface KicsQuery {
  id: string;
  name: string;
  platform: string;
  category: string;
  severity: string;
  cwe?: string;
  /** The query's folder under assets/queries, POSIX. */
  folder: string;
}

interface Metadata {
  id?: unknown;
  queryName?: unknown;
  platform?: unknown;
  category?: unknown;
  severity?: unknown;
  cwe?: unknown;
  override?: Record<string, Record<string, unknown>>;
}

/** The pinned module line the installer stamps into controlgate-install.json. */
function pinLine(): string {
  return `${KICS_PIN.module} v${KICS_PIN.version} ${KICS_PIN.sum}`;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Every query of the KICS assets at `assetsDir` (default: the installed, pinned KICS), sorted by
 * platform, name and id. Throws, saying what to run, when the assets are missing or not the pin's.
 */
export function readKicsQueries(assetsDir = kicsPaths(toolsDir()).assets): KicsQuery[] {
  const queriesDir = path.join(assetsDir, 'queries');
  const fix =
    'run `npm run scanners:install` first (it builds the pinned KICS with its assets into .tools/kics)';
  if (!existsSync(queriesDir)) {
    throw new Error(`docs/kics-queries.md: no KICS query assets at ${queriesDir}; ${fix}`);
  }
  const stampFile = path.join(path.dirname(assetsDir), 'controlgate-install.json');
  let pins = '';
  try {
    pins = text((JSON.parse(readFileSync(stampFile, 'utf8')) as { pins?: unknown }).pins);
  } catch {
    // Reported below with the fix.
  }
  if (!pins.split('\n').includes(pinLine())) {
    throw new Error(
      `docs/kics-queries.md: the KICS assets at ${assetsDir} are not stamped as KICS ${KICS_PIN.version} (scanners/kics/pin.json) in ${stampFile}; ${fix}`,
    );
  }
  const files = readdirSync(queriesDir, { recursive: true, encoding: 'utf8' })
    .filter((f) => path.basename(f) === 'metadata.json')
    .sort(compare);
  const queries: KicsQuery[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    const folder = path.dirname(file).split(path.sep).join('/');
    const meta = JSON.parse(readFileSync(path.join(queriesDir, file), 'utf8')) as Metadata;
    const variants = [meta, ...Object.values(meta.override ?? {}).map((o) => ({ ...meta, ...o }))];
    for (const v of variants) {
      const id = text(v.id);
      if (!id) throw new Error(`${folder}/metadata.json: a query without an id`);
      const before = seen.get(id);
      if (before) {
        if (before === folder) continue; // an override that keeps the query's own id
        throw new Error(`KICS query id ${id} appears in both ${before} and ${folder}`);
      }
      seen.set(id, folder);
      const cwe = text(v.cwe);
      queries.push({
        id,
        name: text(v.queryName),
        platform: text(v.platform),
        category: text(v.category),
        severity: text(v.severity).toUpperCase(),
        ...(/^\d+$/.test(cwe) ? { cwe: `CWE-${cwe}` } : {}),
        folder,
      });
    }
  }
  return queries.sort(
    (a, b) => compare(a.platform, b.platform) || compare(a.name, b.name) || compare(a.id, b.id),
  );
}

/** How the mapping judges a query's findings, as a finding built from its metadata meets it. */
export function mapKicsQuery(mapper: Mapper, q: KicsQuery): MappingResult {
  return mapper.map({
    scanner: 'kics',
    ruleId: q.id,
    cwe: q.cwe ? [q.cwe] : [],
    category: q.category,
    tags: [],
  });
}

function cell(value: string): string {
  return value.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/** The deciding rows, short: `rule[160]`, `kics[1] category "Networking and Firewall", CWE-668`. */
function decidedBy(q: KicsQuery, result: MappingResult): string {
  if (result.unmapped) return 'no row';
  return result.rows
    .map(({ layer, index, row }) => {
      const keys = [
        ...(row.category !== undefined ? [`category "${row.category}"`] : []),
        ...(row.cwe !== undefined && q.cwe ? [q.cwe] : []),
      ];
      return `${layer}[${index}]${keys.length > 0 ? ` ${keys.join(', ')}` : ''}`;
    })
    .join('; ');
}

/** docs/kics-queries.md for these queries under this mapping. */
export function renderKicsQueriesMarkdown(
  queries: readonly KicsQuery[],
  mapping: Mapping,
  hashes: { mapping: string },
): string {
  const mapper = new Mapper(mapping);
  const results = queries.map((q) => ({ q, r: mapKicsQuery(mapper, q) }));
  const byLayer = new Map<string, number>();
  for (const { r } of results) {
    const key = r.unmapped ? 'unmapped' : (r.layer ?? 'unmapped');
    byLayer.set(key, (byLayer.get(key) ?? 0) + 1);
  }
  const layerOrder = [...mapping.layers.map((l) => l.id), 'unmapped'];
  const advisory = results.filter(({ r }) => r.advisory).length;
  const platforms = [...new Set(queries.map((q) => q.platform))];
  const out = [
    '# KICS queries and the SOC 2 criteria they map to',
    '',
    '<!-- Generated by `npm run generate` from the pinned KICS assets and src/catalog/data/mapping.yml; do not edit by hand. -->',
    '',
    `KICS ${KICS_PIN.version} (scanners/kics/pin.json), ${queries.length} queries; mapping ${mapping.version} (sha256 \`${hashes.mapping.slice(0, 16)}…\`).`,
    '',
    'Each row is a finding built from the query’s metadata (its id, category and CWE) as',
    'src/controls/map.ts maps it: the criteria, or `advisory`, and the layer and row of mapping.yml',
    'that decided (`layer[index]`, index counted from 0 within the layer). KICS findings meet the',
    '`rule` rows for single queries first, then the `kics` layer (category over a coarse CWE), then',
    'the CWE, then the KICS category. A query whose platform variants (OpenAPI v2 and v3) carry their',
    'own ids is listed once per id.',
    '',
    '| deciding layer | queries |',
    '|---|---:|',
    ...layerOrder.filter((l) => byLayer.has(l)).map((l) => `| ${l} | ${byLayer.get(l)} |`),
    `| (of which advisory) | ${advisory} |`,
    '',
    platforms.map((p) => `[${p}](#${p.toLowerCase().replace(/[^a-z0-9]+/g, '-')})`).join(' · '),
  ];
  for (const platform of platforms) {
    out.push(
      '',
      `## ${platform}`,
      '',
      '| query | id | category | severity | CWE | criteria | decided by |',
      '|---|---|---|---|---|---|---|',
    );
    for (const { q, r } of results.filter((x) => x.q.platform === platform)) {
      const criteria = r.advisory
        ? 'advisory'
        : r.unmapped
          ? `${r.criteria.join(', ')} (unmapped)`
          : r.criteria.join(', ');
      out.push(
        `| ${cell(q.name)} | \`${q.id}\` | ${cell(q.category)} | ${q.severity} | ${q.cwe ?? '—'} | ${criteria} | ${cell(decidedBy(q, r))} |`,
      );
    }
  }
  return `${out.join('\n')}\n`;
}
