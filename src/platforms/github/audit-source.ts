import { writeFile } from 'node:fs/promises';
import type { ArtifactQuery, ArtifactRef, AuditSource, MergedChange } from '../../audit/source.ts';
import { splitRepo } from './api-refusal.ts';
import type { GitHubClient } from './client.ts';

/*
 * A period's merged pull requests and the Actions artifacts the gate uploaded, for `controlgate
 * audit`. The search API finds the merged pull requests; each is then read itself, since search
 * results carry neither the merged head nor who merged it.
 */

/** GitHub's search gives at most this many results of one query, whatever the paging. */
const SEARCH_LIMIT = 1000;
const PER_PAGE = 100;
/** Pull requests read at once: a period of hundreds read one by one takes minutes. */
const CONCURRENCY = 8;

/** ISO 8601 to the second, as GitHub's search qualifiers take it. */
function searchDate(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The web host for the client's API: api.github.com → github.com, GHES's /api/v3 → its host. */
function webOrigin(client: GitHubClient): string {
  const base = String(client.request.endpoint.DEFAULTS.baseUrl ?? '');
  const ghes = /^(https?:\/\/[^/]+)\/api\/v3\/?$/.exec(base);
  return ghes?.[1] ?? 'https://github.com';
}

async function searchMerged(client: GitHubClient, q: string): Promise<number[]> {
  const numbers: number[] = [];
  for (let page = 1; ; page++) {
    const { data } = await client.request('GET /search/issues', { q, per_page: PER_PAGE, page });
    if (data.total_count > SEARCH_LIMIT)
      throw new Error(
        `GitHub's search found ${data.total_count} merged pull requests for "${q}" but gives at most ${SEARCH_LIMIT}: narrow the period`,
      );
    if (data.incomplete_results)
      throw new Error(
        `GitHub's search timed out before listing every merged pull request for "${q}": narrow the period`,
      );
    numbers.push(...data.items.map((i) => i.number));
    if (data.items.length < PER_PAGE || numbers.length >= data.total_count) return numbers;
  }
}

/** `read` of every item, `CONCURRENCY` at a time, in the items' order. */
async function mapPooled<T, R>(items: readonly T[], read: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await read(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  return results;
}

function inPeriod(iso: string | null, since?: Date, until?: Date): boolean {
  if (since === undefined && until === undefined) return true;
  if (iso === null) return false;
  const t = Date.parse(iso);
  return (since === undefined || t >= since.getTime()) && (until === undefined || t <= until.getTime());
}

export function githubAuditSource(client: GitHubClient, repo: string): AuditSource {
  const where = splitRepo(repo);
  return {
    async listMergedChanges(since: Date, until: Date, baseRef?: string): Promise<MergedChange[]> {
      const q = [
        `repo:${repo}`,
        'is:pr',
        'is:merged',
        `merged:${searchDate(since)}..${searchDate(until)}`,
        ...(baseRef ? [`base:${baseRef}`] : []),
      ].join(' ');
      const read = await mapPooled(
        await searchMerged(client, q),
        async (number): Promise<MergedChange | null> => {
          const { data: pr } = await client.rest.pulls.get({ ...where, pull_number: number });
          if (!pr.merged_at) return null; // Unmerged since the search's index was written: not in the population.
          return {
            number: pr.number,
            title: pr.title,
            url: pr.html_url ?? null,
            author: pr.user?.login ?? null,
            headSha: pr.head.sha,
            mergeCommitSha: pr.merge_commit_sha ?? null,
            mergedBy: pr.merged_by?.login ?? null,
            mergedAt: pr.merged_at,
            baseRef: pr.base.ref,
          };
        },
      );
      const changes = read.filter((c): c is MergedChange => c !== null);
      return changes.sort((a, b) => Date.parse(a.mergedAt) - Date.parse(b.mergedAt) || a.number - b.number);
    },

    async listArtifacts(query: ArtifactQuery): Promise<ArtifactRef[]> {
      const web = webOrigin(client);
      const refs: ArtifactRef[] = [];
      for (const name of query.names) {
        const artifacts = await client.paginate(client.rest.actions.listArtifactsForRepo, {
          ...where,
          name,
          per_page: PER_PAGE,
        });
        for (const a of artifacts) {
          if (a.name !== name) continue;
          const headSha = a.workflow_run?.head_sha ?? null;
          const createdAt = a.created_at ?? null;
          if (query.headSha !== undefined && headSha !== query.headSha) continue;
          if (!inPeriod(createdAt, query.since, query.until)) continue;
          const runId = a.workflow_run?.id;
          refs.push({
            id: a.id,
            name: a.name,
            headSha,
            createdAt,
            expired: a.expired,
            url: runId === undefined ? null : `${web}/${repo}/actions/runs/${runId}`,
          });
        }
      }
      return refs;
    },

    async downloadArtifact(ref: ArtifactRef, file: string): Promise<void> {
      if (ref.expired)
        throw new Error(`artifact ${ref.name} (${ref.id}) has expired: GitHub no longer keeps it`);
      // GitHub answers with a redirect to a short-lived blob URL; fetch follows it and gives the zip's bytes.
      const { data } = await client.rest.actions.downloadArtifact({
        ...where,
        artifact_id: ref.id,
        archive_format: 'zip',
      });
      if (!(data instanceof ArrayBuffer))
        throw new Error(`artifact ${ref.name} (${ref.id}): GitHub did not answer with a zip file`);
      await writeFile(file, Buffer.from(data));
    },
  };
}
