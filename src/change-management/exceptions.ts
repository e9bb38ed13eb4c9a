/*
 * The exceptions a change-management record can carry: each is a fact an auditor must look at
 * (a change merged without the gate, approved by its author, …). Codes are stable: the population
 * CSV, the JSON and the HTML report use them, and docs/change-management.md explains each.
 */
export const EXCEPTION_CODES = [
  /** No gate run on the merged head: neither a check on the platform nor an evidence bundle. */
  'no-gate-run',
  /** The gate's last run on the merged head blocked it (or its check failed), and it merged anyway. */
  'merged-while-blocked',
  /** The gate could not evaluate the merged head (exit 2, a check in error, pending or canceled). */
  'merged-not-evaluated',
  /** The gate ran in report-only mode: its decision could not stop the merge. */
  'gate-report-only',
  /** The gate's check was not required by the branch's protection, so the merge did not wait for it. */
  'gate-not-required',
  /** The platform shows a passing check, but no intact evidence bundle backs it (anyone with write access can set a status). */
  'gate-evidence-missing',
  /** The bundle of the gate run is not intact, or its signature is not valid. */
  'bundle-unverifiable',
  /** A scanner of the gate run failed or was missing: the criteria it covers were not judged. */
  'scanners-missing',
  /** Nobody approved the change (other than its author). */
  'no-approval',
  /** The change was approved, but only on an earlier head: commits were pushed after the last approval. */
  'approval-before-last-push',
  /** The author approved their own change (GitLab allows it unless the project forbids it). */
  'self-approval',
  /** The only approvals of the final head came from whoever pushed it. */
  'approver-is-last-pusher',
  /** The change edits the gate's policy or waivers: its own rules were not those that judged it. */
  'policy-changed',
  /** The policy or waiver change was not approved by an owner of those files (per the base's code owners). */
  'policy-not-owner-approved',
  /** The policy or waiver change's owner approval could not be checked (no code owners file, or teams unreadable). */
  'policy-owner-approval-unknown',
  /** A waiver the change adds names the change's author as its approver. */
  'waiver-approver-is-author',
  /** A waiver the change adds names an approver who did not approve the change. */
  'waiver-approver-not-approver',
  /** Merged with no merge record (audit only: the merge-record job did not run or its record is lost). */
  'no-merge-record',
] as const;

export type ExceptionCode = (typeof EXCEPTION_CODES)[number];

export interface RecordException {
  code: ExceptionCode;
  /** The exception in words, with the names and commits it concerns. */
  text: string;
}
