/*
 * What a platform's API says about one merged change, read at merge time (or later, by `audit`):
 * the platform readers (src/platforms/<id>/change-facts.ts) fill it, and the merge record
 * (./record.ts) is computed from it alone, so every judgement in a record can be re-derived from
 * the facts stored beside it.
 */

/** A review as the platform records it. GitLab approvals are `approved` reviews. */
export interface ReviewFact {
  /** The reviewer's login (GitHub) or username (GitLab). */
  reviewer: string;
  state: 'approved' | 'changes_requested' | 'commented' | 'dismissed';
  /**
   * The head commit the review was given on: GitHub's review `commit_id`; on GitLab, the merge
   * request version current when the approval was given. null when the platform does not say.
   */
  commitSha: string | null;
  submittedAt: string | null;
}

/** A commit of the change, oldest first. */
export interface CommitFact {
  sha: string;
  /** The platform account of the commit's author and committer, when the platform links one. */
  author: string | null;
  committer: string | null;
  date: string | null;
}

/** Who put the final head on the change's branch, and how the platform let us know. */
export interface LastPushFact {
  sha: string;
  at: string | null;
  by: string | null;
  /** How `by` was learnt, in words for the record (e.g. "push event", "the head commit's author"). */
  source: string;
}

/** A policy file (configuration or waivers) the change touched, at its base and at its head. */
export interface PolicyFileFact {
  path: string;
  /** The gate's configuration file, or its waivers file. */
  kind: 'config' | 'waivers';
  /** The file's text at the base and at the merged head; null where it does not exist. */
  base: string | null;
  head: string | null;
}

/** The gate's check on the merged head as the platform shows it (a commit status, a pipeline job). */
export interface GateCheckFact {
  /** The status context (GitHub) or job name (GitLab). */
  name: string;
  state: 'success' | 'failure' | 'error' | 'pending' | 'canceled' | 'skipped' | 'manual';
  description: string | null;
  targetUrl: string | null;
  createdAt: string | null;
  /** Who set it: GitHub's status creator; GitLab's job user. Anyone with write access can set a status. */
  creator: string | null;
}

/** Whether the gate's check had to pass before the merge, as far as the token could read. */
export interface RequiredCheckFact {
  required: boolean | 'unknown';
  /** What was read (e.g. "rulesets for main", "branch protection", "project setting: pipelines must succeed"). */
  source: string;
  /** Why unknown (the API refused: 403, 404), or what required it. */
  detail: string | null;
}

export interface ChangeFacts {
  platform: 'github' | 'gitlab';
  /** "owner/name" or the GitLab project path. */
  repository: string;
  number: number;
  title: string;
  url: string | null;
  author: string | null;
  baseRef: string;
  baseSha: string | null;
  /** The head commit that was merged. */
  headSha: string;
  mergeCommitSha: string | null;
  merged: boolean;
  mergedBy: string | null;
  mergedAt: string | null;
  commits: CommitFact[];
  lastPush: LastPushFact | null;
  reviews: ReviewFact[];
  /** Every path the change touched (renames: both names); null when the platform did not list them all. */
  changedFiles: string[] | null;
  /** The policy files among them, with their text at base and head. */
  policyFiles: PolicyFileFact[];
  /** The code owners file at the base (the owners before the change), when there is one. */
  codeOwners: { path: string; text: string } | null;
  /**
   * Members of the teams/groups named in the code owners file, where the token could read them:
   * "@org/team" → logins. A team missing here could not be resolved.
   */
  ownerTeams: Record<string, string[]>;
  /**
   * Owner names that may be teams or groups but could not be read (GitLab's `@name` is a user or a
   * group): one of them might hold an approver, so owner approval is then unknown, not refused.
   */
  unresolvedOwners?: string[];
  /** The gate's checks on the merged head, newest first. */
  gateChecks: GateCheckFact[];
  requiredCheck: RequiredCheckFact;
  /** What the reader could not read, in words (each makes some part of the record "unknown"). */
  gaps: string[];
}

/** What a platform reader is asked to read about. */
export interface ChangeFactsRequest {
  number: number;
  /** Repository-relative paths of the policy and waiver files (as the base's configuration names them). */
  policyPaths: { path: string; kind: 'config' | 'waivers' }[];
  /** The gate's status context (GitHub) or job name (GitLab). */
  gateCheckName: string;
}
