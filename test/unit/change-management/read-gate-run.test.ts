import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { attest } from 'sigstore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTESTATION_FILE, MANIFEST_FILE, type Manifest } from '../../../src/bundle/manifest.ts';
import { readBundle } from '../../../src/bundle/verify.ts';
import { gateRunFacts } from '../../../src/change-management/read-gate-run.ts';
import { evidenceStatement, STATEMENT_PAYLOAD_TYPE } from '../../../src/evidence/sign/statement.ts';
import { parseJsonReport } from '../../../src/report/json-report-schema.ts';
import type { RunFacts } from '../../../src/report/run-facts.ts';
import { sha, writeGateBundle } from '../../support/audit-fixtures.ts';
import { editJson, rewriteManifest } from '../../support/bundle-edit.ts';
import {
  GITHUB_ISSUER,
  githubClaims,
  type MockSigstore,
  mintToken,
  startMockSigstore,
} from '../../support/sigstore-mock.ts';

const root = mkdtempSync(path.join(tmpdir(), 'cg-read-gate-run-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function bundle(name: string, spec: Partial<Parameters<typeof writeGateBundle>[1]> = {}) {
  const dir = path.join(root, name);
  await writeGateBundle(dir, { number: 7, headSha: sha(7), finishedAt: '2026-03-02T10:00:00.000Z', ...spec });
  return dir;
}

describe('gateRunFacts', () => {
  it('reads what an intact bundle says: commit, change, decision, mode, waivers', async () => {
    const dir = await bundle('pass', {
      waiver: { id: 'W-1', approver: 'sec-dana', expires: '2027-01-31' },
    });
    const facts = gateRunFacts(await readBundle(dir), dir);
    expect(facts).toMatchObject({
      location: dir,
      intact: true,
      problems: [],
      signature: 'absent',
      repository: 'octo/shop',
      platform: 'github',
      headSha: sha(7),
      changeNumber: 7,
      decision: 'pass',
      exitCode: 0,
      failMode: 'enforce',
      failingCriteria: [],
      scannersFailed: [],
      policySource: 'base',
    });
    expect(facts.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(facts.waivers).toEqual([
      expect.objectContaining({ id: 'W-1', approver: 'sec-dana', expires: '2027-01-31', findings: 1 }),
    ]);
  });

  it('names the failing and not-evaluated criteria, the failed scanners and report-only mode', async () => {
    const blocked = gateRunFacts(await readBundle(await bundle('block', { outcome: 'block' })), 'b');
    expect(blocked).toMatchObject({ decision: 'block', exitCode: 1, failingCriteria: ['CC7.1'] });
    const unevaluated = await bundle('ne', {
      outcome: 'not-evaluated',
      scannerFailed: true,
      failMode: 'report-only',
    });
    expect(gateRunFacts(await readBundle(unevaluated), 'n')).toMatchObject({
      exitCode: 2,
      notEvaluatedCriteria: ['CC7.2'],
      scannersFailed: ['kics'],
      failMode: 'report-only',
    });
  });

  it('a file edited after writing: not intact, with the file named', async () => {
    const dir = await bundle('tampered');
    editJson(path.join(dir, 'run.json'), (run) => {
      run.commit = sha(8);
    });
    const facts = gateRunFacts(await readBundle(dir), dir);
    expect(facts.intact).toBe(false);
    expect(facts.problems.join('\n')).toContain('run.json: content changed');
  });

  it('an edit with the manifest written again: the files disagree, not intact', async () => {
    const dir = await bundle('forged', { outcome: 'block' });
    editJson(path.join(dir, 'controlgate.json'), (r) => {
      r.decision = 'pass';
      r.exitCode = 0;
    });
    rewriteManifest(dir);
    const facts = gateRunFacts(await readBundle(dir), dir);
    expect(facts.intact).toBe(false);
    expect(facts.problems.join('\n')).toContain('run.json says block');
  });

  it('an attestation without an identity to check: unchecked', async () => {
    const dir = await bundle('signed');
    writeFileSync(path.join(dir, 'attestation.sigstore.json'), '{}');
    expect(gateRunFacts(await readBundle(dir), dir).signature).toBe('unchecked');
  });

  it('not a gate bundle: described, never thrown', () => {
    const facts = gateRunFacts(new Map([['manifest.json', new TextEncoder().encode('{')]]), 'x');
    expect(facts.intact).toBe(false);
    expect(facts.problems.join('\n')).toMatch(/not valid JSON[\s\S]*not a gate evidence bundle/);
  });
});

describe('gateRunFacts with an identity to check the signature against', () => {
  const claims = githubClaims('octo/shop', 'gate.yml', 'refs/heads/main');
  let sigstore: MockSigstore;
  let trusted: TrustedRoot;

  beforeAll(async () => {
    sigstore = await startMockSigstore(claims);
    trusted = TrustedRoot.fromJSON(sigstore.trustedRoot);
  });
  afterAll(() => sigstore.close());

  /** A genuine bundle signed by the mock Fulcio and Rekor, as the gate's job signs its manifest. */
  async function signed(name: string): Promise<Map<string, Uint8Array>> {
    const files = await readBundle(await bundle(name));
    const decode = (file: string) => new TextDecoder().decode(files.get(file));
    const manifestBytes = files.get(MANIFEST_FILE) ?? new Uint8Array();
    const statement = evidenceStatement(
      manifestBytes,
      JSON.parse(decode(MANIFEST_FILE)) as Manifest,
      parseJsonReport(decode('controlgate.json'), 'controlgate.json'),
      JSON.parse(decode('run.json')) as RunFacts,
    );
    const attestation = await attest(Buffer.from(JSON.stringify(statement)), STATEMENT_PAYLOAD_TYPE, {
      fulcioURL: sigstore.url,
      rekorURL: sigstore.url,
      identityToken: mintToken(claims),
    });
    files.set(ATTESTATION_FILE, new TextEncoder().encode(JSON.stringify(attestation)));
    return files;
  }

  it('the expected identity: verified, with the signer', async () => {
    const policy = { identity: claims.sub as string, issuer: GITHUB_ISSUER };
    const facts = gateRunFacts(await signed('sig-ok'), 'x', { policy, root: trusted });
    expect(facts).toMatchObject({ intact: true, signature: 'verified', signer: claims.sub, problems: [] });
  });

  it('another identity: invalid, with why', async () => {
    const policy = {
      identity: 'https://github.com/octo/other/.github/workflows/x.yml@refs/heads/main',
      issuer: GITHUB_ISSUER,
    };
    const facts = gateRunFacts(await signed('sig-other'), 'x', { policy, root: trusted });
    expect(facts.signature).toBe('invalid');
    expect(facts.signer).toBeNull();
    expect(facts.problems.join('\n')).toContain('wrong identity');
  });
});
