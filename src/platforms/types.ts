import type { AuditSource } from '../audit/source.ts';
import type { ChangeContext, PlatformId } from '../change-context.ts';
import type { ChangeFacts, ChangeFactsRequest } from '../change-management/facts.ts';
import type { JsonReport } from '../report/json-report-schema.ts';

/**
 * How the gate comments on a change: one sticky comment (update), inline review comments on the
 * changed lines of new blocking problems plus the sticky comment for what they do not cover
 * (review), both in full (both), or nothing (off).
 */
export const COMMENT_MODES = ['update', 'review', 'both', 'off'] as const;
export type CommentMode = (typeof COMMENT_MODES)[number];

export type CommentOutcome = 'created' | 'updated' | 'unchanged' | 'skipped';

/** What upserting the sticky comment did, and where a reader finds it (null when unknown or not posted). */
export interface PostedComment {
  outcome: CommentOutcome;
  url: string | null;
}
export type StatusState = 'success' | 'failure' | 'error';

/** Where a run's messages go: workflow commands on GitHub, stderr elsewhere. */
export interface Log {
  info(line: string): void;
  warning(line: string): void;
  error(line: string): void;
  /**
   * Folds the lines logged until `endGroup` under `title` (GitHub's `::group::`); absent where a
   * log cannot fold. Warnings and errors inside a group still show as annotations.
   */
  startGroup?(title: string): void;
  endGroup?(): void;
}

/** Runs `work` with its log lines folded under `title`, where the log can fold them. */
export async function inGroup<T>(log: Log, title: string, work: () => Promise<T>): Promise<T> {
  log.startGroup?.(title);
  try {
    return await work();
  } finally {
    log.endGroup?.();
  }
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
  /**
   * Creates or updates the one comment marked with `marker`; writes only when the text changed.
   * Returns what it did and the comment's web address (the commit status links to it). With
   * `create: false` an existing comment is updated and none is created ('skipped').
   */
  upsertComment?(marker: string, body: string, options?: { create?: boolean }): Promise<PostedComment>;
  /**
   * Makes the gate's inline review comments on the change (GitHub pull request review comments,
   * GitLab merge-request diff discussions) match `comments`: creates the missing ones, edits those
   * whose text changed, resolves those no longer wanted, and never touches a comment without the
   * gate's marker for `commentKey`.
   */
  syncReviewComments?(commentKey: string, comments: readonly ReviewComment[]): Promise<ReviewOutcome>;
  /**
   * A commit status (or pipeline equivalent) that branch protection can require; `targetUrl` is where
   * its "Details" link goes (the comment, else the run).
   */
  publishStatus?(
    state: StatusState,
    description: string,
    statusContext: string,
    targetUrl?: string,
  ): Promise<void>;
  /** Inline annotations on the most severe findings; returns how many were made. */
  annotate?(report: JsonReport): { errors: number; warnings: number };
  /**
   * Uploads the evidence folder where the platform keeps artifacts; what the platform answered (its
   * artifact id and the digest of what it stored, when it says them), or undefined when not uploaded.
   */
  uploadEvidence?(
    name: string,
    dir: string,
    files: readonly string[],
    retentionDays?: number,
  ): Promise<UploadedArtifact | undefined>;
  /** Platform-native report files (GitLab's SAST and Code Quality reports) in `dir`. */
  writeReports?(report: JsonReport, dir: string): Promise<string[]>;
  /** Step outputs other steps can read. */
  setOutputs?(outputs: Readonly<Record<string, string>>): void;
  /** The run's summary page (GitHub's job summary). */
  writeSummary?(markdown: string): Promise<void>;
  /** Whether change `number`'s head is `headSha` now (an untrusted number must name the scanned change). */
  confirmChange?(number: number, headSha: string): Promise<boolean>;
  /** Change management: what the API says about change `request.number` (merge-record mode). */
  readChangeFacts?(request: ChangeFactsRequest): Promise<ChangeFacts>;
  /** The change (PR or MR number) a commit on the target branch was merged from; null for a direct push. */
  changeOfCommit?(sha: string): Promise<number | null>;
  /** The merged changes and uploaded artifacts: the gate's bundle for a merge record, the period for `audit`. */
  auditSource?(): AuditSource;
  /** An API failure in the platform's own terms, with credentials removed. */
  describeFailure(error: unknown): string;
}

/**
 * How a run's exit code is chosen (the Action's `fail-mode`, the CLI's `--fail-mode`): enforce,
 * report-only, or auto (src/gate/fail-mode.ts). Here, below the gate, because the inputs name it.
 */
export type FailMode = 'enforce' | 'report-only' | 'auto';

/** One inline review comment the gate wants on a changed line of the change's head. */
export interface ReviewComment {
  /** Finds the comment again on a rerun (in its hidden marker): the problem's fingerprint. */
  fingerprint: string;
  /** Repository-relative path in the head commit. */
  path: string;
  /** The head lines it sits on; startLine < endLine makes a multi-line comment (and suggestion). */
  startLine: number;
  endLine: number;
  /** Markdown body, its hidden marker included. */
  body: string;
}

/** What syncing the review comments did. */
export interface ReviewOutcome {
  created: number;
  updated: number;
  unchanged: number;
  resolved: number;
}

/** An uploaded evidence artifact as the platform identifies it: an auditor finds and checks it by these. */
export interface UploadedArtifact {
  name: string;
  id: number | null;
  /** The platform's digest of the stored artifact (GitHub: sha256 of the zip it made), when given. */
  digest: string | null;
}
