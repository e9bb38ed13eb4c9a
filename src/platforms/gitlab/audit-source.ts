import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { ArtifactQuery, ArtifactRef, AuditSource, MergedChange } from '../../audit/source.ts';
import { int, isJson, type Json, listOf, text, timeOf, username } from './api-values.ts';
import type { GitlabClient } from './client.ts';
import { GitlabApiError } from './requester.ts';

/*
 * `controlgate audit` on GitLab: the merge requests merged in a period, and the gate's evidence
 * as job artifacts (GitLab has no named artifacts: a job's artifacts archive is named by its job).
 */

const PER_PAGE = 100;
const MAX_PAGES = 1000;

function mergedChange(mr: Json): MergedChange | null {
  const number = int(mr.iid);
  const headSha = text(mr.sha);
  const mergedAt = text(mr.merged_at);
  if (number === null || headSha === null || mergedAt === null) return null;
  return {
    number,
    title: text(mr.title) ?? '',
    url: text(mr.web_url),
    author: username(mr.author),
    headSha,
    mergeCommitSha: text(mr.merge_commit_sha) ?? text(mr.squash_commit_sha),
    mergedBy: username(mr.merge_user) ?? username(mr.merged_by),
    mergedAt,
    baseRef: text(mr.target_branch) ?? '',
  };
}

function within(at: number, since: Date | undefined, until: Date | undefined): boolean {
  if (since && !(at >= since.getTime())) return false;
  if (until && !(at <= until.getTime())) return false;
  return true;
}

function artifactOf(job: Json, now: number): ArtifactRef | null {
  const id = int(job.id);
  const name = text(job.name);
  const expiresAt = timeOf(text(job.artifacts_expire_at));
  const expired = !Number.isNaN(expiresAt) && expiresAt <= now;
  // Once expired artifacts are removed GitLab drops artifacts_file; the job still says it had some.
  if (id === null || name === null || !(isJson(job.artifacts_file) || expired)) return null;
  const pipeline = isJson(job.pipeline) ? job.pipeline : {};
  return {
    id,
    name,
    headSha: (isJson(job.commit) ? text(job.commit.id) : null) ?? text(pipeline.sha),
    createdAt: text(job.finished_at) ?? text(job.created_at),
    expired,
    url: text(job.web_url),
  };
}

export function gitlabAuditSource(gitlab: GitlabClient, project: string | number): AuditSource {
  return {
    async listMergedChanges(since, until, baseRef) {
      // A merge updates the merge request, so all merged since `since` were updated after it too.
      const all = await gitlab.mergeRequests.all({
        projectId: project,
        state: 'merged',
        updatedAfter: since.toISOString(),
        ...(baseRef !== undefined ? { targetBranch: baseRef } : {}),
        perPage: PER_PAGE,
        maxPages: MAX_PAGES,
      });
      return listOf(all, 'the merged merge requests')
        .map(mergedChange)
        .filter((c): c is MergedChange => c !== null && within(timeOf(c.mergedAt), since, until))
        .sort((a, b) => timeOf(a.mergedAt) - timeOf(b.mergedAt) || a.number - b.number);
    },

    async listArtifacts(query: ArtifactQuery) {
      const now = Date.now();
      const found: ArtifactRef[] = [];
      // Jobs come newest first: once a page reaches back past `since`, older pages hold nothing wanted.
      for (let page = 1; page <= MAX_PAGES; page++) {
        // Every scope: a gate job that blocked (failed) uploads its evidence too; only jobs with
        // an artifacts_file are kept below.
        const jobs = listOf(
          await gitlab.jobs.all(project, { perPage: PER_PAGE, page }),
          "the project's jobs",
        );
        let older = false;
        for (const job of jobs) {
          const created = timeOf(text(job.created_at));
          if (query.since && created < query.since.getTime()) older = true;
          if (!query.names.includes(text(job.name) ?? '')) continue;
          const ref = artifactOf(job, now);
          if (ref === null) continue;
          if (!within(timeOf(ref.createdAt), query.since, query.until)) continue;
          if (query.headSha !== undefined && ref.headSha !== query.headSha) continue;
          found.push(ref);
        }
        if (older || jobs.length < PER_PAGE) break;
      }
      return found;
    },

    async downloadArtifact(ref, file) {
      const body: unknown = await gitlab.jobArtifacts.downloadArchive(project, { jobId: ref.id });
      if (!(body instanceof Blob))
        throw new GitlabApiError(
          `GitLab answered the artifacts of job ${ref.id} with something other than a file`,
        );
      await pipeline(
        Readable.fromWeb(body.stream() as WebReadableStream<Uint8Array>),
        createWriteStream(file),
      );
    },
  };
}
