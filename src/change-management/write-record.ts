import { MANIFEST_FILE, sha256 } from '../bundle/manifest.ts';
import { type SealedBundle, sealBundle } from '../evidence/seal.ts';
import type { EvidenceSigner } from '../evidence/sign/signer.ts';
import { MERGE_RECORD_PREDICATE_TYPE, STATEMENT_TYPE } from '../evidence/sign/statement.ts';
import { MERGE_RECORD_FILE, type MergeRecord } from './record.ts';

export { MERGE_RECORD_PREDICATE_TYPE };

/*
 * A merge record is its own small bundle, written like the gate's evidence: merge-record.json, the
 * manifest over it, and, in CI with an OIDC token, an attestation signing the manifest. `evidence
 * verify` checks it as it checks a gate bundle.
 */

export interface MergeRecordPredicate {
  repository: string;
  changeNumber: number;
  headSha: string;
  mergeCommitSha: string | null;
  mergedAt: string | null;
  /** The exception codes of the record, in its order. */
  exceptions: string[];
  controlgateVersion: string;
}

export interface MergeRecordStatement {
  _type: typeof STATEMENT_TYPE;
  subject: { name: string; digest: { sha256: string } }[];
  predicateType: typeof MERGE_RECORD_PREDICATE_TYPE;
  predicate: MergeRecordPredicate;
}

export function mergeRecordStatement(manifestBytes: Uint8Array, record: MergeRecord): MergeRecordStatement {
  return {
    _type: STATEMENT_TYPE,
    subject: [{ name: MANIFEST_FILE, digest: { sha256: sha256(manifestBytes) } }],
    predicateType: MERGE_RECORD_PREDICATE_TYPE,
    predicate: {
      repository: record.facts.repository,
      changeNumber: record.facts.number,
      headSha: record.facts.headSha,
      mergeCommitSha: record.facts.mergeCommitSha,
      mergedAt: record.facts.mergedAt,
      exceptions: record.exceptions.map((e) => e.code),
      controlgateVersion: record.controlgateVersion,
    },
  };
}

const encoder = new TextEncoder();

/** Writes the record's bundle as a folder and/or a reproducible zip, signed when a signer can. */
export function writeMergeRecord(
  record: MergeRecord,
  target: { dir?: string; zip?: string },
  signer?: EvidenceSigner,
): Promise<SealedBundle> {
  const json = encoder.encode(`${JSON.stringify(record, null, 2)}\n`);
  return sealBundle(
    [[MERGE_RECORD_FILE, () => json]],
    target,
    (manifestBytes) => mergeRecordStatement(manifestBytes, record),
    signer,
  );
}
