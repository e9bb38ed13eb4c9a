import { describe, expect, it } from 'vitest';
import { renderScanners } from '../../../../src/report/html/details.ts';
import { report, scanner } from '../../../support/report-builders.ts';
import { ciRunFacts } from '../../../support/run-facts.ts';

describe('renderScanners', () => {
  it('lists the files a scanner could not judge, escaped, with why', () => {
    const r = report({
      controls: [],
      scanners: [
        scanner('bandit', {
          unjudged: [
            {
              path: 'app/<img src=x onerror=alert(1)>.py',
              reason: 'syntax error while parsing AST from file',
            },
          ],
        }),
      ],
    });
    const html = renderScanners(r, ciRunFacts(r));
    expect(html).toContain('Could not judge 1 file');
    expect(html).toContain('syntax error while parsing AST from file');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;.py');
    expect(html).not.toContain('<img');
  });

  it('shows no list for a scanner that judged everything', () => {
    const r = report({ controls: [], scanners: [scanner('bandit')] });
    expect(renderScanners(r, ciRunFacts(r))).not.toContain('Could not judge');
  });
});
