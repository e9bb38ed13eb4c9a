import { rm } from 'node:fs/promises';
import { ATTESTATION_FILE, MANIFEST_FILE, type Manifest, manifestOf, sha256 } from '../bundle/manifest.ts';
import type { EvidenceSigner, SignOutcome } from '../evidence/sign/signer.ts';
import {
  MERGE_RECORD_PREDICATE_TYPE,
  STATEMENT_PAYLOAD_TYPE,
  STATEMENT_TYPE,
} from '../evidence/sign/statement.ts';
import { replaceDir, stagingDir, writeFiles, zipDir } from '../evidence/write-files.ts';
import { CONTROLGATE_VERSION } from '../version.ts';
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

export interface WrittenRecord {
  manifest: Manifest;
  paths: string[];
  dir?: string;
  zip?: string;
  signing: SignOutcome;
}

const encoder = new TextEncoder();

/** Writes the record's bundle as a folder and/or a reproducible zip, signed when a signer can. */
export async function writeMergeRecord(
  record: MergeRecord,
  target: { dir?: string; zip?: string },
  signer?: EvidenceSigner,
): Promise<WrittenRecord> {
  const near = target.dir ?? target.zip;
  if (!near) throw new Error('writeMergeRecord: neither a folder nor a zip was asked for');
  const staging = stagingDir(near);
  try {
    const json = encoder.encode(`${JSON.stringify(record, null, 2)}\n`);
    const entries = await writeFiles(staging, [[MERGE_RECORD_FILE, () => json]]);
    const manifest = manifestOf(entries, `controlgate ${CONTROLGATE_VERSION}`);
    const manifestBytes = encoder.encode(`${JSON.stringify(manifest, null, 2)}\n`);
    await writeFiles(staging, [[MANIFEST_FILE, () => manifestBytes]]);
    const paths = [MERGE_RECORD_FILE, MANIFEST_FILE];
    const signing: SignOutcome = signer
      ? await signer.sign(
          encoder.encode(JSON.stringify(mergeRecordStatement(manifestBytes, record))),
          STATEMENT_PAYLOAD_TYPE,
        )
      : { signed: false, reason: 'no signer was configured', failed: false };
    if (signing.signed) {
      await writeFiles(staging, [
        [ATTESTATION_FILE, () => encoder.encode(`${JSON.stringify(signing.bundle, null, 2)}\n`)],
      ]);
      paths.push(ATTESTATION_FILE);
    }
    if (target.zip) await zipDir(staging, paths, target.zip);
    if (target.dir) await replaceDir(staging, target.dir);
    return { manifest, paths, ...target, signing };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
