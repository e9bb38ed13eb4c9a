import type { ChangeContext } from '../change-context.ts';
import { githubContext } from './github/context.ts';
import { gitlabContext } from './gitlab/context.ts';

/** The context of a run outside CI: nothing known until git is asked (see `withGitFacts`). */
export const LOCAL_CONTEXT: Readonly<ChangeContext> = {
  platform: 'local',
  eventName: null,
  isChange: false,
  repository: null,
  repoUrl: null,
  headSha: null,
  baseSha: null,
  mergeSha: null,
  baseRef: null,
  headRef: null,
  changeNumber: null,
  isFork: false,
  actor: null,
  runUrl: null,
  tokenAvailable: false,
};

/**
 * The one reader of the CI environment: which platform runs us and what the run is about. Nothing
 * outside `src/platforms/` reads GITHUB_*, GITLAB_* or CI_* variables.
 */
export function detectContext(env: NodeJS.ProcessEnv): ChangeContext {
  if (env.GITHUB_ACTIONS === 'true') return githubContext(env);
  if (env.GITLAB_CI === 'true') return gitlabContext(env);
  return { ...LOCAL_CONTEXT };
}

/**
 * The base commit a CI run compares with: a pull request's or merge queue's base, or a merge
 * request's diff base. Pushes, schedules and manual runs have none: everything is judged.
 */
export function ciBaseSha(context: ChangeContext): string | undefined {
  return context.isChange && context.baseSha ? context.baseSha : undefined;
}
