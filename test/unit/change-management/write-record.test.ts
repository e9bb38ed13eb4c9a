import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBundle, verifyFiles } from '../../../src/bundle/verify.ts';
import { buildMergeRecord } from '../../../src/change-management/build-record.ts';
import { writeMergeRecord } from '../../../src/change-management/write-record.ts';
import { sigstoreSigner } from '../../../src/evidence/sign/sigstore-signer.ts';
import { verifyAttestation } from '../../../src/evidence/sign/verify-attestation.ts';
import { editJson, rewriteManifest } from '../../support/bundle-edit.ts';
import { changeFacts, gateRun } from '../../support/change-facts.ts';
import {
  GITHUB_ISSUER,
  githubClaims,
  type MockSigstore,
  mintToken,
  startMockSigstore,
} from '../../support/sigstore-mock.ts';

/*
 * A merge record's bundle, signed through the mock Fulcio and Rekor as a CI job signs it: the
 * manifest verifies, the attestation verifies for the job's identity with the record's own
 * predicate, and an edited record (its exceptions removed, the manifest written again) does not.
 */

const root = mkdtempSync(path.join(tmpdir(), 'cg-write-record-'));
const claims = githubClaims('octo/shop', 'merge-record.yml', 'refs/heads/main');
let sigstore: MockSigstore;
let trusted: TrustedRoot;

beforeAll(async () => {
  sigstore = await startMockSigstore(claims);
  trusted = TrustedRoot.fromJSON(sigstore.trustedRoot);
});
afterAll(() => {
  sigstore?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('writeMergeRecord', () => {
  const record = buildMergeRecord(changeFacts({ reviews: [] }), {
    recordedAt: new Date('2026-11-02T12:01:00Z'),
    gateRun: gateRun(),
    controlgateVersion: '0.0.0-test',
  });

  it('writes a bundle whose signature covers the record of this change and its exceptions', async () => {
    const dir = path.join(root, 'signed');
    const signer = sigstoreSigner(
      { describe: 'test token', getToken: async () => mintToken(claims) },
      { fulcioURL: sigstore.url, rekorURL: sigstore.url },
    );
    const written = await writeMergeRecord(record, { dir }, signer);
    expect(written.signing).toMatchObject({ signed: true });
    expect(written.paths.sort()).toEqual(['attestation.sigstore.json', 'manifest.json', 'merge-record.json']);
    const files = await readBundle(dir);
    expect(verifyFiles(files)).toMatchObject({ ok: true });
    const policy = { identity: claims.sub as string, issuer: GITHUB_ISSUER };
    const result = verifyAttestation(files, policy, trusted);
    expect(result).toMatchObject({
      status: 'signed',
      statement: {
        predicateType: 'https://controlgate.dev/merge-record/v1',
        predicate: { repository: 'octo/shop', changeNumber: 42, exceptions: ['no-approval'] },
      },
    });

    // The exceptions edited away and the manifest rewritten: the files agree, the signature does not.
    editJson(path.join(dir, 'merge-record.json'), (value) => {
      value.exceptions = [];
    });
    rewriteManifest(dir);
    const rewritten = await readBundle(dir);
    expect(verifyFiles(rewritten)).toMatchObject({ ok: true });
    const again = verifyAttestation(rewritten, policy, trusted);
    expect(again.status).toBe('invalid');
    expect(again.status === 'invalid' ? again.problems.join('\n') : '').toContain(
      'exceptions: the attestation says',
    );
  });

  it('writes an unsigned bundle without a signer, saying so', async () => {
    const written = await writeMergeRecord(record, {
      dir: path.join(root, 'unsigned'),
      zip: path.join(root, 'r.zip'),
    });
    expect(written.signing).toEqual({ signed: false, reason: 'no signer was configured', failed: false });
    expect(verifyFiles(await readBundle(path.join(root, 'r.zip')))).toMatchObject({ ok: true, files: 1 });
  });
});
