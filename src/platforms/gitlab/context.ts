import type { ChangeContext } from '../../change-context.ts';

/** The token for MR notes: a masked project access token. CI_JOB_TOKEN cannot write notes. */
export function noteToken(env: NodeJS.ProcessEnv): string | undefined {
  return env.CONTROLGATE_GITLAB_TOKEN || env.GITLAB_TOKEN || undefined;
}

/** Where the API is and which project the MR belongs to, for the MR note. */
export function gitlabApiTarget(env: NodeJS.ProcessEnv): { host?: string; project?: string } {
  const host = env.CI_SERVER_URL || undefined;
  const project = env.CI_MERGE_REQUEST_PROJECT_ID ?? env.CI_PROJECT_ID ?? env.CI_PROJECT_PATH;
  return { ...(host ? { host } : {}), ...(project ? { project } : {}) };
}

/** Reads what the pipeline is about from GitLab's predefined CI_* variables. */
export function gitlabContext(env: NodeJS.ProcessEnv): ChangeContext {
  const iid = env.CI_MERGE_REQUEST_IID;
  const sourceProject = env.CI_MERGE_REQUEST_SOURCE_PROJECT_ID;
  const targetProject = env.CI_MERGE_REQUEST_PROJECT_ID ?? env.CI_PROJECT_ID;
  const changeNumber = iid && /^\d+$/.test(iid) ? Number(iid) : null;
  // A merged-results pipeline checks out a merge of the source branch into the target; the MR's
  // own head is the source branch's commit.
  const mergedResult = env.CI_MERGE_REQUEST_EVENT_TYPE === 'merged_result';
  const sourceSha = env.CI_MERGE_REQUEST_SOURCE_BRANCH_SHA || undefined;
  return {
    platform: 'gitlab',
    eventName: env.CI_PIPELINE_SOURCE ?? null,
    isChange: iid !== undefined && iid !== '',
    repository: env.CI_PROJECT_PATH ?? null,
    repoUrl: env.CI_PROJECT_URL ?? null,
    headSha: (mergedResult ? sourceSha : undefined) ?? env.CI_COMMIT_SHA ?? null,
    baseSha: env.CI_MERGE_REQUEST_DIFF_BASE_SHA ?? null,
    mergeSha: mergedResult ? (env.CI_COMMIT_SHA ?? null) : null,
    baseRef: env.CI_MERGE_REQUEST_TARGET_BRANCH_NAME ?? env.CI_DEFAULT_BRANCH ?? null,
    headRef: env.CI_MERGE_REQUEST_SOURCE_BRANCH_NAME || env.CI_COMMIT_REF_NAME || null,
    changeNumber,
    // A merge request from a fork runs with the source project's code: untrusted.
    isFork: sourceProject !== undefined && targetProject !== undefined && sourceProject !== targetProject,
    actor: env.GITLAB_USER_LOGIN ?? null,
    runUrl: env.CI_PIPELINE_URL ?? null,
    tokenAvailable: noteToken(env) !== undefined,
  };
}
