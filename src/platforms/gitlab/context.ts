import type { ChangeContext } from '../types.ts';

/** Reads what the pipeline is about from GitLab's predefined CI_* variables. */
export function gitlabContext(env: NodeJS.ProcessEnv): ChangeContext {
  const iid = env.CI_MERGE_REQUEST_IID;
  const sourceProject = env.CI_MERGE_REQUEST_SOURCE_PROJECT_ID;
  const targetProject = env.CI_MERGE_REQUEST_PROJECT_ID ?? env.CI_PROJECT_ID;
  return {
    platform: 'gitlab',
    eventName: env.CI_PIPELINE_SOURCE ?? null,
    repository: env.CI_PROJECT_PATH ?? null,
    repoUrl: env.CI_PROJECT_URL ?? null,
    headSha: env.CI_COMMIT_SHA ?? null,
    baseSha: env.CI_MERGE_REQUEST_DIFF_BASE_SHA ?? null,
    baseRef: env.CI_MERGE_REQUEST_TARGET_BRANCH_NAME ?? env.CI_DEFAULT_BRANCH ?? null,
    changeNumber: iid && /^\d+$/.test(iid) ? Number(iid) : null,
    // A merge request from a fork runs with the source project's code: untrusted.
    isFork: sourceProject !== undefined && targetProject !== undefined && sourceProject !== targetProject,
    runUrl: env.CI_PIPELINE_URL ?? null,
  };
}
