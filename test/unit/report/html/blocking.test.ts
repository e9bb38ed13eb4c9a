import { describe, expect, it } from 'vitest';
import { renderBlocking } from '../../../../src/report/html/blocking.ts';
import { waivedPasses } from '../../../../src/report/html/model.ts';
import type { JsonReport } from '../../../../src/report/json-report-schema.ts';
import { HOSTILE, RAW } from '../../../support/html-hostile.ts';
import { control, finding, report, scanner, waiver } from '../../../support/report-builders.ts';

function render(r: JsonReport): string {
  return renderBlocking(r, waivedPasses(r));
}

describe('renderBlocking (next to the decision)', () => {
  it('names each blocking criterion by id and title, and the scanner that left one not evaluated', () => {
    const r = report({
      controls: [
        control('CC6.1', 'fail', { findings: ['fp1', 'fp2'], title: 'Logical access is secured' }),
        control('CC7.1', 'not-evaluated', {
          blocking: true,
          failedScanners: ['kics'],
          title: 'Vulnerabilities are detected',
        }),
        control('CC8.1', 'not-evaluated', { blocking: true, failedScanners: ['bandit'] }),
        control('CC7.2', 'warn', { findings: ['fp3'] }),
        control('CC6.2', 'pass'),
      ],
      findings: [finding(1), finding(2), finding(3)],
      scanners: [
        scanner('kics', { status: 'failed', error: 'crashed' }),
        scanner('bandit', { unjudged: [{ path: 'a.py', reason: 'syntax error' }] }),
      ],
    });
    const html = render(r);
    expect(html).toContain('<h2>Blocking criteria (3)</h2>');
    expect(html).toContain(
      '<li class="v-fail" data-criterion="CC6.1"><code>CC6.1</code> <b>Logical access is secured</b> — 2 findings at or above high</li>',
    );
    expect(html).toContain(
      '<code>CC7.1</code> <b>Vulnerabilities are detected</b> — not evaluated: <code>kics</code> failed',
    );
    expect(html).toContain(
      '<code>CC8.1</code> <b>Title of CC8.1</b> — not evaluated: <code>bandit</code> could not judge 1 file',
    );
    expect(html).toContain('Warnings (1, not blocking):</b> <code>CC7.2</code> Title of CC7.2');
    expect(html).not.toContain('CC6.2');
  });

  it('says plainly when nothing blocks', () => {
    const html = render(report({ controls: [control('CC6.1', 'pass')] }));
    expect(html).toContain('No criterion blocks this change');
    expect(html).not.toContain('Passed under waiver');
  });

  it('lists passes under waiver with the waiver id, approver and expiry', () => {
    const r = report({
      controls: [control('CC7.2', 'pass', { waived: ['fp1'] })],
      findings: [finding(1, { waiver: 'W-1' })],
      waivers: { applied: [{ ...waiver('W-1'), findings: ['fp1'] }], expired: [], stale: [] },
    });
    const html = render(r);
    expect(html).toContain('Passed under waiver (1):');
    expect(html).toContain(
      '1 waived finding at or above high: waiver <code>W-1</code>, approved by alice@example.com, expires <code>2027-03-31</code>',
    );
  });

  it('escapes hostile titles, scanner ids and waiver facts', () => {
    const r = report({
      controls: [
        control('CC6.1', 'fail', { findings: ['fp2'], title: HOSTILE }),
        control('CC7.1', 'not-evaluated', { blocking: true, failedScanners: [HOSTILE], title: HOSTILE }),
        control('CC7.2', 'pass', { waived: ['fp1'], title: HOSTILE }),
        control('CC7.3', 'warn', { findings: ['fp2'], title: HOSTILE }),
      ],
      findings: [finding(1, { waiver: HOSTILE }), finding(2)],
      waivers: {
        applied: [{ ...waiver(HOSTILE), approver: HOSTILE, expires: HOSTILE, findings: ['fp1'] }],
        expired: [],
        stale: [],
      },
    });
    const html = render(r);
    for (const raw of RAW) expect(html).not.toContain(raw);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&gt;&lt;script&gt;');
  });
});
