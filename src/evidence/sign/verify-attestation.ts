import { bundleFromJSON } from '@sigstore/bundle';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import {
  PolicyError,
  type Signer,
  toSignedEntity,
  toTrustMaterial,
  VerificationError,
  Verifier,
} from '@sigstore/verify';
import { ATTESTATION_FILE, MANIFEST_FILE, type Manifest, sha256 } from '../../bundle/manifest.ts';
import { errorMessage } from '../../errors.ts';
import {
  BUNDLE_DIGEST_SUBJECT,
  type EvidenceStatement,
  MERGE_RECORD_FILE,
  MERGE_RECORD_PREDICATE_TYPE,
  PREDICATE_TYPE,
  STATEMENT_PAYLOAD_TYPE,
  STATEMENT_TYPE,
} from './statement.ts';

/*
 * Checking the attestation of a bundle whose manifest already verified: the Sigstore bundle
 * (DSSE signature, certificate chain to the trusted root, the certificate's identity and issuer,
 * the transparency-log entry against the root's log keys, offline), then what it says against the
 * bundle: its subject is this manifest, its decision is this bundle's decision.
 */

/** Who must have signed: the certificate's SAN (exactly, or matching a regular expression) and issuer. */
export interface IdentityPolicy {
  identity?: string;
  identityRegexp?: string;
  issuer: string;
}

export type AttestationResult =
  | { status: 'unsigned' }
  | {
      status: 'signed';
      identity: string;
      issuer: string;
      /** The Fulcio extensions for the source repository and ref, where the certificate has them. */
      repository: string | null;
      ref: string | null;
      statement: EvidenceStatement;
    }
  | { status: 'invalid'; problems: string[] };

const OID_SOURCE_REPOSITORY_URI = '1.3.6.1.4.1.57264.1.12';
const OID_SOURCE_REPOSITORY_REF = '1.3.6.1.4.1.57264.1.14';

/** The SAN pattern: anchored, so an exact identity cannot match a longer one (sigstore's is a bare regexp). */
export function identityPattern(policy: Pick<IdentityPolicy, 'identity' | 'identityRegexp'>): RegExp {
  if (policy.identity !== undefined)
    return new RegExp(`^${policy.identity.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`);
  if (policy.identityRegexp !== undefined) return new RegExp(`^(?:${policy.identityRegexp})$`);
  throw new Error('identityPattern: neither an identity nor an identity regexp was given');
}

/** A Fulcio v2 extension's text: a DER UTF8String (tag 0x0c) with a short length, else the raw bytes. */
function extensionText(signer: Signer, oid: string): string | null {
  const found = signer.identity?.oids?.find((o) => o.oid?.id.join('.') === oid);
  if (!found) return null;
  const value = found.value;
  if (value[0] === 0x0c && value.length >= 2 && (value[1] ?? 0) < 0x80)
    return value.subarray(2).toString('utf8');
  return value.toString('utf8');
}

/** "octo/shop" from "https://github.com/octo/shop" (GitLab: the whole project path, groups included). */
function repositoryPath(uri: string): string | null {
  try {
    return new URL(uri).pathname.replace(/^\/+|\/+$/g, '');
  } catch {
    return null;
  }
}

function decode(bytes: Uint8Array | undefined): string {
  return bytes ? new TextDecoder().decode(bytes) : '';
}

/** The statement in the DSSE envelope, with what is wrong with its shape. */
function statementOf(
  payloadType: string,
  payload: Buffer,
  predicateType: string,
): { statement?: EvidenceStatement; problem?: string } {
  if (payloadType !== STATEMENT_PAYLOAD_TYPE)
    return { problem: `DSSE payloadType is "${payloadType}", expected "${STATEMENT_PAYLOAD_TYPE}"` };
  try {
    const statement = JSON.parse(payload.toString('utf8')) as EvidenceStatement;
    if (statement._type !== STATEMENT_TYPE)
      return { problem: `statement _type is "${String(statement._type)}", expected "${STATEMENT_TYPE}"` };
    if (statement.predicateType !== predicateType)
      return {
        problem: `statement predicateType is "${String(statement.predicateType)}", expected "${predicateType}"`,
      };
    return { statement };
  } catch {
    return { problem: 'the DSSE payload is not JSON' };
  }
}

/** What a merge record's statement says that its record contradicts (the manifest is checked apart). */
function recordMismatches(statement: EvidenceStatement, files: ReadonlyMap<string, Uint8Array>): string[] {
  const said = statement.predicate as unknown as Record<string, unknown> | undefined;
  try {
    const record = JSON.parse(decode(files.get(MERGE_RECORD_FILE))) as {
      facts?: { repository?: unknown; number?: unknown; headSha?: unknown };
      exceptions?: { code?: unknown }[];
    };
    const problems: string[] = [];
    const pairs: [string, unknown, unknown][] = [
      ['repository', said?.repository, record.facts?.repository],
      ['change number', said?.changeNumber, record.facts?.number],
      ['head commit', said?.headSha, record.facts?.headSha],
      [
        'exceptions',
        JSON.stringify(said?.exceptions),
        JSON.stringify((record.exceptions ?? []).map((e) => e.code)),
      ],
    ];
    for (const [what, signed, written] of pairs)
      if (signed !== written)
        problems.push(
          `${what}: the attestation says ${String(signed)}, ${MERGE_RECORD_FILE} says ${String(written)}`,
        );
    return problems;
  } catch {
    return [`${MERGE_RECORD_FILE}: missing or not valid JSON`];
  }
}

/** What the statement says that this bundle's files contradict. */
function mismatches(statement: EvidenceStatement, files: ReadonlyMap<string, Uint8Array>): string[] {
  const problems: string[] = [];
  const subject = (name: string) => statement.subject?.find((s) => s.name === name)?.digest?.sha256;
  const manifestBytes = files.get(MANIFEST_FILE);
  const manifestSha = manifestBytes ? sha256(manifestBytes) : '';
  if (subject(MANIFEST_FILE) !== manifestSha)
    problems.push(
      `subject ${MANIFEST_FILE}: the attestation signed sha256:${subject(MANIFEST_FILE) ?? '(none)'}, this bundle's manifest is sha256:${manifestSha}`,
    );
  if ((statement.predicateType as string) === MERGE_RECORD_PREDICATE_TYPE)
    return [...problems, ...recordMismatches(statement, files)];
  try {
    const manifest = JSON.parse(decode(manifestBytes)) as Manifest;
    if (subject(BUNDLE_DIGEST_SUBJECT) !== manifest.digest)
      problems.push(
        `subject ${BUNDLE_DIGEST_SUBJECT}: the attestation signed sha256:${subject(BUNDLE_DIGEST_SUBJECT) ?? '(none)'}, the manifest states sha256:${manifest.digest}`,
      );
  } catch {
    problems.push(`${MANIFEST_FILE}: not valid JSON`);
  }
  try {
    const report = JSON.parse(decode(files.get('controlgate.json'))) as {
      decision?: unknown;
      exitCode?: unknown;
    };
    if (statement.predicate?.decision !== report.decision)
      problems.push(
        `decision: the attestation says "${String(statement.predicate?.decision)}", controlgate.json says "${String(report.decision)}"`,
      );
    if (statement.predicate?.exitCode !== report.exitCode)
      problems.push(
        `exit code: the attestation says ${String(statement.predicate?.exitCode)}, controlgate.json says ${String(report.exitCode)}`,
      );
  } catch {
    problems.push('controlgate.json: missing or not valid JSON');
  }
  return problems;
}

/**
 * Verifies the bundle's attestation, if it has one, against `root` and `policy`. The manifest's
 * own hashes are checked elsewhere (bundle/verify.ts) and first: this trusts no file it reads
 * except through the signature.
 */
export function verifyAttestation(
  files: ReadonlyMap<string, Uint8Array>,
  policy: IdentityPolicy,
  root: TrustedRoot,
): AttestationResult {
  const raw = files.get(ATTESTATION_FILE);
  if (!raw) return { status: 'unsigned' };
  let bundle: ReturnType<typeof bundleFromJSON>;
  try {
    bundle = bundleFromJSON(JSON.parse(decode(raw)));
  } catch (error) {
    return {
      status: 'invalid',
      problems: [`${ATTESTATION_FILE}: not a Sigstore bundle: ${errorMessage(error)}`],
    };
  }
  if (bundle.content.$case !== 'dsseEnvelope')
    return {
      status: 'invalid',
      problems: [`${ATTESTATION_FILE}: holds a message signature, expected a DSSE envelope`],
    };
  let signer: Signer;
  try {
    const verifier = new Verifier(toTrustMaterial(root), { tlogThreshold: 1, ctlogThreshold: 1 });
    signer = verifier.verify(toSignedEntity(bundle), {
      subjectAlternativeName: identityPattern(policy),
      extensions: { issuer: policy.issuer },
    });
  } catch (error) {
    if (error instanceof PolicyError)
      return { status: 'invalid', problems: [`wrong identity: ${error.message}`] };
    const code = error instanceof VerificationError ? ` (${error.code})` : '';
    return { status: 'invalid', problems: [`signature not valid${code}: ${errorMessage(error)}`] };
  }
  const envelope = bundle.content.dsseEnvelope;
  // A merge record bundle is signed with its own predicate; a gate bundle with the evidence one.
  const predicateType = files.has(MERGE_RECORD_FILE) ? MERGE_RECORD_PREDICATE_TYPE : PREDICATE_TYPE;
  const { statement, problem } = statementOf(envelope.payloadType, envelope.payload, predicateType);
  if (!statement) return { status: 'invalid', problems: [`${ATTESTATION_FILE}: ${problem}`] };
  const problems = mismatches(statement, files);
  const repositoryUri = extensionText(signer, OID_SOURCE_REPOSITORY_URI);
  const claimed = statement.predicate?.repository;
  // The certificate says which repository's workflow signed; the predicate must claim that one.
  if (repositoryUri && claimed && repositoryPath(repositoryUri) !== claimed)
    problems.push(
      `repository: the attestation claims "${claimed}", the signing certificate was issued to ${repositoryUri}`,
    );
  if (problems.length > 0) return { status: 'invalid', problems };
  return {
    status: 'signed',
    identity: signer.identity?.subjectAlternativeName ?? '',
    issuer: signer.identity?.extensions?.issuer ?? '',
    repository: repositoryUri,
    ref: extensionText(signer, OID_SOURCE_REPOSITORY_REF),
    statement,
  };
}
