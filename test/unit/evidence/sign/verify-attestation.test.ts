import { TrustedRoot } from '@sigstore/protobuf-specs';
import { attest } from 'sigstore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTESTATION_FILE, MANIFEST_FILE, manifestOf, sha256 } from '../../../../src/bundle/manifest.ts';
import { evidenceStatement, STATEMENT_PAYLOAD_TYPE } from '../../../../src/evidence/sign/statement.ts';
import { verifyAttestation } from '../../../../src/evidence/sign/verify-attestation.ts';
import { control, report } from '../../../support/report-builders.ts';
import { ciRunFacts } from '../../../support/run-facts.ts';
import {
  GITHUB_ISSUER,
  githubClaims,
  type MockSigstore,
  mintToken,
  startMockSigstore,
} from '../../../support/sigstore-mock.ts';

/*
 * verifyAttestation on bundles signed for real by @sigstore/mock's Fulcio and Rekor on the loopback:
 * what the statement says is checked against the files, and the certificate's repository against
 * the statement's.
 */

const CLAIMS = githubClaims('octo/shop', 'gate.yml', 'refs/heads/main');
const POLICY = { identity: CLAIMS.sub as string, issuer: GITHUB_ISSUER };
const encoder = new TextEncoder();
let sigstore: MockSigstore;
let root: TrustedRoot;

beforeAll(async () => {
  sigstore = await startMockSigstore(CLAIMS);
  root = TrustedRoot.fromJSON(sigstore.trustedRoot);
});
afterAll(() => sigstore.close());

/** A minimal bundle's files, and its attestation signed over `statementOf(manifestBytes)`. */
async function signedFiles(
  edit: (statement: ReturnType<typeof evidenceStatement>) => unknown = (s) => s,
  payloadType = STATEMENT_PAYLOAD_TYPE,
): Promise<Map<string, Uint8Array>> {
  const r = report({ controls: [control('CC6.1', 'pass')] });
  const controlgate = encoder.encode(JSON.stringify(r));
  const manifest = manifestOf(
    [{ path: 'controlgate.json', size: controlgate.length, sha256: sha256(controlgate) }],
    'test',
  );
  const manifestBytes = encoder.encode(JSON.stringify(manifest));
  const statement = edit(evidenceStatement(manifestBytes, manifest, r, ciRunFacts(r)));
  const bundle = await attest(Buffer.from(JSON.stringify(statement)), payloadType, {
    fulcioURL: sigstore.url,
    rekorURL: sigstore.url,
    identityToken: mintToken(CLAIMS),
  });
  return new Map([
    ['controlgate.json', controlgate],
    [MANIFEST_FILE, manifestBytes],
    [ATTESTATION_FILE, encoder.encode(JSON.stringify(bundle))],
  ]);
}

describe('verifyAttestation', () => {
  it('signed: the identity, issuer and the certificate source repository and ref', async () => {
    const result = verifyAttestation(await signedFiles(), POLICY, root);
    expect(result).toMatchObject({
      status: 'signed',
      identity: CLAIMS.sub,
      issuer: GITHUB_ISSUER,
      repository: 'https://github.com/octo/shop',
      ref: 'refs/heads/main',
    });
  });

  it('no attestation: unsigned', () => {
    expect(verifyAttestation(new Map(), POLICY, root)).toEqual({ status: 'unsigned' });
  });

  it('a statement claiming another repository than the certificate was issued to', async () => {
    const files = await signedFiles((s) => ({
      ...s,
      predicate: { ...s.predicate, repository: 'octo/bank' },
    }));
    expect(verifyAttestation(files, POLICY, root)).toEqual({
      status: 'invalid',
      problems: [
        'repository: the attestation claims "octo/bank", the signing certificate was issued to https://github.com/octo/shop',
      ],
    });
  });

  it('another predicate type, or another payload type, is not our evidence', async () => {
    const other = await signedFiles((s) => ({ ...s, predicateType: 'https://slsa.dev/provenance/v1' }));
    expect(verifyAttestation(other, POLICY, root)).toMatchObject({
      status: 'invalid',
      problems: [expect.stringContaining('predicateType is "https://slsa.dev/provenance/v1"')],
    });
    const text = await signedFiles((s) => s, 'text/plain');
    expect(verifyAttestation(text, POLICY, root)).toMatchObject({
      status: 'invalid',
      problems: [expect.stringContaining('payloadType is "text/plain"')],
    });
  });

  it('an attestation that is not a Sigstore bundle names the file', () => {
    const files = new Map([[ATTESTATION_FILE, encoder.encode('{"mediaType":"x"}')]]);
    expect(verifyAttestation(files, POLICY, root)).toMatchObject({
      status: 'invalid',
      problems: [expect.stringContaining(`${ATTESTATION_FILE}: not a Sigstore bundle`)],
    });
  });
});
