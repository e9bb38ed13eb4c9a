import { describe, expect, it } from 'vitest';
import { auditDocument } from '../../../src/audit/document.ts';
import { buildPopulation } from '../../../src/audit/population.ts';
import type { AuditResult } from '../../../src/audit/run-audit.ts';
import { auditSummary } from '../../../src/audit/summary-text.ts';
import { mergedChange, REPOSITORY, sha } from '../../support/audit-fixtures.ts';

const period = { since: new Date('2026-03-01T00:00:00Z'), until: new Date('2026-03-31T23:59:59.999Z') };

function result(merged?: ReturnType<typeof mergedChange>[]): AuditResult {
  const population = buildPopulation({
    period,
    gateRuns: [],
    records: [],
    ...(merged ? { merged, repository: REPOSITORY } : {}),
  });
  const document = auditDocument(population, {
    generatedAt: new Date('2026-04-01T00:00:00Z'),
    controlgateVersion: '0.0.0-test',
    repository: merged ? REPOSITORY : null,
    rejected: [],
    gaps: [],
    sample: null,
  });
  return {
    document,
    written: {
      csv: '/x/out/population.csv',
      json: '/x/out/population.json',
      html: '/x/out/report.html',
      archive: '/x/out/archive',
      archiveManifest: { version: 1, generator: 't', algorithm: 'sha256', files: [], digest: 'f'.repeat(64) },
      archiveZip: null,
    },
    loaded: { gateRuns: [], records: [], rejected: [] },
    downloaded: [],
    gaps: [],
  };
}

describe('auditSummary', () => {
  it('counts the population, its exceptions by code, the signature check and the files written', () => {
    const text = auditSummary(
      result([mergedChange({ number: 1, headSha: sha(1), mergedAt: '2026-03-02T00:00:00Z' })]),
      'out',
    );
    expect(text).toContain(
      'controlgate audit 2026-03-01 … 2026-03-31: 1 merged change(s) (list from the platform)',
    );
    expect(text).toContain('no-gate-run: 1');
    expect(text).toContain('signatures: not checked (no --identity)');
    expect(text).toContain('wrote out/population.csv, out/population.json, out/report.html');
  });

  it('says why a population read from bundles alone is empty: no merge record names a merged change', () => {
    const text = auditSummary(result(), 'out');
    expect(text).toContain('0 merged change(s) (list from the merge records)');
    expect(text).toContain('no merge record was given, so no merged change is known');
  });
});
