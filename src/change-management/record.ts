import type { RecordException } from './exceptions.ts';
import type { ChangeFacts } from './facts.ts';
import type { GateRunFacts } from './gate-run.ts';

/*
 * The merge record: what the platform said about a merged change (facts), the gate run on its merged
 * head (from its evidence bundle), what follows from both (judgement) and the exceptions. Written
 * as its own small bundle (merge-record.json + manifest + attestation) by ./write-record.ts.
 */

export { MERGE_RECORD_FILE } from '../evidence/sign/statement.ts';
export const MERGE_RECORD_KIND = 'controlgate.merge-record';

export interface MergeJudgement {
  /** Approvers of the final head, the author excluded. */
  finalHeadApprovers: string[];
  /** Approvers whose only approval was of an earlier head. */
  staleApprovers: string[];
  /** Final-head approvers other than the author and the last pusher: separation of duties holds when non-empty. */
  independentApprovers: string[];
  selfApproved: boolean;
  /** Policy and waiver files the change edits. */
  policyChanged: string[];
  /** Owners of those files per the base's code owners (null: no code owners file). */
  policyOwners: { path: string; owners: string[] }[] | null;
  /** Whether an owner of every changed policy file approved the final head; null when none changed. */
  policyOwnerApproved: boolean | 'unknown' | null;
  /** Waivers the change adds or edits, and whether their approvers were independent of it. */
  waiversAdded: {
    id: string | null;
    approver: string;
    expires: string;
    approverIsAuthor: boolean;
    approverApprovedChange: boolean;
  }[];
  /** The gate on the merged head: the platform's check and the bundle's decision. */
  gate: {
    check: ChangeFacts['gateChecks'][number]['state'] | 'none';
    decision: 'pass' | 'block' | 'not-evaluated' | 'none';
    digest: string | null;
    signature: GateRunFacts['signature'] | null;
  };
  requiredCheck: boolean | 'unknown';
}

export interface MergeRecord {
  kind: typeof MERGE_RECORD_KIND;
  version: 1;
  recordedAt: string;
  controlgateVersion: string;
  facts: ChangeFacts;
  /** The last gate run on the merged head, from its evidence bundle; null when none was found. */
  gateRun: GateRunFacts | null;
  judgement: MergeJudgement;
  exceptions: RecordException[];
}

export interface MergeRecordOptions {
  recordedAt: Date;
  gateRun: GateRunFacts | null;
  controlgateVersion: string;
}
