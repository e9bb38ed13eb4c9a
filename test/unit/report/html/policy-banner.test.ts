import { describe, expect, it } from 'vitest';
import { renderPolicyBanner } from '../../../../src/report/html/policy-banner.ts';
import type { JsonReport } from '../../../../src/report/json-report-schema.ts';
import { HOSTILE, RAW } from '../../../support/html-hostile.ts';
import { baseline, control, report } from '../../../support/report-builders.ts';

type Policy = JsonReport['policy'];

function withPolicy(policy: Partial<Policy>, policyChanged: string[] = []): JsonReport {
  const r = report({ controls: [control('CC6.1', 'pass')], baseline: baseline({ policyChanged }) });
  return { ...r, policy: { ...r.policy, source: 'base', commit: 'c'.repeat(40), ...policy } };
}

describe('renderPolicyBanner', () => {
  it('shows what the change would change in its own gate and that the base’s policy judged it', () => {
    const html = renderPolicyBanner(
      withPolicy(
        {
          proposed: {
            invalid: null,
            changes: [{ key: 'policy.mode', change: 'changed', before: '"block"', after: '"warn"' }],
          },
        },
        ['.controlgate.yml'],
      ),
    );
    expect(html).toContain('<div class="policy-banner" id="policy-note" role="note">');
    expect(html).toContain("This change edits the gate's own policy");
    expect(html).toContain('the policy at the base commit <code>cccccccccccc</code> judged');
    expect(html).toContain(
      '<li><code>policy.mode</code> changed: <code>&quot;block&quot;</code> → <code>&quot;warn&quot;</code></li>',
    );
    expect(html).toContain('Policy files edited: <code>.controlgate.yml</code>');
  });

  it('names an invalid proposal, a run judged by the change’s own policy, and an edit with no difference', () => {
    expect(renderPolicyBanner(withPolicy({ proposed: { invalid: 'bad key', changes: [] } }))).toContain(
      'and the edit is invalid',
    );
    expect(
      renderPolicyBanner(withPolicy({ source: 'head', proposed: { invalid: null, changes: [] } })),
    ).toContain("Judged by the change's own policy");
    expect(renderPolicyBanner(withPolicy({ proposed: null }, ['.controlgate-waivers.yml']))).toContain(
      'which the policy at the base commit <code>cccccccccccc</code> judged',
    );
  });

  it('is absent when the change proposes nothing', () => {
    expect(renderPolicyBanner(withPolicy({ proposed: null }))).toBe('');
    expect(renderPolicyBanner(withPolicy({ source: 'worktree', commit: null, proposed: null }))).toBe('');
  });

  it('escapes hostile keys, values, reasons and file names', () => {
    const html = [
      renderPolicyBanner(
        withPolicy(
          {
            proposed: {
              invalid: null,
              changes: [{ key: HOSTILE, change: 'changed', before: HOSTILE, after: HOSTILE }],
            },
          },
          [HOSTILE],
        ),
      ),
      renderPolicyBanner(withPolicy({ proposed: { invalid: HOSTILE, changes: [] } })),
      renderPolicyBanner(withPolicy({ unverified: HOSTILE })),
    ].join('\n');
    for (const raw of RAW) expect(html).not.toContain(raw);
    expect(html.match(/&lt;img src=x onerror=alert\(1\)&gt;/g)?.length).toBeGreaterThanOrEqual(5);
  });
});
