import { readFileSync } from 'node:fs';
import type { ChangeContext } from '../types.ts';

interface RepoRef {
  full_name?: string;
  fork?: boolean;
  html_url?: string;
}

interface EventPayload {
  number?: number;
  pull_request?: {
    number?: number;
    head?: { sha?: string; ref?: string; repo?: RepoRef };
    base?: { sha?: string; ref?: string; repo?: RepoRef };
  };
  merge_group?: { head_sha?: string; base_sha?: string; base_ref?: string };
  workflow_run?: {
    head_sha?: string;
    head_repository?: RepoRef;
    pull_requests?: { number?: number; base?: { sha?: string; ref?: string } }[];
  };
  repository?: RepoRef;
}

function readEvent(env: NodeJS.ProcessEnv): EventPayload {
  const file = env.GITHUB_EVENT_PATH;
  if (!file) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as EventPayload;
  } catch {
    return {};
  }
}

/** Reads what the run is about from the GitHub Actions event and environment. */
export function githubContext(env: NodeJS.ProcessEnv): ChangeContext {
  const event = readEvent(env);
  const eventName = env.GITHUB_EVENT_NAME ?? null;
  const repository = env.GITHUB_REPOSITORY ?? event.repository?.full_name ?? null;
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
  const base: ChangeContext = {
    platform: 'github',
    eventName,
    repository,
    repoUrl: repository ? `${server}/${repository}` : null,
    headSha: env.GITHUB_SHA ?? null,
    baseSha: null,
    baseRef: null,
    changeNumber: null,
    isFork: false,
    runUrl:
      repository && env.GITHUB_RUN_ID ? `${server}/${repository}/actions/runs/${env.GITHUB_RUN_ID}` : null,
  };
  if ((eventName === 'pull_request' || eventName === 'pull_request_target') && event.pull_request) {
    const pr = event.pull_request;
    const headRepo = pr.head?.repo?.full_name;
    const baseRepo = pr.base?.repo?.full_name ?? repository;
    return {
      ...base,
      headSha: pr.head?.sha ?? base.headSha,
      baseSha: pr.base?.sha ?? null,
      baseRef: pr.base?.ref ?? null,
      changeNumber: pr.number ?? event.number ?? null,
      isFork: headRepo !== undefined && headRepo !== baseRepo,
    };
  }
  if (eventName === 'merge_group' && event.merge_group) {
    return {
      ...base,
      headSha: event.merge_group.head_sha ?? base.headSha,
      baseSha: event.merge_group.base_sha ?? null,
      baseRef: event.merge_group.base_ref ?? null,
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
      changeNumber: pr?.number ?? null,
      isFork: run.head_repository?.full_name !== undefined && run.head_repository.full_name !== repository,
    };
  }
  return base;
}
