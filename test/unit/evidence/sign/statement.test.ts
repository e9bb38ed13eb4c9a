import { describe, expect, it } from 'vitest';
import { MANIFEST_FILE, manifestOf, sha256 } from '../../../../src/bundle/manifest.ts';
import {
  BUNDLE_DIGEST_SUBJECT,
  evidenceStatement,
  PREDICATE_TYPE,
  STATEMENT_TYPE,
} from '../../../../src/evidence/sign/statement.ts';
import { control, report } from '../../../support/report-builders.ts';
import { ciRunFacts } from '../../../support/run-facts.ts';

describe('evidenceStatement', () => {
  const manifest = manifestOf([{ path: 'run.json', size: 2, sha256: sha256('{}') }], 'controlgate test');
  const manifestBytes = new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`);

  it('names the manifest file by the hash of its bytes and the bundle digest it states', () => {
    const r = report({ controls: [control('CC6.1', 'pass')] });
    const statement = evidenceStatement(manifestBytes, manifest, r, ciRunFacts(r));
    expect(statement._type).toBe(STATEMENT_TYPE);
    expect(statement.predicateType).toBe(PREDICATE_TYPE);
    expect(statement.subject).toEqual([
      { name: MANIFEST_FILE, digest: { sha256: sha256(manifestBytes) } },
      { name: BUNDLE_DIGEST_SUBJECT, digest: { sha256: manifest.digest } },
    ]);
  });

  it('the predicate carries the decision, the failing criteria and what the run was about', () => {
    const r = report({
      controls: [
        control('CC6.1', 'fail', { blocking: true }),
        control('CC7.1', 'fail'),
        control('CC8.1', 'pass'),
      ],
    });
    const facts = {
      ...ciRunFacts(r),
      hashes: { ...ciRunFacts(r).hashes, config: { file: '.controlgate.yml', sha256: 'c'.repeat(64) } },
    };
    const { predicate } = evidenceStatement(manifestBytes, manifest, r, facts);
    expect(predicate).toEqual({
      decision: 'block',
      exitCode: 1,
      failingCriteria: ['CC6.1', 'CC7.1'],
      repository: 'octo/shop',
      headSha: facts.commit,
      baseSha: facts.baseCommit,
      changeNumber: 482,
      runUrl: facts.runUrl,
      platform: 'github',
      event: 'pull_request',
      policyDigest: 'c'.repeat(64),
      controlgateVersion: facts.controlgateVersion,
    });
  });

  it('a run judged by the default policy has no policy digest', () => {
    const r = report({ controls: [control('CC6.1', 'pass')] });
    expect(evidenceStatement(manifestBytes, manifest, r, ciRunFacts(r)).predicate.policyDigest).toBeNull();
  });
});
