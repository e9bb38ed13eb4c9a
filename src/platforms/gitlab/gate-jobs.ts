import type { GateCheckFact, RequiredCheckFact } from '../../change-management/facts.ts';
import { int, type Json, listOf, objectOf, reason, text, timeOf, username } from './api-values.ts';
import type { GitlabClient } from './client.ts';

/*
 * On GitLab the gate is a pipeline job: its checks on the head are the jobs of that name in the
 * head's pipelines, and whether it had to pass is the project's "pipelines must succeed" setting
 * (which a job with allow_failure escapes).
 */

const PER_PAGE = 100;
const MAX_PAGES = 20;

const STATES: Record<string, GateCheckFact['state']> = {
  success: 'success',
  failed: 'failure',
  canceled: 'canceled',
  canceling: 'canceled',
  skipped: 'skipped',
  manual: 'manual',
  created: 'pending',
  pending: 'pending',
  running: 'pending',
  preparing: 'pending',
  scheduled: 'pending',
  waiting_for_resource: 'pending',
  waiting_for_callback: 'pending',
};

export interface GateJobs {
  checks: GateCheckFact[];
  /** Whether the newest gate job may fail without failing its pipeline. */
  newestAllowsFailure: boolean;
}

/**
 * The merge request's merged-results pipelines that tested `head`: they run on a merge commit of
 * the target and the head (refs/merge-requests/:iid/merge), so `sha` is not the head; the merge
 * commit's parents are.
 */
async function mergedResultPipelines(
  gitlab: GitlabClient,
  project: string | number,
  iid: number,
  head: string,
  known: ReadonlySet<number>,
): Promise<Json[]> {
  const all = listOf(
    await gitlab.mergeRequests.allPipelines(project, iid, { perPage: PER_PAGE, maxPages: MAX_PAGES }),
    "the merge request's pipelines",
  );
  const found: Json[] = [];
  const parentsOf = new Map<string, unknown>();
  for (const pipeline of all) {
    const id = int(pipeline.id);
    const sha = text(pipeline.sha);
    if (id === null || sha === null || sha === head || known.has(id)) continue;
    if (!(text(pipeline.ref) ?? '').endsWith('/merge')) continue;
    if (!parentsOf.has(sha))
      parentsOf.set(sha, objectOf(await gitlab.commits.show(project, sha), 'a commit').parent_ids);
    const parents = parentsOf.get(sha);
    if (Array.isArray(parents) && parents.includes(head)) found.push(pipeline);
  }
  return found;
}

/**
 * The jobs named `name` in the pipelines that tested `sha` (the merge request `iid`'s head),
 * newest first (retried jobs left out). What cannot be read of the merge request's merged-results
 * pipelines goes into `gaps`: the pipelines for the head itself still count.
 */
export async function gateJobsOn(
  gitlab: GitlabClient,
  project: string | number,
  iid: number,
  sha: string,
  name: string,
  gaps: string[],
): Promise<GateJobs> {
  const pipelines = listOf(
    await gitlab.pipelines.all(project, { sha, perPage: PER_PAGE, maxPages: MAX_PAGES }),
    'the pipelines of the head',
  );
  try {
    const known = new Set(pipelines.map((p) => int(p.id)).filter((id): id is number => id !== null));
    pipelines.push(...(await mergedResultPipelines(gitlab, project, iid, sha, known)));
  } catch (error) {
    gaps.push(`merged-results pipelines of the head: ${reason(error)}`);
  }
  const jobs: Json[] = [];
  for (const pipeline of pipelines) {
    const pipelineId = int(pipeline.id);
    if (pipelineId === null) continue;
    const all = listOf(
      await gitlab.jobs.all(project, {
        pipelineId,
        includeRetried: false,
        perPage: PER_PAGE,
        maxPages: MAX_PAGES,
      }),
      `the jobs of pipeline ${pipelineId}`,
    );
    jobs.push(...all.filter((job) => job.name === name));
  }
  const when = (job: Json): string | null => text(job.finished_at) ?? text(job.created_at);
  jobs.sort((a, b) => {
    const diff = timeOf(when(b)) - timeOf(when(a));
    return Number.isNaN(diff) || diff === 0 ? (int(b.id) ?? 0) - (int(a.id) ?? 0) : diff;
  });
  return {
    checks: jobs.map((job) => ({
      name,
      state: STATES[text(job.status) ?? ''] ?? 'error',
      description: null,
      targetUrl: text(job.web_url),
      createdAt: when(job),
      creator: username(job.user),
    })),
    newestAllowsFailure: jobs[0]?.allow_failure === true,
  };
}

const SOURCE = 'project setting: pipelines must succeed';

/** Whether the project makes merges wait for a passing pipeline, and so for the gate job. */
export async function requiredCheckOf(
  gitlab: GitlabClient,
  project: string | number,
  gaps: string[],
): Promise<{ required: RequiredCheckFact; path: string | null }> {
  let settings: Json;
  try {
    settings = objectOf(await gitlab.projects.show(project), 'the project');
  } catch (error) {
    gaps.push(`project settings: ${reason(error)}`);
    return { required: { required: 'unknown', source: SOURCE, detail: reason(error) }, path: null };
  }
  const path = text(settings.path_with_namespace);
  const setting = settings.only_allow_merge_if_pipeline_succeeds;
  if (typeof setting !== 'boolean') {
    const detail = 'GitLab did not say (only_allow_merge_if_pipeline_succeeds is missing from the project)';
    gaps.push(`project settings: ${detail}`);
    return { required: { required: 'unknown', source: SOURCE, detail }, path };
  }
  return { required: { required: setting, source: SOURCE, detail: null }, path };
}

/** The requirement as it held for the gate job: allow_failure lets a failed job pass the pipeline. */
export function requiredForGate(
  required: RequiredCheckFact,
  gate: GateJobs | undefined,
  name: string,
): RequiredCheckFact {
  if (required.required !== true || !gate?.newestAllowsFailure) return required;
  return {
    required: false,
    source: required.source,
    detail: `the job ${name} has allow_failure: true, so its failure does not fail the pipeline`,
  };
}
