import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ChangeContext } from '../../change-context.ts';
import type { ChangeFactsRequest } from '../../change-management/facts.ts';
import { UsageError } from '../../errors.ts';
import { gitlabCodeQualityReport } from '../../report/gitlab/codequality.ts';
import { gitlabSastReport } from '../../report/gitlab/sast.ts';
import type { JsonReport } from '../../report/json-report-schema.ts';
import { apiBudget, apiLimits } from '../api-limits.ts';
import { upsertStickyComment } from '../sticky-comment.ts';
import type { Log, Platform, PostedComment } from '../types.ts';
import { gitlabAuditSource } from './audit-source.ts';
import { readGitlabChangeFacts } from './change-facts.ts';
import { gitlabClient } from './client.ts';
import { gitlabApiTarget, noteToken } from './context.ts';
import { syncGitlabDiscussions } from './discussions.ts';
import { gitlabNoteStore } from './notes.ts';

/** GitLab allows notes of up to 1,000,000 characters. */
export const GITLAB_NOTE_CHARS = 1_000_000;

function cannotPublish(env: NodeJS.ProcessEnv): string | undefined {
  if (!noteToken(env))
    return (
      'no merge-request note: CONTROLGATE_GITLAB_TOKEN is not set, and CI_JOB_TOKEN cannot write notes. ' +
      'Create a project access token with the api scope and store it as the masked CI/CD variable CONTROLGATE_GITLAB_TOKEN. ' +
      // The common surprise: the variable exists but is protected, and the MR's branch is not.
      'If it is already set as a protected variable, GitLab passes it only to pipelines of protected branches and tags, ' +
      'so merge requests from unprotected branches are gated without a note.'
    );
  const { host, project } = gitlabApiTarget(env);
  if (!host || !project) return 'no merge-request note: CI_SERVER_URL or CI_PROJECT_ID is not set';
  return undefined;
}

/**
 * The GitLab implementation of Platform: one sticky MR note (with a project access token), and the
 * SAST and Code Quality reports the template declares as job artifacts.
 */
export function gitlabPlatform(context: ChangeContext, env: NodeJS.ProcessEnv, log: Log) {
  const token = noteToken(env) ?? '';
  const redact = (text: string) => (token ? text.replaceAll(token, '***') : text);
  /** The API for change management: a read token is enough (read_api); none is a usage error, said plainly. */
  const apiClient = () => {
    const { host, project } = gitlabApiTarget(env);
    if (!host || !project || !token)
      throw new UsageError(
        'merge records read the merge request through the API: set CONTROLGATE_GITLAB_TOKEN (a project access token with read_api) and run in GitLab CI (CI_SERVER_URL, CI_PROJECT_ID)',
      );
    return {
      gitlab: gitlabClient(host, token, apiBudget(apiLimits(env)), (line) => log.info(redact(line))),
      project,
    };
  };
  return {
    id: 'gitlab',
    context,
    limits: { commentChars: GITLAB_NOTE_CHARS },
    // GitLab's file URLs live under /-/blob/; the renderer appends /blob/<sha>/<path>.
    commentName: 'merge-request note',
    blobBase: context.repoUrl ? `${context.repoUrl.replace(/\/$/, '')}/-` : null,
    evidenceHint: (name: string) => `the job artifacts (${name})`,
    cannotPublish: cannotPublish(env),
    async upsertComment(
      marker: string,
      body: string,
      options?: { create?: boolean },
    ): Promise<PostedComment> {
      const { host, project } = gitlabApiTarget(env);
      const iid = context.changeNumber;
      if (iid === null || !host || !project || !token) return { outcome: 'skipped', url: null };
      // A bounded wait: a dead or throttling GitLab delays the job, it never holds it.
      const gitlab = gitlabClient(host, token, apiBudget(apiLimits(env)), (line) => log.info(redact(line)));
      const store = gitlabNoteStore(gitlab, project, iid);
      const { outcome, id } = await upsertStickyComment(store, marker, body, options);
      // GitLab's own address of a note on a merge request's overview.
      const url =
        id !== null && context.repoUrl
          ? `${context.repoUrl.replace(/\/$/, '')}/-/merge_requests/${iid}#note_${id}`
          : null;
      return { outcome, url };
    },
    async syncReviewComments(commentKey, comments) {
      const { host, project } = gitlabApiTarget(env);
      if (context.changeNumber === null || !context.headSha || !host || !project || !token)
        return { created: 0, updated: 0, unchanged: 0, resolved: 0 };
      const gitlab = gitlabClient(host, token, apiBudget(apiLimits(env)), (line) => log.info(redact(line)));
      const target = { project, iid: context.changeNumber, headSha: context.headSha };
      return syncGitlabDiscussions(gitlab, target, commentKey, comments);
    },
    async readChangeFacts(request: ChangeFactsRequest) {
      const { gitlab, project } = apiClient();
      return readGitlabChangeFacts(gitlab, project, request);
    },
    async changeOfCommit(sha: string): Promise<number | null> {
      const { gitlab, project } = apiClient();
      const found = (await gitlab.commits.allMergeRequests(project, sha)) as {
        iid: number;
        state: string;
        merge_commit_sha?: string | null;
        squash_commit_sha?: string | null;
        sha?: string;
      }[];
      // The merge request this commit merged (its merge or squash commit), else a merged one it heads.
      const merged = found.filter((mr) => mr.state === 'merged');
      return (
        (
          merged.find((mr) => mr.merge_commit_sha === sha || mr.squash_commit_sha === sha) ??
          merged.find((mr) => mr.sha === sha)
        )?.iid ?? null
      );
    },
    auditSource() {
      const { gitlab, project } = apiClient();
      return gitlabAuditSource(gitlab, project);
    },
    async writeReports(report: JsonReport, dir: string) {
      await mkdir(dir, { recursive: true });
      const files = [
        [path.join(dir, 'gl-sast-report.json'), gitlabSastReport(report)],
        [path.join(dir, 'gl-code-quality-report.json'), gitlabCodeQualityReport(report)],
      ] as const;
      for (const [file, content] of files) await writeFile(file, `${JSON.stringify(content, null, 2)}\n`);
      return files.map(([file]) => file);
    },
    describeFailure: (error: unknown) => redact(error instanceof Error ? error.message : String(error)),
  } satisfies Platform;
}
