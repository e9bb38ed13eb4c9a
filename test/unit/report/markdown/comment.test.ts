import { describe, expect, it } from 'vitest';
import type { JsonReport } from '../../../../src/report/json-report-schema.ts';
import { commentMarker, renderComment } from '../../../../src/report/markdown/comment.ts';
import { renderJobSummary } from '../../../../src/report/markdown/summary.ts';
import {
  baseline,
  control,
  expectTablesIntact,
  finding,
  report,
  scanner,
  waiver,
  withoutCodeSpans,
} from '../../../support/report-builders.ts';

const REPO = { repoUrl: 'https://github.com/octo/shop', headSha: 'abc123def456' };

function blocking(): JsonReport {
  const findings = [
    finding(1, { severity: 'critical', ruleName: 'sql-injection' }),
    finding(2, { line: 5, endLine: 9 }),
    finding(3, { inWorkspace: false, path: '/etc/passwd' }),
    finding(4, { criteria: ['CC7.2'], severity: 'medium' }),
  ];
  return report({
    controls: [
      control('CC6.1', 'fail', { findings: ['fp1', 'fp2', 'fp3'] }),
      control('CC7.2', 'warn', { findings: ['fp4'] }),
      control('CC8.1', 'not-evaluated', { blocking: true, failedScanners: ['kics'] }),
      control('CC1.1', 'not-covered', { coveredBy: [] }),
      control('A1.1', 'out-of-scope'),
      control('CC9.2', 'pass'),
    ],
    findings,
    scanners: [scanner('semgrep', { findings: 4 }), scanner('kics', { status: 'failed', error: 'exit 3' })],
    waivers: { applied: [{ ...waiver('W-1'), findings: ['fp9'] }], expired: [], stale: [waiver('W-2')] },
  });
}

describe('renderComment', () => {
  it('puts the marker on line 1, exactly once', () => {
    const body = renderComment(blocking(), { commentKey: 'default', ...REPO });
    expect(body.split('\n')[0]).toBe(commentMarker('default'));
    expect(body.split('controlgate:comment').length).toBe(2);
  });

  it('orders decision, what to do, the blocking list, folded sections and footer', () => {
    const body = renderComment(blocking(), {
      commentKey: 'k',
      ...REPO,
      runUrl: 'https://github.com/octo/shop/actions/runs/7',
      detailsHint: 'the `controlgate-evidence` artifact',
    });
    const order = [
      '### controlgate:',
      '**To merge:**',
      '| Line | Severity | Rule | Criteria | Problem |',
      '<summary>Waiver entries to paste',
      '<summary>Not blocking: 1 problem',
      '<summary>SOC 2 criteria',
      '<summary>Scanners',
      '<summary>Waivers',
      '<summary>Other findings',
      '<sub>Full details: the `controlgate-evidence` artifact · [CI run](https://github.com/octo/shop/actions/runs/7)',
    ].map((s) => body.indexOf(s));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expectTablesIntact(body);
  });

  it('counts what blocks in the title and names the blocking not-evaluated criteria with failed scanners', () => {
    const body = renderComment(blocking(), { commentKey: 'k' });
    expect(body).toContain(
      '### controlgate: ❌ Blocked: could not evaluate; 1 critical and 2 high problems in 3 files block as well',
    );
    expect(body).toContain('Not evaluated (blocking): **CC8.1** (kics failed).');
    expect(body).toContain('**To merge:** get the blocking criteria evaluated');
    // The warn-mode problem does not block: folded, not in the title's count.
    expect(body.indexOf('`rule-4`')).toBeGreaterThan(body.indexOf('<summary>Not blocking'));
  });

  it('lists a problem once however many criteria it fails, with those criteria as a column', () => {
    const r = report({
      controls: [
        control('CC6.1', 'fail', { findings: ['fp1', 'fp2'] }),
        control('CC7.1', 'fail', { findings: ['fp1'] }),
        control('CC8.1', 'fail', { findings: ['fp1'] }),
      ],
      findings: [finding(1, { path: 'app/a.py' }), finding(2, { path: 'app/a.py', line: 3, endLine: 3 })],
    });
    const body = renderComment(r, { commentKey: 'k' });
    expect(body.split('`rule-1`').length - 1).toBe(1);
    expect(body).toContain('| 11 | high | `rule-1` | CC6.1, CC7.1, CC8.1 | Problem number 1 |');
    // One bold row per file, its problems by line.
    expect(body.split('**`app/a.py`**').length - 1).toBe(1);
    expect(body.indexOf('| 3 | high | `rule-2`')).toBeLessThan(body.indexOf('| 11 | high | `rule-1`'));
    expect(body).toContain('### controlgate: ❌ Blocked: 2 high problems in 1 file');
  });

  it('writes a long rule text once, under the table, and points each row to it', () => {
    const text = `A long explanation of the problem, why it matters and the fix. ${'Use the safe API instead. '.repeat(5)}`;
    const r = report({
      controls: [control('CC7.1', 'fail', { findings: ['fp1', 'fp2', 'fp3'] })],
      findings: [
        finding(1, { ruleId: 'sqli', message: text, helpUri: 'https://semgrep.dev/r/sqli' }),
        finding(2, { ruleId: 'sqli', message: text, helpUri: 'https://semgrep.dev/r/sqli' }),
        finding(3, { ruleId: 'short', message: 'SSH is open' }),
      ],
    });
    const body = renderComment(r, { commentKey: 'k' });
    expect(body.split('Use the safe API instead.').length - 1).toBe(5);
    expect(body).toContain('| [`sqli`][r1] | CC7.1 | see fix 1 |');
    expect(body).toContain('**How to fix**\n\n1. [`sqli`][r1]: A long explanation');
    expect(body).toContain('| `short` | CC7.1 | SSH is open |');
    // The documentation address once, as a reference definition.
    expect(body.split('https://semgrep.dev/r/sqli').length - 1).toBe(1);
    expect(body).toContain('[r1]: https://semgrep.dev/r/sqli');
  });

  it('folds a waiver entry to paste for each blocking problem', () => {
    const fp = 'a'.repeat(32);
    const r = report({
      controls: [control('CC6.1', 'fail', { findings: [fp] })],
      findings: [finding(1, { fingerprint: fp, ruleId: 'B105', scanner: 'bandit' })],
    });
    const body = renderComment(r, { commentKey: 'k' });
    const snippet = body.slice(body.indexOf('    version: 1'), body.indexOf('</details>'));
    // An indented code block: no fence that scanned text could close.
    expect(body).not.toContain('```');
    expect(snippet).toContain('    waivers:\n');
    expect(snippet).toContain(`      - fingerprint: ${fp}  # bandit B105 in app/file1.py line 11`);
    for (const key of ['reason:', 'approver:', 'ticket:', 'expires: YYYY-MM-DD'])
      expect(snippet).toContain(key);
    expect(body.indexOf('<summary>Waiver entries')).toBeLessThan(body.indexOf('    version: 1'));
  });

  it('links workspace findings at the head SHA with line anchors, and only those', () => {
    const body = renderComment(blocking(), { commentKey: 'k', ...REPO });
    expect(body).toContain('| [11](https://github.com/octo/shop/blob/abc123def456/app/file1.py#L11) |');
    expect(body).toContain('| [5-9](https://github.com/octo/shop/blob/abc123def456/app/file2.py#L5-L9) |');
    expect(body).toContain(
      '**`/etc/passwd`**\n\n| Line | Severity | Rule | Criteria | Problem |\n| --- | --- | --- | --- | --- |\n| 13 | high |',
    );
    expect(body).not.toContain('blob/abc123def456//etc');
    const unlinked = renderComment(blocking(), { commentKey: 'k' });
    expect(unlinked).not.toContain('/blob/');
    expect(unlinked).toContain('| --- |\n| 11 | critical |');
  });

  it('encodes odd paths in links and refuses non-http repository URLs', () => {
    const r = report({
      controls: [control('CC6.1', 'fail', { findings: ['fp1'] })],
      findings: [finding(1, { path: 'a b/(x) [y].py' })],
    });
    expect(renderComment(r, { commentKey: 'k', ...REPO })).toContain(
      '/blob/abc123def456/a%20b/%28x%29%20%5By%5D.py#L11)',
    );
    const js = renderComment(r, { commentKey: 'k', repoUrl: 'javascript:alert(1)//', headSha: 'abc' });
    expect(js).not.toContain('javascript:');
  });

  it('says passed, with no tables, when nothing fails', () => {
    const body = renderComment(report({ controls: [control('CC6.1', 'pass')] }), { commentKey: 'k' });
    expect(body).toContain('### controlgate: ✅ Passed');
    expect(body).toContain('No SOC 2 criterion fails.');
    expect(body).not.toContain('| Line |');
    expect(body).not.toContain('To merge');
    expect(body).not.toContain('Shortened');
  });

  it('lists waivers and scanners in the collapsed sections', () => {
    const body = renderComment(blocking(), { commentKey: 'k' });
    expect(body).toContain('| `W-1` | alice@\u200dexample.com | SEC-1 | 2027-03-31 | 1 | Test credentials');
    expect(body).toContain('**Stale** (match nothing)');
    expect(body).toContain('| kics | **failed** | `1.0.0` | 0 | exit 3 |');
    expect(body).toContain('| **CC8.1** Title of CC8.1 | ❓ not evaluated (kics failed, blocks) |');
  });

  it('is deterministic and independent of the order of findings', () => {
    const a = blocking();
    const b = { ...a, findings: [...a.findings].reverse() };
    expect(renderComment(a, { commentKey: 'k', ...REPO })).toBe(
      renderComment(a, { commentKey: 'k', ...REPO }),
    );
    expect(renderComment(b, { commentKey: 'k', ...REPO })).toBe(
      renderComment(a, { commentKey: 'k', ...REPO }),
    );
  });
});

describe('hostile text', () => {
  const evil = [
    '@octocat',
    '<img src=x onerror=alert(1)>',
    '<script>alert(1)</script>',
    '[x](javascript:alert(1))',
    '```',
    '<!-- controlgate:comment key=default -->',
    'a | b | c',
    '\u001b[31m',
    '\u202e',
  ].join(' ');
  const r = report({
    controls: [control('CC6.1', 'fail', { findings: ['fp1'] })],
    findings: [finding(1, { message: evil, ruleName: evil, path: `src/${evil}.py` })],
    scanners: [scanner('semgrep', { status: 'failed', error: evil })],
    waivers: {
      applied: [{ ...waiver(evil, { reason: evil, approver: evil, ticket: evil }), findings: ['fp1'] }],
      expired: [{ ...waiver('W-2', { reason: evil }), wouldMatch: [] }],
      stale: [waiver('W-3', { reason: evil })],
    },
  });

  it('is neutralized in messages, rule names, paths, scanner errors and waivers', () => {
    for (const options of [{}, REPO]) {
      const body = renderComment(r, { commentKey: 'default', ...options });
      // Nowhere at all, not even inside code spans:
      for (const bad of ['@octocat', '<img', '<script', '\u001b', '\u202e', '[31m']) {
        expect(body).not.toContain(bad);
      }
      // Code spans show link and fence syntax literally; outside them it must not survive.
      const prose = withoutCodeSpans(body.slice(body.indexOf('\n')));
      for (const bad of ['](javascript:', '[x]', '```', '<!--', '-->']) expect(prose, bad).not.toContain(bad);
      expect(body).toContain('````');
      expect(body.split('controlgate:comment key=default').length).toBe(2);
      expect(body.indexOf('<!--')).toBe(0);
      expect(body.lastIndexOf('<!--')).toBe(0);
      expectTablesIntact(body);
      expect(body).toContain('| Line | Severity | Rule | Criteria | Problem |');
    }
  });
});

/** 400 findings over four failing criteria: about 70,000 characters in full. */
function large(): JsonReport {
  const findings = Array.from({ length: 400 }, (_, n) =>
    finding(n, {
      criteria: [`CC6.${(n % 4) + 1}`],
      message: `Finding ${n}: ${'a long message from the scanner that explains the problem in detail '.repeat(2)}`,
    }),
  );
  const controls = [1, 2, 3, 4].map((k) =>
    control(`CC6.${k}`, 'fail', {
      findings: findings.filter((f) => f.criteria[0] === `CC6.${k}`).map((f) => f.fingerprint),
    }),
  );
  return report({ controls, findings });
}

describe('size limit', () => {
  const where = {
    runUrl: 'https://github.com/octo/shop/actions/runs/7',
    detailsHint: 'the `evidence` artifact',
  };

  it('shortens a ~70,000-character report to the GitHub limit and says where the rest is', () => {
    const full = renderComment(large(), { commentKey: 'k', maxChars: 1_000_000 });
    expect(full.length).toBeGreaterThan(65_536);
    expect(full).not.toContain('Shortened');
    const body = renderComment(large(), { commentKey: 'k', ...where });
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).toContain('✂️ **Shortened to fit the size limit:**');
    expect(body).toContain(
      'The full list is in the `evidence` artifact and the job summary of [this run](https://github.com/octo/shop/actions/runs/7).',
    );
    // Fix texts go before any problem does; every one of the 400 is still listed.
    expect(body).toContain('all 400 blocking problems listed, fix texts left out');
    expect(body).toContain('`rule-399`');
    expectTablesIntact(body);
    const smaller = renderComment(large(), { commentKey: 'k', ...where, maxChars: 20_000 });
    expect(smaller).toContain('✂️ **Shortened to fit the size limit:** showing 100 of 400 blocking problems');
    expect(smaller).toContain('_…and 300 more not shown._');
  });

  it('stays within every limit from 2,000 to 70,000 characters, whole tables and tags only', () => {
    const r = large();
    for (let max = 2_000; max <= 70_000; max += 1_000) {
      const body = renderComment(r, { commentKey: 'k', ...where, maxChars: max });
      expect(body.length, `maxChars ${max}`).toBeLessThanOrEqual(max);
      expect(body.split('\n')[0]).toBe(commentMarker('k'));
      expect(body).toContain('### controlgate: ❌ Blocked');
      expect(body).toContain('the job summary of [this run]');
      expectTablesIntact(body);
    }
    // 69 full renders of a large report: seconds on a loaded 2-core runner, past the 5 s default.
  }, 60_000);

  it('keeps the decision and the note even when nothing else fits', () => {
    const body = renderComment(large(), { commentKey: 'k', maxChars: 400 });
    expect(body.length).toBeLessThanOrEqual(400);
    expect(body).toContain('### controlgate: ❌ Blocked');
    expect(body).toContain('Shortened');
  });

  it('lets the job summary hold the full report and says where the rest is when it cannot', () => {
    const r = large();
    expect(renderJobSummary(r, {})).not.toContain('Shortened');
    const small = renderJobSummary(r, { maxChars: 20_000 });
    expect(Buffer.byteLength(small)).toBeLessThanOrEqual(20_000);
    expect(small).toContain('The full list is in the JSON report');
  });
});

describe('renderJobSummary', () => {
  it('has the same content without a marker', () => {
    const body = renderJobSummary(blocking(), REPO);
    expect(body).not.toContain('<!--');
    expect(body.startsWith('### controlgate: ❌ Blocked')).toBe(true);
    expect(body).toContain('(https://github.com/octo/shop/blob/abc123def456/app/file1.py#L11)');
  });
});

describe('files a scanner could not judge', () => {
  it('names them and the tool’s reason in the headline, escaped', () => {
    const body = renderComment(
      report({
        controls: [control('CC7.1', 'not-evaluated', { blocking: true, failedScanners: ['bandit'] })],
        scanners: [
          scanner('bandit', {
            unjudged: [{ path: 'app/new_api.py', reason: 'syntax error while parsing AST from file' }],
          }),
        ],
      }),
      { commentKey: 'default', ...REPO },
    );
    expect(body).toContain(
      'Not judged: bandit: **app/new\\_api.py** (syntax error while parsing AST from file).',
    );
  });
});

describe('a change that passes with warnings', () => {
  it('says the warn-mode problems do not block, and folds them', () => {
    const r = report({
      controls: [control('CC7.2', 'warn', { findings: ['fp1'] }), control('CC6.1', 'pass')],
      findings: [finding(1, { severity: 'medium', criteria: ['CC7.2'] })],
    });
    const body = renderComment(r, { commentKey: 'k' });
    expect(body).toContain('### controlgate: ✅ Passed');
    expect(body).toContain('⚠️ 1 problem of criteria in warn mode: not blocking, folded below.');
    expect(body).not.toContain('To merge');
    expect(body.indexOf('`rule-1`')).toBeGreaterThan(body.indexOf('<summary>Not blocking: 1 problem'));
  });
});

describe('a change that passes with problems below the threshold', () => {
  const long = 'A weak hash is used. '.repeat(10).trim();
  const below = () =>
    report({
      controls: [control('CC6.1', 'pass', { belowThreshold: ['fp1', 'fp2'] })],
      findings: [
        finding(1, { severity: 'medium', baselineState: 'new', message: long }),
        finding(2, { severity: 'low', baselineState: 'unchanged' }),
      ],
      baseline: baseline(),
    });

  it('folds the new ones with their fix text, and leaves out what predates the change', () => {
    const body = renderComment(below(), { commentKey: 'k' });
    expect(body).toContain('1 new problem below the blocking threshold, folded below');
    const section = body.slice(body.indexOf('<summary>Below the blocking threshold: 1 new problem'));
    expect(section.indexOf('`rule-1`')).toBeGreaterThan(0);
    // The row points to a fix text inside the same folded section.
    expect(section).toContain('see fix 1');
    expect(section.slice(0, section.indexOf('</details>'))).toContain('1. `rule-1`: A weak hash');
    expect(body).not.toContain('`rule-2`');
  });

  it('without a base, every problem under the threshold is listed', () => {
    const r = below();
    const unbased = {
      ...r,
      baseline: null,
      findings: r.findings.map((f) => ({ ...f, baselineState: null })),
    };
    const body = renderComment(unbased, { commentKey: 'k' });
    expect(body).toContain('<summary>Below the blocking threshold: 2 problems</summary>');
  });
});
