import { MANIFEST_FILE, type Manifest, sha256 } from '../../bundle/manifest.ts';
import type { JsonReport } from '../../report/json-report-schema.ts';
import type { RunFacts } from '../../report/run-facts.ts';

/*
 * The in-toto Statement (v1) a CI run signs. Its subjects are the manifest file, by the SHA-256 of
 * its bytes (the manifest lists every other file's hash, so this one value covers the whole bundle),
 * and the bundle digest the manifest states (what logs, statuses and summaries quote). The zip is
 * not a subject: the attestation is written into it, so its hash is only known after signing.
 */

export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
/** What the predicate is: controlgate's evidence of one gate run, version 1 of its shape. */
export const PREDICATE_TYPE = 'https://controlgate.dev/evidence/v1';
/**
 * The predicate of a merge record's statement (src/change-management/write-record.ts): the record of
 * one merged change, version 1. Named here, beside the evidence's, so one verifier checks both.
 */
export const MERGE_RECORD_PREDICATE_TYPE = 'https://controlgate.dev/merge-record/v1';
/** The file a merge record bundle holds its record in. */
export const MERGE_RECORD_FILE = 'merge-record.json';
/** The DSSE payload type of an in-toto statement. */
export const STATEMENT_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
/** The subject name the bundle digest goes by (it is a hash of the manifest's file list, see manifest.ts). */
export const BUNDLE_DIGEST_SUBJECT = 'controlgate-evidence-bundle-digest';

export interface EvidencePredicate {
  decision: 'pass' | 'block';
  exitCode: 0 | 1 | 2;
  /** Criteria whose verdict is fail, by id. */
  failingCriteria: string[];
  repository: string | null;
  headSha: string | null;
  baseSha: string | null;
  /** PR or MR number. */
  changeNumber: number | null;
  runUrl: string | null;
  platform: RunFacts['platform'];
  event: string | null;
  /** SHA-256 of the policy file (run.json hashes.config); null when the defaults judged. */
  policyDigest: string | null;
  controlgateVersion: string;
}

export interface EvidenceStatement {
  _type: typeof STATEMENT_TYPE;
  subject: { name: string; digest: { sha256: string } }[];
  predicateType: typeof PREDICATE_TYPE;
  predicate: EvidencePredicate;
}

/** The statement for a bundle whose manifest was written as `manifestBytes`. */
export function evidenceStatement(
  manifestBytes: Uint8Array,
  manifest: Manifest,
  report: Pick<JsonReport, 'decision' | 'exitCode' | 'controls'>,
  facts: RunFacts,
): EvidenceStatement {
  return {
    _type: STATEMENT_TYPE,
    subject: [
      { name: MANIFEST_FILE, digest: { sha256: sha256(manifestBytes) } },
      { name: BUNDLE_DIGEST_SUBJECT, digest: { sha256: manifest.digest } },
    ],
    predicateType: PREDICATE_TYPE,
    predicate: {
      decision: report.decision,
      exitCode: report.exitCode,
      failingCriteria: report.controls.filter((c) => c.verdict === 'fail').map((c) => c.id),
      repository: facts.repository,
      headSha: facts.commit,
      baseSha: facts.baseCommit,
      changeNumber: facts.changeNumber,
      runUrl: facts.runUrl,
      platform: facts.platform,
      event: facts.event,
      policyDigest: facts.hashes.config?.sha256 ?? null,
      controlgateVersion: facts.controlgateVersion,
    },
  };
}
