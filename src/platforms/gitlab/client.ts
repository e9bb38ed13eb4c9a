import {
  Commits,
  Events,
  GroupMembers,
  JobArtifacts,
  Jobs,
  MergeRequestApprovals,
  MergeRequestDiscussions,
  MergeRequestNotes,
  MergeRequests,
  Pipelines,
  Projects,
  RepositoryFiles,
  Users,
} from '@gitbeaker/rest';
import type { ApiBudget } from '../api-limits.ts';
import { budgetedRequester } from './requester.ts';

/** The gitbeaker resources controlgate uses, all on one transport. */
export interface GitlabClient {
  notes: InstanceType<typeof MergeRequestNotes>;
  users: InstanceType<typeof Users>;
  /** The merge request itself (its diff_refs) and its diff discussions, for inline review comments. */
  mergeRequests: InstanceType<typeof MergeRequests>;
  discussions: InstanceType<typeof MergeRequestDiscussions>;
  /** Change-management facts and the audit source: who approved, what the project requires, … */
  approvals: InstanceType<typeof MergeRequestApprovals>;
  projects: InstanceType<typeof Projects>;
  repositoryFiles: InstanceType<typeof RepositoryFiles>;
  events: InstanceType<typeof Events>;
  groupMembers: InstanceType<typeof GroupMembers>;
  pipelines: InstanceType<typeof Pipelines>;
  jobs: InstanceType<typeof Jobs>;
  jobArtifacts: InstanceType<typeof JobArtifacts>;
  /** A merged-results pipeline's commit, whose parents say which head it tested. */
  commits: InstanceType<typeof Commits>;
}

/**
 * gitbeaker for `host` (CI_SERVER_URL) with a project access token, its requests sent by our
 * requester within `budget`. Only the resources used are built: `new Gitlab()` would build all of
 * gitbeaker's two hundred, each with its own rate limiters.
 */
export function gitlabClient(
  host: string,
  token: string,
  budget: ApiBudget,
  log: (line: string) => void,
): GitlabClient {
  const options = {
    // gitbeaker joins host and /api/v4 with a slash of its own.
    host: host.replace(/\/+$/, ''),
    token,
    // Our preset overrides @gitbeaker/rest's (user options are spread over its own).
    requesterFn: budgetedRequester(budget, log),
    // The budget times every request and the whole run; gitbeaker's own five minutes would be a third clock.
    queryTimeout: null,
  };
  return {
    notes: new MergeRequestNotes(options),
    users: new Users(options),
    mergeRequests: new MergeRequests(options),
    discussions: new MergeRequestDiscussions(options),
    approvals: new MergeRequestApprovals(options),
    projects: new Projects(options),
    repositoryFiles: new RepositoryFiles(options),
    events: new Events(options),
    groupMembers: new GroupMembers(options),
    pipelines: new Pipelines(options),
    jobs: new Jobs(options),
    jobArtifacts: new JobArtifacts(options),
    commits: new Commits(options),
  };
}
