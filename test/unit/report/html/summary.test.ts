import { describe, expect, it } from 'vitest';
import { renderMatrix, renderSummary } from '../../../../src/report/html/summary.ts';
import type { JsonReport } from '../../../../src/report/json-report-schema.ts';
import { HOSTILE, RAW } from '../../../support/html-hostile.ts';
import { control, finding, report, waiver } from '../../../support/report-builders.ts';
import { ciRunFacts } from '../../../support/run-facts.ts';

/** CC6.1 fails, CC7.2 passes only under waiver W-1, CC6.2 passes clean. */
function waivedReport(w = waiver('W-1')): JsonReport {
  return report({
    controls: [
      control('CC6.1', 'fail', { findings: ['fp2'] }),
      control('CC6.2', 'pass'),
      control('CC7.2', 'pass', { waived: ['fp1'] }),
    ],
    findings: [finding(1, { waiver: w.id, criteria: ['CC7.2'] }), finding(2)],
    waivers: { applied: [{ ...w, findings: ['fp1'] }], expired: [], stale: [] },
  });
}

describe('renderSummary', () => {
  it('counts a pass under waiver apart from a clean pass, and says what the gate counted', () => {
    const r = waivedReport();
    const html = renderSummary(r, ciRunFacts(r));
    expect(html).toContain('<li class="chip v-pass" data-verdict="pass">pass<b>1</b></li>');
    expect(html).toContain(
      '<li class="chip v-pass s-waived-pass" data-criterion-state="waived-pass">passed under waiver<b>1</b></li>',
    );
    expect(html).toContain("The gate's verdict for a pass under waiver is pass (2 in controlgate.json).");
  });

  it('puts the policy banner above the decision and the blocking criteria next to it', () => {
    const base = waivedReport();
    const r: JsonReport = {
      ...base,
      policy: {
        ...base.policy,
        source: 'base',
        commit: 'c'.repeat(40),
        proposed: { invalid: null, changes: [{ key: 'exclude', change: 'added', after: '"app/**"' }] },
      },
    };
    const html = renderSummary(r, ciRunFacts(r));
    const at = (s: string) => html.indexOf(s);
    expect(at('id="policy-note"')).toBeGreaterThan(-1);
    expect(at('id="policy-note"')).toBeLessThan(at('id="decision"'));
    expect(at('id="decision"')).toBeLessThan(at('id="blocking"'));
    expect(at('id="blocking"')).toBeLessThan(at('id="verdict-counts"'));
    expect(html).toContain('<code>CC6.1</code> <b>Title of CC6.1</b>');
  });

  it('shows no waiver chip when nothing passes under waiver', () => {
    const r = report({ controls: [control('CC6.2', 'pass')] });
    expect(renderSummary(r, ciRunFacts(r))).not.toContain('passed under waiver');
  });
});

describe('renderMatrix', () => {
  it('gives a pass under waiver its own badge and shows the waiver id, approver and expiry in the cell', () => {
    const html = renderMatrix(waivedReport());
    const cell = /<a class="cell v-pass s-waived-pass"[^>]*data-criterion="CC7\.2"[\s\S]*?<\/a>/.exec(
      html,
    )?.[0];
    expect(cell).toContain('data-verdict="pass" data-criterion-state="waived-pass"');
    expect(cell).toContain('<span class="glyph" aria-hidden="true">W</span>CC7.2');
    expect(cell).toContain('<span class="wv">waiver W-1 · alice@example.com · expires 2027-03-31</span>');
    expect(html).toContain(
      'W passed under waiver: passes only because findings at or above the threshold are waived',
    );
    expect(html).toMatch(
      /<a class="cell v-pass" [^>]*data-criterion="CC6\.2"[^>]*data-criterion-state="pass"/,
    );
  });

  it('escapes a hostile waiver id, approver and expiry in the cell', () => {
    const html = renderMatrix(waivedReport({ ...waiver(HOSTILE), approver: HOSTILE, expires: HOSTILE }));
    for (const raw of RAW) expect(html).not.toContain(raw);
    expect(html).toContain('<span class="wv">waiver &lt;img src=x onerror=alert(1)&gt;&quot;&#39;&gt;');
  });

  it('names the categories wholly out of scope for print', () => {
    const r = report({
      controls: [control('CC6.1', 'pass'), control('A1.1', 'out-of-scope', { category: 'availability' })],
    });
    const html = renderMatrix(r);
    expect(html).toContain('<div class="category all-out-of-scope" data-category="availability">');
    expect(html).toContain(
      '<p class="print-only muted">Out of scope (category not opted in): Availability.</p>',
    );
  });
});
