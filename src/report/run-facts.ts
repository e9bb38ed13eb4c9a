/** Everything an auditor needs to know about one run, written as run.json in the evidence bundle. */
export interface RunFacts {
  controlgateVersion: string;
  /** e.g. "octo/shop"; from CI variables or the git remote, when known. */
  repository: string | null;
  /** Where the run happened: github, gitlab or local. */
  platform: 'github' | 'gitlab' | 'local';
  /** The CI event (pull_request, merge_group, push, merge_request_event, …); null locally. */
  event: string | null;
  /** The change's head commit: what would be merged (on a PR, not the merge commit CI checked out). */
  commit: string | null;
  /** The commit the change was judged against (the PR's base, the MR's diff base), when there is one. */
  baseCommit: string | null;
  /** The merge commit CI built and scanned instead of the head (GitHub refs/pull/N/merge, GitLab merged results). */
  mergeCommit: string | null;
  branch: string | null;
  /** PR or MR number, when the run is for one. */
  changeNumber: number | null;
  /** True when the change comes from a fork (its code is untrusted; the CI token is read-only). */
  isFork: boolean;
  actor: string | null;
  runUrl: string | null;
  startedAt: string;
  finishedAt: string;
  host: { os: string; release: string; arch: string; node: string };
  scanners: {
    id: string;
    name: string;
    version: string | null;
    status: 'ok' | 'failed' | 'skipped';
    /** The command line as run, with the workspace root written as "<root>". */
    command: string[] | null;
    exitCode: number | null;
    durationMs: number;
    error: string | null;
  }[];
  /** SHA-256 of every input the decision rested on. */
  hashes: {
    config: { file: string; sha256: string } | null;
    catalog: { version: string; sha256: string };
    mapping: { version: string; sha256: string };
    waivers: { file: string; sha256: string } | null;
    rulePacks: { path: string; sha256: string }[];
  };
  /**
   * Where the rules came from: `base` (the change's base commit, so the change could not edit them),
   * `worktree` (no change to judge), `head` (the change's own, a local experiment).
   */
  policy: { source: 'base' | 'worktree' | 'head'; commit: string | null };
  /**
   * What the change was compared with, when it was: only findings it introduced could block.
   * null when every finding was judged on its own.
   */
  comparedWith: {
    status: 'compared' | 'unavailable';
    judged: 'new' | 'all';
    source: 'worktree' | 'bundle';
    baseRef: string | null;
    mergeBase: string | null;
    /** The baseline bundle's digest, when an earlier run's evidence stood for the base. */
    bundleDigest: string | null;
    changedFiles: number;
  } | null;
  decision: 'pass' | 'block';
  /** The gate's exit code; the step's own is 0 when `failMode.applied` is report-only. */
  exitCode: 0 | 1 | 2;
  /**
   * How the step's exit code was chosen: the setting (enforce, report-only, auto) and what it came to
   * on this run, with why when auto chose report-only. Absent in bundles from before it was recorded.
   */
  failMode?: {
    setting: 'enforce' | 'report-only' | 'auto';
    applied: 'enforce' | 'report-only';
    because: string | null;
  };
  /**
   * Whether the run meant to sign the bundle (with which OIDC token) or why not. Written before
   * signing: attestation.sigstore.json, outside the manifest, is the record that it signed. Absent
   * in bundles from before signing.
   */
  signing?: { attempted: boolean; via: string | null; reason: string | null };
}
