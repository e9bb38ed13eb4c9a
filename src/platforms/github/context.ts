import { readFileSync } from 'node:fs';
import type { ChangeContext } from '../../change-context.ts';

interface RepoRef {
  full_name?: string;
  fork?: boolean;
  html_url?: string;
}

interface PullRequestRef {
  number?: number;
  merge_commit_sha?: string | null;
  head?: { sha?: string; ref?: string; repo?: RepoRef | null };
  base?: { sha?: string; ref?: string; repo?: RepoRef | null };
}

interface EventPayload {
  number?: number;
  pull_request?: PullRequestRef;
  merge_group?: { head_sha?: string; head_ref?: string; base_sha?: string; base_ref?: string };
  workflow_run?: {
    event?: string;
    head_sha?: string;
    head_branch?: string;
    head_repository?: RepoRef;
    pull_requests?: { number?: number; base?: { sha?: string; ref?: string } }[];
  };
  repository?: RepoRef;
}

/** Events whose checkout is a proposed change with a base to compare with. */
const CHANGE_EVENTS = new Set(['pull_request', 'pull_request_target', 'merge_group']);

function readEvent(file: string | undefined): EventPayload {
  if (!file) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as EventPayload;
  } catch {
    return {};
  }
}

/** "refs/heads/main" → "main"; a bare branch name stays as it is. */
function branchName(ref: string | undefined): string | null {
  if (!ref) return null;
  return ref.replace(/^refs\/heads\//, '');
}

/**
 * A merge queue's branch names the pull request it tests:
 * `gh-readonly-queue/<base>/pr-<number>-<sha>` (with or without `refs/heads/`).
 */
export function mergeQueuePullRequest(headRef: string | undefined): number | null {
  const match = /(?:^|\/)gh-readonly-queue\/.+\/pr-(\d+)-[0-9a-f]+$/.exec(headRef ?? '');
  return match?.[1] ? Number(match[1]) : null;
}

/** Reads what the run is about from the GitHub Actions event and environment. */
export function githubContext(env: NodeJS.ProcessEnv): ChangeContext {
  const event = readEvent(env.GITHUB_EVENT_PATH);
  const eventName = env.GITHUB_EVENT_NAME ?? null;
  const repository = env.GITHUB_REPOSITORY ?? event.repository?.full_name ?? null;
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
  const base: ChangeContext = {
    platform: 'github',
    eventName,
    isChange: eventName !== null && CHANGE_EVENTS.has(eventName),
    repository,
    repoUrl: repository ? `${server}/${repository}` : null,
    headSha: env.GITHUB_SHA ?? null,
    baseSha: null,
    mergeSha: null,
    baseRef: null,
    headRef: env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME || null,
    changeNumber: null,
    isFork: false,
    actor: env.GITHUB_ACTOR ?? null,
    runUrl:
      repository && env.GITHUB_RUN_ID ? `${server}/${repository}/actions/runs/${env.GITHUB_RUN_ID}` : null,
    tokenAvailable: (env.INPUT_TOKEN ?? '').trim() !== '',
  };
  if ((eventName === 'pull_request' || eventName === 'pull_request_target') && event.pull_request) {
    const pr = event.pull_request;
    const headRepo = pr.head?.repo?.full_name;
    const baseRepo = pr.base?.repo?.full_name ?? repository;
    return {
      ...base,
      headSha: pr.head?.sha ?? base.headSha,
      baseSha: pr.base?.sha ?? null,
      // pull_request checks out refs/pull/N/merge (GITHUB_SHA); pull_request_target checks out the
      // base branch, so the merge commit is only known from the payload (the gate drops it when the
      // workflow checked out the head itself: src/gate/pull-request-target.ts).
      mergeSha: eventName === 'pull_request' ? (env.GITHUB_SHA ?? null) : (pr.merge_commit_sha ?? null),
      baseRef: pr.base?.ref ?? null,
      headRef: pr.head?.ref ?? base.headRef,
      changeNumber: pr.number ?? event.number ?? null,
      isFork: headRepo !== undefined && headRepo !== baseRepo,
    };
  }
  if (eventName === 'merge_group' && event.merge_group) {
    const group = event.merge_group;
    return {
      ...base,
      headSha: group.head_sha ?? base.headSha,
      baseSha: group.base_sha ?? null,
      baseRef: branchName(group.base_ref),
      headRef: branchName(group.head_ref) ?? base.headRef,
      changeNumber: mergeQueuePullRequest(group.head_ref ?? env.GITHUB_REF),
    };
  }
  if (eventName === 'workflow_run' && event.workflow_run) {
    const run = event.workflow_run;
    const pr = run.pull_requests?.[0];
    return {
      ...base,
      headSha: run.head_sha ?? null,
      baseSha: pr?.base?.sha ?? null,
      baseRef: pr?.base?.ref ?? null,
      headRef: run.head_branch ?? null,
      changeNumber: pr?.number ?? null,
      isFork: run.head_repository?.full_name !== undefined && run.head_repository.full_name !== repository,
    };
  }
  return base;
}
