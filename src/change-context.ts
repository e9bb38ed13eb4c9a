/** Where a run happens. `local` is every run outside GitHub Actions and GitLab CI. */
export type PlatformId = 'github' | 'gitlab' | 'local';

/**
 * What a run is about, read once from the CI environment by `platforms/detect.ts` (and completed
 * from git for local runs). Everything downstream (base choice, evidence, publishing) takes this
 * object instead of reading CI variables itself.
 */
export interface ChangeContext {
  platform: PlatformId;
  /** The CI event: GitHub's event name, GitLab's pipeline source; null locally. */
  eventName: string | null;
  /** True when the checkout is a proposed change with a base to compare with (PR, MR, merge queue). */
  isChange: boolean;
  /** "owner/name" (GitHub) or the project path (GitLab). */
  repository: string | null;
  /** Web URL of the repository, for file links. */
  repoUrl: string | null;
  /** The change's own head commit (a PR's head, a push's commit): what would be merged. */
  headSha: string | null;
  /** The commit the change is judged against (the PR's base, the MR's diff base). */
  baseSha: string | null;
  /**
   * The merge commit CI built and checked out when that is not the head (GitHub's
   * refs/pull/N/merge, GitLab's merged-results pipelines); null when the head itself was checked out.
   */
  mergeSha: string | null;
  /** The target branch of the change (or the default branch on GitLab). */
  baseRef: string | null;
  /** The branch the run is about: a PR's head branch, a push's branch. */
  headRef: string | null;
  /** PR or MR number; null for pushes and manual runs. */
  changeNumber: number | null;
  /** True when the change comes from a fork: the token cannot write, and its code is untrusted. */
  isFork: boolean;
  /** Who triggered the run. */
  actor: string | null;
  runUrl: string | null;
  /** Whether a token that can post comments and statuses was given. */
  tokenAvailable: boolean;
}
