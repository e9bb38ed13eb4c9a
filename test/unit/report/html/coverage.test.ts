import { describe, expect, it } from 'vitest';
import { renderCoverage } from '../../../../src/report/html/coverage.ts';
import type { JsonReport } from '../../../../src/report/json-report-schema.ts';

function report(coverage: JsonReport['coverage']): JsonReport {
  return { scanners: [{ id: 'bandit', name: 'Bandit' }], coverage } as unknown as JsonReport;
}

describe('renderCoverage', () => {
  it('lists files not judged with each reason and paths not scanned with why, escaped', () => {
    const html = renderCoverage(
      report({
        scope: 'changed-files',
        counts: { judged: 1, 'not-judged': 1, 'not-scanned': 1 },
        files: [
          { path: 'ok.py', kind: 'file', state: 'judged', judgedBy: ['bandit'] },
          {
            path: '<img src=x onerror=alert(1)>.py',
            kind: 'file',
            state: 'not-judged',
            judgedBy: [],
            notJudgedBy: [{ scanner: 'bandit', reason: 'syntax error <b>here</b>' }],
          },
          {
            path: 'app/venv/x.py',
            kind: 'file',
            state: 'not-scanned',
            judgedBy: [],
            notScanned: 'excluded',
            note: 'in app/venv, an excluded folder: a Python virtual environment',
          },
        ],
      }),
    );
    expect(html).toContain('<h3>Not judged (1)</h3>');
    expect(html).toContain('<code>&lt;img src=x onerror=alert(1)&gt;.py</code>');
    expect(html).toContain('Bandit: syntax error &lt;b&gt;here&lt;/b&gt;');
    expect(html).not.toContain('<img');
    expect(html).toContain('<h3>Not scanned (1)</h3>');
    expect(html).toContain('in app/venv, an excluded folder: a Python virtual environment');
    expect(html).toMatch(/id="coverage-line">1 of the change's 3 files judged, 1 not:/);
  });

  it('renders nothing for a report written before the ledger', () => {
    expect(renderCoverage(report(undefined))).toBe('');
  });
});
