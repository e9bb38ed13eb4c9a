import type { BaseRequest } from '../pipeline/compare.ts';
import { githubContext } from './github/context.ts';
import { gitlabContext } from './gitlab/context.ts';

/** Events whose checkout is a proposed change with a base to compare with. */
const GITHUB_CHANGE_EVENTS = new Set(['pull_request', 'pull_request_target', 'merge_group']);

/**
 * The base a CI run compares with: a GitHub pull request or merge queue's base commit, or a GitLab
 * merge request's diff base. Pushes, schedules and manual runs have none: everything is judged.
 */
export function ciBase(env: NodeJS.ProcessEnv): BaseRequest | undefined {
  if (env.GITHUB_ACTIONS === 'true') {
    const context = githubContext(env);
    if (context.eventName && GITHUB_CHANGE_EVENTS.has(context.eventName) && context.baseSha)
      return { ref: context.baseSha, source: 'ci' };
    return undefined;
  }
  if (env.GITLAB_CI === 'true' && env.CI_MERGE_REQUEST_IID) {
    const context = gitlabContext(env);
    if (context.baseSha) return { ref: context.baseSha, source: 'ci' };
  }
  return undefined;
}

/** The CLI's choice: --base wins, --no-base turns comparing off, otherwise the CI event decides. */
export function chooseBase(
  flag: string | false | undefined,
  env: NodeJS.ProcessEnv,
): BaseRequest | undefined {
  if (flag === false) return undefined;
  if (typeof flag === 'string') return { ref: flag, source: 'cli' };
  return ciBase(env);
}
