import { type FakeGitLab, PROJECT_ID, PROJECT_PATH } from './fake-gitlab.ts';

/** The merge request the GitLab tests publish to. */
export const MR_IID = 7;

/**
 * The test's own environment without anything a CI runner sets or anything that names a credential:
 * a run then sees only the CI variables the test gives it, and a token found in its output can only
 * have come from the test.
 */
export function withoutCiVariables(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const kept: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) {
    if (
      /^(GITHUB_|INPUT_|ACTIONS_|RUNNER_|GITLAB|CI_|CONTROLGATE_)/.test(k) ||
      /^CI$|TOKEN|SECRET|PASSWORD/i.test(k)
    )
      continue;
    kept[k] = v;
  }
  return kept;
}

export interface MergeRequestPipeline {
  gitlab: FakeGitLab;
  /** CI_PROJECT_DIR: the checkout. */
  projectDir: string;
  headSha: string;
  /** CONTROLGATE_GITLAB_TOKEN, the project access token controlgate writes notes with. */
  token: string;
  jobToken: string;
}

/** What a GitLab runner sets in a merge request pipeline of octo/shop (MR !7), pointed at the fake. */
export function mergeRequestPipelineEnv(p: MergeRequestPipeline): NodeJS.ProcessEnv {
  return {
    ...withoutCiVariables(),
    CI: 'true',
    GITLAB_CI: 'true',
    CI_SERVER_URL: p.gitlab.url,
    CI_API_V4_URL: p.gitlab.apiUrl,
    CI_PROJECT_ID: String(PROJECT_ID),
    CI_PROJECT_PATH: PROJECT_PATH,
    CI_PROJECT_URL: 'https://gitlab.example.com/octo/shop',
    CI_PROJECT_DIR: p.projectDir,
    CI_COMMIT_SHA: p.headSha,
    CI_PIPELINE_SOURCE: 'merge_request_event',
    CI_PIPELINE_URL: 'https://gitlab.example.com/octo/shop/-/pipelines/1234567',
    CI_JOB_TOKEN: p.jobToken,
    CI_MERGE_REQUEST_IID: String(MR_IID),
    CI_MERGE_REQUEST_PROJECT_ID: String(PROJECT_ID),
    CI_MERGE_REQUEST_SOURCE_PROJECT_ID: String(PROJECT_ID),
    CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main',
    CONTROLGATE_GITLAB_TOKEN: p.token,
  };
}
