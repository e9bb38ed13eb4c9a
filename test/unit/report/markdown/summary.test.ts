import { describe, expect, it } from 'vitest';
import type { JsonReport } from '../../../../src/report/json-report-schema.ts';
import { renderComment } from '../../../../src/report/markdown/comment.ts';
import { artifactUrl, renderJobSummary } from '../../../../src/report/markdown/summary.ts';
import { control, expectTablesIntact, finding, report } from '../../../support/report-builders.ts';

/** 60 blocking problems with long texts and 60 in warn mode: far past the comment's readable budget. */
function many(): JsonReport {
  const text = (n: number) =>
    `Rule ${n} explains the problem and the fix at length. ${'More words. '.repeat(12)}`;
  const blocking = Array.from({ length: 60 }, (_, n) =>
    finding(n, { fingerprint: n.toString(16).padStart(32, '0'), message: text(n) }),
  );
  const warning = Array.from({ length: 60 }, (_, n) =>
    finding(100 + n, { ruleId: `warn-${n}`, criteria: ['CC7.2'], severity: 'medium' }),
  );
  return report({
    controls: [
      control('CC6.1', 'fail', { findings: blocking.map((f) => f.fingerprint) }),
      control('CC7.2', 'warn', { findings: warning.map((f) => f.fingerprint) }),
    ],
    findings: [...blocking, ...warning],
  });
}

describe('renderJobSummary', () => {
  it('holds the whole list the comment folds or leaves out: every waiver entry, every other problem', () => {
    const r = many();
    const summary = renderJobSummary(r, {});
    const comment = renderComment(r, { commentKey: 'k' });
    expect(summary.startsWith('### controlgate: ❌ Blocked: 60 high problems in 60 files')).toBe(true);
    expect(summary.split('  - fingerprint: ').length - 1).toBe(60);
    expect(comment.split('  - fingerprint: ').length - 1).toBe(1);
    expect(summary).toContain('`warn-59`');
    expect(comment).not.toContain('`warn-59`');
    expect(summary.split('\n').filter((l) => /^\d+\. `rule-\d+`: Rule \d+ explains/.test(l))).toHaveLength(
      60,
    );
    expect(summary).not.toContain('Shortened');
    expectTablesIntact(summary);
  });

  it('names the evidence only when given, linked to its page', () => {
    const r = many();
    expect(renderJobSummary(r, {})).not.toContain('Evidence');
    const linked = renderJobSummary(r, {
      evidence: {
        text: 'artifact "controlgate-evidence" id 42',
        url: 'https://github.com/octo/shop/actions/runs/9/artifacts/42',
      },
    });
    expect(linked).toContain(
      '**Evidence:** [artifact "controlgate-evidence" id 42](https://github.com/octo/shop/actions/runs/9/artifacts/42)',
    );
    const hostile = renderJobSummary(r, { evidence: { text: 'x', url: 'javascript:alert(1)' } });
    expect(hostile).toContain('**Evidence:** x\n');
  });

  it('makes the artifact address from the run address and the id, only with both', () => {
    expect(artifactUrl('https://github.com/o/r/actions/runs/9/', 42)).toBe(
      'https://github.com/o/r/actions/runs/9/artifacts/42',
    );
    expect(artifactUrl(undefined, 42)).toBeUndefined();
    expect(artifactUrl('https://github.com/o/r/actions/runs/9', null)).toBeUndefined();
  });
});
