import { describe, expect, it } from 'vitest';
import { renderFindings } from '../../../../src/report/html/findings.ts';
import { HOSTILE, RAW } from '../../../support/html-hostile.ts';
import { control, finding, report, waiver } from '../../../support/report-builders.ts';

describe('renderFindings filters', () => {
  const r = report({
    controls: [
      control('CC6.1', 'fail', { findings: ['fp2'] }),
      control('CC6.2', 'pass'),
      control('CC7.2', 'pass', { waived: ['fp1'] }),
    ],
    findings: [finding(1, { waiver: 'W-1', criteria: ['CC7.2'] }), finding(2)],
    waivers: { applied: [{ ...waiver('W-1'), findings: ['fp1'] }], expired: [], stale: [] },
  });

  it('groups the criterion filter by state, with a pass under waiver apart from a clean pass', () => {
    const html = renderFindings(r);
    expect(html).toContain(
      '<optgroup label="fail"><option value="CC6.1">CC6.1 (1) fail</option></optgroup><optgroup label="passed under waiver"><option value="CC7.2">CC7.2 (1) passed under waiver</option></optgroup><optgroup label="pass"><option value="CC6.2">CC6.2 (0) pass</option></optgroup>',
    );
    expect(html).toContain('<option value="waived">waived</option>');
  });

  it('escapes a hostile criterion id in the filter', () => {
    const hostile = report({
      controls: [control(HOSTILE, 'pass', { waived: ['fp1'] })],
      findings: [finding(1, { waiver: 'W-1', criteria: [HOSTILE] })],
    });
    const html = renderFindings(hostile);
    for (const raw of RAW) expect(html).not.toContain(raw);
    expect(html).toContain('<option value="&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&gt;');
  });
});
