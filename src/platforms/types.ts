import type { JsonReport } from '../report/json-report-schema.ts';

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

export type CommentOutcome = 'created' | 'updated' | 'unchanged' | 'skipped';
export type StatusState = 'success' | 'failure' | 'error';

/** Where a run's messages go: workflow commands on GitHub, stderr elsewhere. */
export interface Log {
  info(line: string): void;
  warning(line: string): void;
  error(line: string): void;
}

/** What a platform's comment renderer must respect. */
export interface PlatformLimits {
  /** The longest comment (PR comment, MR note) the platform accepts, in characters. */
  commentChars: number;
}

/**
 * Publishing where people look. Every capability is optional: the gate uses what a platform has
 * (renovate's platform interface works the same way). Each implementation ends `satisfies Platform`.
 * Capabilities that talk to an API may throw; the gate turns that into a warning, never a decision.
 */
export interface Platform {
  readonly id: PlatformId;
  readonly context: ChangeContext;
  readonly limits: PlatformLimits;
  /** What the platform calls the sticky comment, for log lines ("PR comment", "merge-request note"). */
  readonly commentName: string;
  /** The URL prefix file links are built on (`<prefix>/blob/<sha>/<path>`), when known. */
  readonly blobBase: string | null;
  /** Where a reader finds the evidence bundle called `name`, as the comment and summary say it. */
  evidenceHint(name: string): string;
  /**
   * Why nothing can be posted in this run (a fork's read-only token, no token), said once instead
   * of a failed request per publication; undefined when posting may work.
   */
  readonly cannotPublish?: string;
  /** Creates or updates the one comment marked with `marker`; writes only when the text changed. */
  upsertComment?(marker: string, body: string): Promise<CommentOutcome>;
  /** A commit status (or pipeline equivalent) that branch protection can require. */
  publishStatus?(state: StatusState, description: string, statusContext: string): Promise<void>;
  /** Inline annotations on the most severe findings; returns how many were made. */
  annotate?(report: JsonReport): { errors: number; warnings: number };
  /** Uploads the evidence folder where the platform keeps artifacts. */
  uploadEvidence?(
    name: string,
    dir: string,
    files: readonly string[],
    retentionDays?: number,
  ): Promise<boolean>;
  /** Platform-native report files (GitLab's SAST and Code Quality reports) in `dir`. */
  writeReports?(report: JsonReport, dir: string): Promise<string[]>;
  /** Step outputs other steps can read. */
  setOutputs?(outputs: Readonly<Record<string, string>>): void;
  /** The run's summary page (GitHub's job summary). */
  writeSummary?(markdown: string): Promise<void>;
  /** Whether change `number`'s head is `headSha` now (an untrusted number must name the scanned change). */
  confirmChange?(number: number, headSha: string): Promise<boolean>;
  /** An API failure in the platform's own terms, with credentials removed. */
  describeFailure(error: unknown): string;
}
