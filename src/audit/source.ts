/*
 * Where `controlgate audit` gets a period's changes and evidence from a platform: the merged changes
 * (the population to reconcile with) and the artifacts the gate and merge-record jobs uploaded.
 * Implemented by src/platforms/github/audit-source.ts and src/platforms/gitlab/audit-source.ts;
 * tests run them against the loopback fakes.
 */

/** One change merged into the repository, as the platform lists it. */
export interface MergedChange {
  number: number;
  title: string;
  url: string | null;
  author: string | null;
  /** The head commit that was merged. */
  headSha: string;
  mergeCommitSha: string | null;
  mergedBy: string | null;
  /** ISO 8601. */
  mergedAt: string;
  baseRef: string;
}

/** An uploaded artifact (GitHub Actions artifact, GitLab job artifacts) that may hold a bundle. */
export interface ArtifactRef {
  /** The platform's id (GitHub artifact id; GitLab job id). */
  id: number;
  name: string;
  /** The commit the run that uploaded it was for, when the platform says. */
  headSha: string | null;
  createdAt: string | null;
  /** Past its retention: listed, but it can no longer be downloaded. */
  expired: boolean;
  /** Where a person finds it (the run or job page). */
  url: string | null;
}

export interface ArtifactQuery {
  /** Artifact names to keep (GitHub: the artifact's name; GitLab: the job's name). */
  names: readonly string[];
  /** Created within this period (inclusive), when given. */
  since?: Date;
  until?: Date;
  /** Only those uploaded by runs for this commit, when given. */
  headSha?: string;
}

export interface AuditSource {
  /** Every change merged into `baseRef` (default: any branch) between `since` and `until`, oldest first. */
  listMergedChanges(since: Date, until: Date, baseRef?: string): Promise<MergedChange[]>;
  listArtifacts(query: ArtifactQuery): Promise<ArtifactRef[]>;
  /**
   * Downloads an artifact's zip to `file`. GitHub's zip holds the uploaded files at its root;
   * GitLab's holds the job's artifact paths (the bundle in its folder): readers find the folder
   * holding manifest.json.
   */
  downloadArtifact(ref: ArtifactRef, file: string): Promise<void>;
}
