import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { KICS_CLOUD_PROVIDERS, type KicsCloudProvider, type KicsOptions } from './config.ts';
import type { QueryNeeds } from './query-selection.ts';

/*
 * The KICS flags that leave out the queries of cloud providers a run does not need. KICS's own
 * `--cloud-provider` keeps `common` queries and those of the named providers, but also drops every
 * query without a cloudProvider in its metadata (CheckCloudProvider in
 * pkg/engine/source/filesystem.go): that is 42 of the 48 Dockerfile queries in 2.2.0, and a
 * Dockerfile that has 15 results without it has 4 with it. So `--cloud-provider` is passed only
 * when no Dockerfile is scanned; with one, the other providers' queries are named one by one in
 * `--exclude-queries`, read from KICS's query metadata.
 */

/** One query as its metadata.json says: its id and the cloud provider it is for, if any. */
export interface KicsQueryMeta {
  id: string;
  cloudProvider?: string;
}

/** Options in the base's `args` that choose queries themselves: a selection would fight them. */
const QUERY_CHOOSING_ARGS = /^(--cloud-provider|--include-queries|-i|--queries-path|-q|--config)(=|$)/;

const catalogs = new Map<string, readonly KicsQueryMeta[]>();

/**
 * The queries under `queriesDir` (every `metadata.json` below it), read once per process: KICS's
 * assets are part of the verified install and do not change during a run.
 */
export function readQueryCatalog(queriesDir: string): readonly KicsQueryMeta[] {
  const known = catalogs.get(queriesDir);
  if (known) return known;
  const queries: KicsQueryMeta[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === 'metadata.json') {
        const meta = JSON.parse(readFileSync(full, 'utf8')) as { id?: unknown; cloudProvider?: unknown };
        if (typeof meta.id !== 'string') throw new Error(`${full}: no string "id"`);
        queries.push({
          id: meta.id,
          ...(typeof meta.cloudProvider === 'string' ? { cloudProvider: meta.cloudProvider } : {}),
        });
      }
    }
  };
  walk(queriesDir);
  if (queries.length === 0) throw new Error(`${queriesDir} holds no query metadata`);
  catalogs.set(queriesDir, queries);
  return queries;
}

/** Where a selection stands: the flags to add, and why there are none when there are none. */
export interface QuerySelection {
  args: string[];
  /** The providers whose queries load, or undefined for all of them. */
  providers?: KicsCloudProvider[];
  /** Why every query loads. */
  reason?: string;
}

/**
 * The flags that load only the cloud providers' queries `options` and `needs` call for. `catalog`
 * reads the installed query metadata, only when a Dockerfile makes `--exclude-queries` necessary.
 */
export function kicsQuerySelection(
  options: Pick<KicsOptions, 'cloudProviders' | 'extraArgs'>,
  needs: QueryNeeds,
  catalog: () => readonly KicsQueryMeta[],
): QuerySelection {
  const wanted = options.cloudProviders ?? 'auto';
  if (wanted === 'all') return { args: [], reason: 'cloudProviders is "all"' };
  const chooser = options.extraArgs.find((arg) => QUERY_CHOOSING_ARGS.test(arg));
  if (chooser) return { args: [], reason: `the configured args choose queries themselves (${chooser})` };
  let providers: KicsCloudProvider[];
  if (wanted !== 'auto') providers = wanted;
  else if ('unsure' in needs.providers)
    return { args: [], reason: `unsure which providers: ${needs.providers.unsure}` };
  else providers = [...needs.providers].sort();
  // No file of a platform with provider queries: KICS loads none of them anyway.
  if (!needs.providerPlatform)
    return { args: [], reason: 'no file of a platform with cloud-specific queries' };
  if (providers.length === KICS_CLOUD_PROVIDERS.length) return { args: [], reason: 'every provider is used' };
  if (!needs.dockerfile && providers.length > 0) {
    return { args: ['--cloud-provider', providers.join(',')], providers };
  }
  let queries: readonly KicsQueryMeta[];
  try {
    queries = catalog();
  } catch (error) {
    return { args: [], reason: `KICS's query metadata could not be read: ${String(error)}` };
  }
  const known = new Set<string>(KICS_CLOUD_PROVIDERS);
  const kept = new Set<string>(providers);
  const excluded = queries.filter((q) => {
    const provider = q.cloudProvider?.toLowerCase();
    return provider !== undefined && known.has(provider) && !kept.has(provider);
  });
  if (excluded.length === 0) return { args: [], providers };
  // One comma-separated value (KICS splits it): some 700 ids, well under the 128 KiB an argument may hold.
  return { args: ['--exclude-queries', excluded.map((q) => q.id).join(',')], providers };
}
