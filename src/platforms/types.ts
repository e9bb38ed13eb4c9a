/** Where a run happens and what it is about: the pull/merge request, commits, fork or not. */
export interface ChangeContext {
  platform: 'github' | 'gitlab' | 'local';
  eventName: string | null;
  /** "owner/name" (GitHub) or the project path (GitLab). */
  repository: string | null;
  /** Web URL of the repository, for file links. */
  repoUrl: string | null;
  /** The commit whose code was scanned (a PR's head, a push's commit). */
  headSha: string | null;
  baseSha: string | null;
  baseRef: string | null;
  /** PR or MR number; null for pushes and manual runs. */
  changeNumber: number | null;
  /** True when the change comes from a fork: the token cannot write, and its code is untrusted. */
  isFork: boolean;
  runUrl: string | null;
}

export type CommentOutcome = 'created' | 'updated' | 'unchanged' | 'skipped';

/** Publishing results where people look. Each platform implements it; `local` does nothing. */
export interface Platform {
  context: ChangeContext;
  /** Creates or updates the one comment marked with `marker`; writes only when the text changed. */
  upsertComment(marker: string, body: string): Promise<CommentOutcome>;
  /** A commit status (or pipeline equivalent) that branch protection can require. */
  publishStatus(state: 'success' | 'failure' | 'error', description: string, context: string): Promise<void>;
}
