import { describe, expect, it } from 'vitest';
import { auditDocument } from '../../../src/audit/document.ts';
import { renderAuditHtml } from '../../../src/audit/html.ts';
import { buildPopulation } from '../../../src/audit/population.ts';
import { drawSample } from '../../../src/audit/sample.ts';
import { mergedChange, REPOSITORY, sha } from '../../support/audit-fixtures.ts';
import { HOSTILE, RAW } from '../../support/html-hostile.ts';

function html(title: string, signer: { identity: string; issuer: string } | null = null) {
  const population = buildPopulation({
    period: { since: new Date('2026-03-01T00:00:00Z'), until: new Date('2026-03-31T23:59:59Z') },
    gateRuns: [],
    records: [],
    repository: REPOSITORY,
    merged: [
      {
        ...mergedChange({ number: 1, headSha: sha(1), mergedAt: '2026-03-02T00:00:00Z', title }),
        url: 'javascript:alert(1)',
      },
    ],
  });
  return renderAuditHtml(
    auditDocument(population, {
      generatedAt: new Date('2026-04-01T00:00:00Z'),
      controlgateVersion: '0.0.0-test',
      repository: REPOSITORY,
      rejected: [{ location: HOSTILE, kind: 'unknown', reason: HOSTILE, claimed: null, place: null }],
      gaps: [],
      sample: drawSample(population.rows, { size: 1, seed: HOSTILE }, REPOSITORY),
      signer,
    }),
  );
}

describe('renderAuditHtml', () => {
  it('says whether signatures were checked, and against whom', () => {
    expect(html('t')).toContain('<strong>Signatures not checked</strong>');
    const checked = html('t', {
      identity: `https://github.com/octo/shop/${HOSTILE}`,
      issuer: 'https://token.actions.githubusercontent.com',
    });
    expect(checked).toContain(
      'Signatures checked: every bundle counted is signed by <code>https://github.com/octo/shop/',
    );
    for (const raw of RAW) expect(checked).not.toContain(raw);
  });

  it('escapes every text a pull-request author or a bundle writes', () => {
    const page = html(HOSTILE);
    for (const raw of RAW) expect(page).not.toContain(raw);
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('links a change only to a web address', () => {
    expect(html('t')).not.toContain('href="javascript:');
  });

  it('sections in order: period, exceptions, sample, population, criteria, trend, rejected', () => {
    const page = html('t');
    const order = [
      'id="period"',
      'id="exceptions"',
      'id="sample"',
      'id="population"',
      'id="criteria"',
      'id="trend"',
      'id="rejected"',
    ].map((id) => page.indexOf(id));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('loads nothing from elsewhere: a content security policy, no script, no stylesheet or image to fetch', () => {
    const page = html('t');
    expect(page).toContain('default-src &#39;none&#39;');
    expect(page).not.toContain('<script');
    expect(page).not.toContain('<link');
    expect(page).not.toMatch(/<[^>]*\ssrc=/);
  });
});
