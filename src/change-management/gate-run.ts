/*
 * What one gate run's evidence bundle says, as the merge record and the audit population need it:
 * whether the bundle is intact and signed, what it decided about which commit, in which mode, and
 * which waivers it applied. Read from the bundle's files by `gateRunFacts` (./read-gate-run.ts).
 */

export type SignatureState =
  /** An attestation verified against the identity the auditor named. */
  | 'verified'
  /** An attestation is present but was not checked (no identity given). */
  | 'unchecked'
  | 'absent'
  | 'invalid';

export interface GateRunFacts {
  /** Where it was read from: a path, or "artifact <name> #<id>". */
  location: string;
  /** Every file matches the manifest and the files agree with each other. */
  intact: boolean;
  /** What is wrong when not intact, or the signature's problems. */
  problems: string[];
  digest: string | null;
  signature: SignatureState;
  /** The signing certificate's identity, when verified. */
  signer: string | null;
  repository: string | null;
  platform: string | null;
  event: string | null;
  /** The change's head commit the run judged. */
  headSha: string | null;
  changeNumber: number | null;
  finishedAt: string | null;
  runUrl: string | null;
  decision: 'pass' | 'block' | null;
  exitCode: 0 | 1 | 2 | null;
  /** What the fail mode came to on this run; null in bundles from before it was recorded. */
  failMode: 'enforce' | 'report-only' | null;
  failingCriteria: string[];
  notEvaluatedCriteria: string[];
  /** Scanners that failed or were skipped for a missing tool. */
  scannersFailed: string[];
  /** Where the rules came from (base on a change). */
  policySource: 'base' | 'worktree' | 'head' | null;
  /** Waivers that took findings out of the decision. */
  waivers: {
    id: string | null;
    approver: string;
    expires: string;
    reason: string;
    ticket: string;
    findings: number;
  }[];
}
