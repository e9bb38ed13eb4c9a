import path from 'node:path';
import { DefaultArtifactClient } from '@actions/artifact';
import * as core from '@actions/core';
import type { ChangeContext } from '../../change-context.ts';
import type { ChangeFactsRequest } from '../../change-management/facts.ts';
import type { JsonReport } from '../../report/json-report-schema.ts';
import { DEFAULT_COMMENT_CHARS } from '../../report/markdown/comment.ts';
import { apiBudget, apiLimits } from '../api-limits.ts';
import { upsertStickyComment } from '../sticky-comment.ts';
import type { Platform, PostedComment } from '../types.ts';
import { annotate } from './annotations.ts';
import { githubAuditSource } from './audit-source.ts';
import { readGithubChangeFacts } from './change-facts.ts';
import { githubClient, httpStatus } from './client.ts';
import { githubCommentStore } from './comments.ts';
import { syncGithubReviewComments } from './review-comments.ts';

/** GitHub cuts status descriptions at 140 characters. */
const STATUS_DESCRIPTION_CHARS = 140;

export interface GithubPlatformOptions {
  token: string;
  env: NodeJS.ProcessEnv;
  /** The REST API's root; default GitHub's (GITHUB_API_URL on a runner). */
  baseUrl?: string;
}

/** The token can write unless this is a pull_request from a fork (GitHub hands those a read-only one). */
function cannotPublish(context: ChangeContext, token: string): string | undefined {
  if (context.isFork && context.eventName === 'pull_request')
    return 'this pull request comes from a fork, so the token is read-only: no comment or status is posted. The decision is still enforced; see the README for the two-workflow pattern that comments on fork PRs.';
  if (!token) return 'no token given; no comment or status is posted';
  return undefined;
}

/**
 * The GitHub implementation of Platform: comments on the PR, statuses on the head commit,
 * annotations, outputs and the job summary through @actions/core, evidence as a workflow artifact.
 */
export function githubPlatform(context: ChangeContext, options: GithubPlatformOptions) {
  const { token, env } = options;
  const [owner = '', repo = ''] = (context.repository ?? '').split('/');
  const limits = apiLimits(env);
  const baseUrl = options.baseUrl ?? env.GITHUB_API_URL;
  // Each publication gets its own API budget: a dead API delays the job a bounded time, and a comment
  // API that fails for good cannot use up the time of the status that branch protection requires.
  const client = () => githubClient(token, core, apiBudget(limits), baseUrl);
  return {
    id: 'github',
    context,
    // The renderer's default is GitHub's own limit on a comment body.
    limits: { commentChars: DEFAULT_COMMENT_CHARS },
    commentName: 'PR comment',
    blobBase: context.repoUrl,
    evidenceHint: (name: string) => `the \`${name}\` artifact`,
    cannotPublish: cannotPublish(context, token),
    async upsertComment(
      marker: string,
      body: string,
      options?: { create?: boolean },
    ): Promise<PostedComment> {
      const number = context.changeNumber;
      if (number === null) return { outcome: 'skipped', url: null };
      const { outcome, id } = await upsertStickyComment(
        githubCommentStore(client(), { owner, repo, issue: number }),
        marker,
        body,
        options,
      );
      // GitHub's own address of an issue comment on a pull request's conversation page.
      const url =
        id !== null && context.repoUrl ? `${context.repoUrl}/pull/${number}#issuecomment-${id}` : null;
      return { outcome, url };
    },
    async syncReviewComments(commentKey, comments) {
      if (context.changeNumber === null || !context.headSha)
        return { created: 0, updated: 0, unchanged: 0, resolved: 0 };
      const target = { owner, repo, pull: context.changeNumber, headSha: context.headSha };
      return syncGithubReviewComments(client(), target, commentKey, comments);
    },
    async publishStatus(state, description, statusContext, targetUrl) {
      const target = targetUrl ?? context.runUrl ?? null;
      if (!context.headSha) return;
      const text =
        description.length > STATUS_DESCRIPTION_CHARS
          ? `${description.slice(0, STATUS_DESCRIPTION_CHARS - 1)}…`
          : description;
      const api = client();
      // A rerun with the same result posts nothing: the latest status of this context already says it.
      const existing = await api.rest.repos.listCommitStatusesForRef({
        owner,
        repo,
        ref: context.headSha,
        per_page: 100,
      });
      const latest = existing.data.find((s) => s.context === statusContext);
      if (
        latest &&
        latest.state === state &&
        latest.description === text &&
        (latest.target_url ?? null) === target
      ) {
        return;
      }
      await api.rest.repos.createCommitStatus({
        owner,
        repo,
        sha: context.headSha,
        state,
        context: statusContext,
        description: text,
        ...(target ? { target_url: target } : {}),
      });
    },
    annotate: (report: JsonReport) => annotate(report, core),
    readChangeFacts: (request: ChangeFactsRequest) =>
      readGithubChangeFacts(client(), context.repository ?? '', request),
    async changeOfCommit(sha: string): Promise<number | null> {
      const pulls = await client().paginate(client().rest.repos.listPullRequestsAssociatedWithCommit, {
        owner,
        repo,
        commit_sha: sha,
        per_page: 100,
      });
      // The pull request this commit merged (its merge commit), else one whose head it is, merged.
      const merged = pulls.filter((p) => p.merged_at !== null);
      return (
        (merged.find((p) => p.merge_commit_sha === sha) ?? merged.find((p) => p.head.sha === sha))?.number ??
        null
      );
    },
    auditSource: () => githubAuditSource(client(), context.repository ?? ''),
    async uploadEvidence(name, dir, files, retentionDays) {
      if (!env.ACTIONS_RUNTIME_TOKEN || !env.ACTIONS_RESULTS_URL) {
        core.warning(
          `controlgate: cannot upload the evidence artifact here (no ACTIONS_RUNTIME_TOKEN / ACTIONS_RESULTS_URL: only \`uses:\` steps get them); the bundle is at ${dir}`,
        );
        return undefined;
      }
      try {
        const absolute = files.map((f) => path.join(dir, ...f.split('/')));
        const uploaded = await new DefaultArtifactClient().uploadArtifact(
          name,
          absolute,
          dir,
          retentionDays ? { retentionDays } : {},
        );
        const artifact = { name, id: uploaded.id ?? null, digest: uploaded.digest ?? null };
        const facts = [
          ...(artifact.id !== null ? [`id ${artifact.id}`] : []),
          ...(artifact.digest ? [`zip sha256:${artifact.digest}`] : []),
        ];
        core.info(
          `controlgate: evidence uploaded as artifact "${name}"${facts.length > 0 ? ` (${facts.join(', ')})` : ''}`,
        );
        return artifact;
      } catch (error) {
        core.warning(
          `controlgate: evidence upload failed: ${error instanceof Error ? error.message : String(error)}`,
        );
        return undefined;
      }
    },
    setOutputs(outputs) {
      for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value);
    },
    async writeSummary(markdown) {
      if (env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown).write();
    },
    async confirmChange(number, headSha) {
      const pr = await client().rest.pulls.get({ owner, repo, pull_number: number });
      return pr.data.head.sha === headSha;
    },
    describeFailure(error) {
      const status = httpStatus(error);
      const hint =
        status === 403
          ? ' (the token cannot write here: fork PR or missing `pull-requests: write` / `statuses: write` permission)'
          : '';
      // The API's own words are quoted, and a server or proxy may echo the credentials it was sent;
      // `setSecret` masks them only on a real runner.
      const message = error instanceof Error ? error.message : String(error);
      const said = token ? message.replaceAll(token, '***') : message;
      return `${status ?? ''} ${said}${hint}`;
    },
  } satisfies Platform;
}
