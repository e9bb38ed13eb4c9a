import { describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../../src/report/html-report.ts';
import type { JsonReport } from '../../../src/report/json-report-schema.ts';
import { renderComment } from '../../../src/report/markdown/comment.ts';
import { renderJobSummary } from '../../../src/report/markdown/summary.ts';
import {
  baseline,
  control,
  expectTablesIntact,
  finding,
  fixedFinding,
  report,
  scanner,
  withoutCodeSpans,
} from '../../support/report-builders.ts';
import { ciRunFacts } from '../../support/run-facts.ts';

const REPO = { repoUrl: 'https://github.com/octo/shop', headSha: 'abc123def456' };
const HEADER =
  '**Compared with `main` (merge base `1a2b3c4d`): 3 changed files · 2 new · 2 existing · 1 fixed.**';

/**
 * Diff mode: CC6.1 fails on two new findings and holds one existing; CC7.2 holds only existing debt
 * and passes; the change removed one finding; kics could not scan the base.
 */
function compared(over: Partial<NonNullable<JsonReport['baseline']>> = {}): JsonReport {
  return report({
    controls: [
      control('CC6.1', 'fail', { findings: ['fp1', 'fp2'], existing: ['fp3'] }),
      control('CC7.2', 'pass', { existing: ['fp4'], severity: 'medium' }),
      control('CC9.2', 'pass'),
    ],
    findings: [
      finding(1, { severity: 'critical', baselineState: 'new' }),
      finding(2, { baselineState: 'new' }),
      finding(3, { baselineState: 'unchanged', ruleId: 'debt-rule-3' }),
      finding(4, {
        baselineState: 'unchanged',
        ruleId: 'debt-rule-4',
        criteria: ['CC7.2'],
        severity: 'medium',
      }),
    ],
    scanners: [scanner('semgrep', { findings: 4 }), scanner('kics')],
    baseline: baseline({
      counts: { new: 2, unchanged: 2, fixed: 1 },
      changedFiles: [
        { status: 'modified', path: 'app/file1.py', oldPath: null },
        { status: 'added', path: 'app/file2.py', oldPath: null },
        { status: 'deleted', path: 'app/old1.py', oldPath: null },
      ],
      scanners: [
        ...baseline().scanners,
        {
          id: 'kics',
          scope: 'all-files',
          compared: false,
          reason: 'base scan failed: exit 3',
          baseStatus: 'failed',
          baseFilesScanned: 0,
          baseDurationMs: 5,
        },
      ],
      ...over,
    }),
    fixed: [fixedFinding(1, { message: 'Hard-coded password', criteria: ['CC6.1', 'CC6.7'] })],
  });
}

/** Where each needle first appears; fails the test if one is missing. */
function positions(body: string, needles: string[]): number[] {
  return needles.map((n) => {
    const at = body.indexOf(n);
    expect(at, n).toBeGreaterThanOrEqual(0);
    return at;
  });
}

function expectAscending(at: number[]): void {
  expect([...at].sort((a, b) => a - b)).toEqual(at);
}

describe('comment with a baseline', () => {
  it('says in one line under the decision what was compared, what was judged and what was not compared', () => {
    const body = renderComment(compared(), { commentKey: 'k', ...REPO });
    expect(body).toContain(
      `${HEADER} Only new findings can fail a criterion; existing ones are reported, not judged.`,
    );
    expect(body).toContain(
      '- ⚠️ `kics` was not compared (base scan failed: exit 3): all its findings count as new.',
    );
    // The developer's part first; what was compared is for reviewers, folded with the SOC 2 detail.
    expectAscending(
      positions(body, [
        '### controlgate: ❌ Blocked',
        '| Line | Severity',
        '<summary>SOC 2 criteria',
        HEADER,
      ]),
    );
    expectTablesIntact(body);
  });

  it("says first, in every report, that the base's policy judged a change that proposes another", () => {
    const proposing: JsonReport = {
      ...compared({ policyChanged: ['.controlgate.yml'] }),
      policy: {
        source: 'base',
        commit: 'c'.repeat(40),
        unverified: null,
        config: { file: '.controlgate.yml', sha256: 'd'.repeat(64) },
        waivers: null,
        proposed: {
          invalid: null,
          changes: [
            { key: 'policy.mode', change: 'changed', before: '"block"', after: '"warn"' },
            { key: 'exclude', change: 'added', after: '"app/**"' },
            {
              key: 'waivers.W-1',
              change: 'extended',
              before: '{"expires":"2027-01-01"}',
              after: '{"expires":"2099-01-01"}',
            },
          ],
        },
      },
    };
    const headline = "⚠️ **Policy:** This change proposes 3 changes to the gate's own policy.";
    for (const body of [
      renderComment(proposing, { commentKey: 'k', ...REPO }),
      renderJobSummary(proposing, REPO),
    ]) {
      expect(body).toContain(headline);
      expect(body).toContain('- `policy.mode` changed: `"block"` → `"warn"`');
      expect(body).toContain('- `exclude` added: `"app/**"`');
      expect(body).toContain('- `waivers.W-1` extended:');
      expectAscending(
        positions(body, ['### controlgate: ❌ Blocked', headline, '**To merge:**', '`rule-1`', HEADER]),
      );
    }
    const html = renderHtmlReport(proposing, ciRunFacts(proposing));
    expect(html).toContain('id="policy-note"');
    expect(html).toContain('<code>policy.mode</code> changed');
    expect(renderComment(compared(), { commentKey: 'k', ...REPO })).not.toContain('Policy:');
  });

  it('escapes what a hostile policy proposes', () => {
    const hostile: JsonReport = {
      ...compared(),
      policy: {
        source: 'base',
        commit: 'c'.repeat(40),
        unverified: null,
        config: null,
        waivers: null,
        proposed: { invalid: '<img src=x onerror=alert(1)> [click](http://evil)', changes: [] },
      },
    };
    expect(renderComment(hostile, { commentKey: 'k', ...REPO })).not.toContain('[click](http://evil)');
    expect(renderHtmlReport(hostile, ciRunFacts(hostile))).not.toContain('<img src=x');
  });

  it('lists new findings in the failing table first and existing debt apart, never as failing', () => {
    const body = renderComment(compared(), { commentKey: 'k', ...REPO });
    // Everything listed as blocking is new: no State column, and the headline says new.
    expect(body).toContain('### controlgate: ❌ Blocked: 1 critical and 1 high new problems in 2 files');
    expect(body).toContain('| Line | Severity | Rule | Criteria | Problem |');
    expect(body).not.toContain('| State |');
    expect(body).toContain('| critical | `rule-1` | CC6.1 |');
    // CC7.2 holds only debt: it is named in the debt list, not among the criteria of a blocking row.
    const debt = body.indexOf('<summary>Existing findings, not blocking: 2 findings in 2 criteria</summary>');
    expect(debt).toBeGreaterThan(body.indexOf('`rule-2`'));
    expect(body.slice(0, debt)).not.toContain('CC7.2');
    expect(body.indexOf('`debt-rule-3`')).toBeGreaterThan(debt);
    expect(body.indexOf('`debt-rule-4`')).toBeGreaterThan(debt);
    expect(body).toContain('- **CC7.2** Title of CC7.2: 1 finding');
    expectAscending(
      positions(body, [
        '| Line | Severity',
        '<summary>Existing findings',
        '<summary>✅ Fixed',
        '<summary>Waivers',
      ]),
    );
  });

  it('shows what the change fixed, linked at the merge base where that code was', () => {
    const body = renderComment(compared(), { commentKey: 'k', ...REPO });
    expect(body).toContain('<summary>✅ Fixed: this change removes 1 finding</summary>');
    expect(body).toContain(
      '| high | CC6.1, CC6.7 | semgrep `old-rule-1` | [app/old1.py:21](https://github.com/octo/shop/blob/1a2b3c4d5e6f708192a3b4c5d6e7f80912345678/app/old1.py#L21) | Hard-coded password |',
    );
    expect(renderComment(compared(), { commentKey: 'k' })).toContain(
      '| `app/old1.py:21` | Hard-coded password |',
    );
  });

  it('never links a fixed finding whose path is absolute, climbs out, or is a URI', () => {
    for (const path of ['/etc/passwd', '../outside.py', 'file:///etc/passwd']) {
      const r = { ...compared(), fixed: [fixedFinding(1, { path })] };
      const body = renderComment(r, { commentKey: 'k', ...REPO });
      expect(body, path).not.toContain('/blob/1a2b3c4d');
    }
  });

  it('labels existing findings after new ones in mode full, where both are judged', () => {
    const r = report({
      controls: [control('CC6.1', 'fail', { findings: ['fp1', 'fp2', 'fp3'] })],
      findings: [
        finding(1, { severity: 'critical', baselineState: 'unchanged' }),
        finding(2, { severity: 'low', baselineState: 'new' }),
        finding(3, { baselineState: 'unchanged' }),
      ],
      baseline: baseline({ mode: 'full', judged: 'all', counts: { new: 1, unchanged: 2, fixed: 0 } }),
    });
    const body = renderComment(r, { commentKey: 'k' });
    expect(body).toContain(
      'Mode full: every finding is judged, new and existing alike; the labels only say what this change added.',
    );
    // The low new finding comes before the critical existing one: the change is judged on what it adds.
    expectAscending(
      positions(body, ['| 12 | **new** | low | `rule-2`', '| 11 | existing | critical | `rule-1`']),
    );
    expect(body).toContain('| 13 | existing | high | `rule-3`');
    expect(body).toContain('| Line | State | Severity | Rule | Criteria | Problem |');
    expect(body).not.toContain('<summary>Existing findings');
    expect(body).not.toContain('<summary>✅ Fixed');
  });

  it('says when the base was unavailable, with the reason, and that every finding was judged', () => {
    const r = report({
      controls: [control('CC6.1', 'fail', { findings: ['fp1'] })],
      findings: [finding(1)],
      baseline: baseline({
        status: 'unavailable',
        reason: 'the base commit 0badc0de is not in this clone',
        judged: 'all',
        baseRef: null,
        baseSha: null,
        mergeBase: null,
        scope: 'all-files',
        scanners: [
          {
            ...(baseline().scanners[0] as NonNullable<JsonReport['baseline']>['scanners'][number]),
            compared: false,
          },
        ],
      }),
    });
    const body = renderComment(r, { commentKey: 'k' });
    expect(body).toContain(
      '⚠️ Not compared with the base: the base commit 0badc0de is not in this clone. Every finding was judged, as without a base.',
    );
    expect(body).toContain('| Line | Severity | Rule | Criteria | Problem |');
    expect(body).not.toContain('| State |');
    expect(body).not.toContain('was not compared');
    // Said right under what to do: it explains why old problems block too.
    expectAscending(positions(body, ['**To merge:**', '⚠️ Not compared', '| Line |']));
  });

  it('names the baseline bundle when the base findings came from an earlier run', () => {
    const alone = compared({
      baseRef: null,
      mergeBase: null,
      bundle: { location: 'base/evidence.zip', digest: 'sha256:ab' },
    });
    expect(renderComment(alone, { commentKey: 'k' })).toContain(
      '**Compared with the baseline bundle `base/evidence.zip`: 2 new · 2 existing · 1 fixed.**',
    );
    const both = compared({ bundle: { location: 'base/evidence.zip', digest: 'sha256:ab' } });
    expect(renderComment(both, { commentKey: 'k' })).toContain(
      '**Compared with `main` (merge base `1a2b3c4d`), base findings from the baseline bundle `base/evidence.zip`: 3 changed files ·',
    );
  });

  it('says nothing about comparisons without a baseline', () => {
    const r = report({ controls: [control('CC6.1', 'fail', { findings: ['fp1'] })], findings: [finding(1)] });
    const body = renderComment(r, { commentKey: 'k' });
    for (const word of ['Compared with', 'Not compared', '| State |', 'Existing findings', 'Fixed']) {
      expect(body).not.toContain(word);
    }
  });

  it('puts the same comparison into the job summary', () => {
    const body = renderJobSummary(compared(), REPO);
    expect(body).toContain(HEADER);
    expect(body).toContain('<summary>✅ Fixed: this change removes 1 finding</summary>');
    expect(body).toContain('<summary>Existing findings, not blocking');
  });
});

/** 30 new findings failing CC6.1, 200 existing ones under CC6.1 and CC7.2, 200 fixed: long messages everywhere. */
function crowded(): JsonReport {
  const long = (n: number) => `Problem ${n}: ${'the scanner explains this at length '.repeat(8)}`;
  const added = Array.from({ length: 30 }, (_, n) =>
    finding(n, { ruleId: `new-${n}`, baselineState: 'new', message: long(n) }),
  );
  const old = Array.from({ length: 200 }, (_, n) =>
    finding(100 + n, {
      ruleId: `old-${n}`,
      baselineState: 'unchanged',
      criteria: [n % 2 ? 'CC7.2' : 'CC6.1'],
      message: long(n),
    }),
  );
  const existing = (id: string) => old.filter((f) => f.criteria[0] === id).map((f) => f.fingerprint);
  return report({
    controls: [
      control('CC6.1', 'fail', { findings: added.map((f) => f.fingerprint), existing: existing('CC6.1') }),
      control('CC7.2', 'pass', { existing: existing('CC7.2') }),
    ],
    findings: [...added, ...old],
    baseline: baseline({ counts: { new: 30, unchanged: 200, fixed: 200 } }),
    fixed: Array.from({ length: 200 }, (_, n) => fixedFinding(n, { ruleId: `gone-${n}`, message: long(n) })),
  });
}

describe('shortening with a baseline', () => {
  it('leaves the existing and fixed lists to the job summary once the comment is long, never a new finding', () => {
    const r = crowded();
    // 30 new problems with 30 long fix texts are past the readable budget: the side lists give way.
    const body = renderComment(r, { commentKey: 'k' });
    for (let n = 0; n < 30; n += 1) expect(body).toContain(`\`new-${n}\``);
    expect(body).not.toContain('`old-0`');
    expect(body).not.toContain('`gone-0`');
    expect(body).not.toContain('Shortened');
    expect(body).toContain('- **CC7.2** Title of CC7.2: 100 findings');
    expect(body).toContain('<summary>✅ Fixed: this change removes 200 findings</summary>');
    expect(body).toContain('_The list was left out to fit the size limit._');
    expectTablesIntact(body);
    const summary = renderJobSummary(r, {});
    expect(summary).toContain('`old-0`');
    expect(summary).toContain('`gone-0`');
  });

  it('never lists an existing or fixed finding while leaving out a new one, at any limit', () => {
    const r = crowded();
    for (let max = 1_000; max <= 40_000; max += 1_000) {
      const body = renderComment(r, { commentKey: 'k', maxChars: max });
      expect(body.length, `maxChars ${max}`).toBeLessThanOrEqual(max);
      const side = /`(old|gone)-\d+`/.test(body);
      const newShown = (body.match(/`new-\d+`/g) ?? []).length;
      if (side) expect(newShown, `maxChars ${max}`).toBe(30);
      expectTablesIntact(body);
    }
  });
});

const EVIL = [
  '<img src=x onerror=alert(1)>',
  '@octocat',
  '```',
  '[x](javascript:alert(1))',
  'a | b',
  '<!-- controlgate:comment key=default -->',
  '\u001b[31m',
  '\u202e',
].join(' ');

function hostile(): JsonReport {
  return {
    ...compared({
      baseRef: EVIL,
      bundle: { location: EVIL, digest: 'sha256:0' },
      changedFiles: [{ status: 'renamed', path: EVIL, oldPath: EVIL }],
      scanners: [
        {
          id: EVIL,
          scope: 'all-files',
          compared: false,
          reason: EVIL,
          baseStatus: 'failed',
          baseFilesScanned: 0,
          baseDurationMs: 1,
        },
      ],
    }),
    fixed: [
      fixedFinding(1, {
        path: `src/${EVIL}.py`,
        message: EVIL,
        ruleName: EVIL,
        scanner: EVIL,
        snippet: EVIL,
      }),
    ],
  };
}

describe('hostile text in the comparison', () => {
  it('is inert in the comment: fixed list, base ref, bundle path and not-compared reasons', () => {
    for (const options of [{}, REPO]) {
      const body = renderComment(hostile(), { commentKey: 'default', ...options });
      for (const bad of ['@octocat', '<img', '\u001b', '\u202e', '[31m']) expect(body).not.toContain(bad);
      const prose = withoutCodeSpans(body.slice(body.indexOf('\n')));
      for (const bad of ['](javascript:', '[x]', '```', '<!--', '-->']) expect(prose, bad).not.toContain(bad);
      expect(body.split('controlgate:comment key=default').length).toBe(2);
      expect(body.lastIndexOf('<!--')).toBe(0);
      expect(body).toContain('&lt;img src=x onerror=alert\\(1\\)&gt;');
      expectTablesIntact(body);
    }
  });

  it('is escaped in the HTML report: comparison block, changed files and the fixed section', () => {
    const r = hostile();
    const html = renderHtmlReport(r, ciRunFacts(r));
    for (const raw of ['<img', '\u202e', '\u001b']) expect(html, raw).not.toContain(raw);
    expect(html.match(/<script/g)).toHaveLength(2);
    const fixed = /<section id="fixed">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? '';
    expect(fixed).toContain('&lt;img src=x onerror=alert(1)&gt; @octocat ```');
    const comparison = /<div class="comparison" id="comparison">([\s\S]*?)<\/div>/.exec(html)?.[1] ?? '';
    expect(comparison).toContain('Compared with <code>&lt;img src=x onerror=alert(1)&gt;');
  });
});

describe('HTML report with a baseline', () => {
  const html = renderHtmlReport(compared(), ciRunFacts(compared()));

  it('summarises the comparison in the header', () => {
    expect(html).toContain(
      '<p id="comparison-line">Compared with <code>main</code> (merge base <code>1a2b3c4d</code>): 3 changed files · 2 new · 2 existing · 1 fixed.</p>',
    );
    expect(html).toContain('Only new findings can fail a criterion; existing ones are reported, not judged.');
    expect(html).toContain(
      '<li><code>kics</code> was not compared (base scan failed: exit 3): all its findings count as new.</li>',
    );
    expect(html).toContain('<li class="chip bs-fixed" data-state="fixed">fixed<b>1</b></li>');
    expect(html).toContain('<summary>Changed files (3)</summary>');
    expect(html).toMatch(/id="existing-per-criterion">.*<code>CC7\.2<\/code><b>1<\/b>/);
  });

  it('lists new findings first, labelled, with existing debt filterable apart', () => {
    const states = [
      ...html.matchAll(/<tr data-index="\d+" data-fingerprint="(fp\d)" data-state="(\w+)">/g),
    ].map((m) => `${m[1]}:${m[2]}`);
    expect(states).toEqual(['fp1:new', 'fp2:new', 'fp3:existing', 'fp4:existing']);
    expect(html).toContain('<select id="f-state">');
    expect(html).toContain('<option value="existing">existing debt</option>');
    expect(html).toContain(
      '<span class="st st-existing">existing debt</span><div><span class="bs bs-existing" title="already there at the base">existing</span></div>',
    );
    expect(html).toContain('<span class="bs bs-new" title="introduced by this change">new</span>');
    const change = /<select id="f-state">(.*?)<\/select>/.exec(html)?.[1];
    expect(change).toBe(
      '<option value="">all</option><option value="new">new</option><option value="existing">existing</option>',
    );
    const data = JSON.parse(/id="report-data">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '{}') as {
      rows: { state?: string }[];
    };
    expect(data.rows.map((row) => row.state)).toEqual(['new', 'new', 'existing', 'existing']);
  });

  it('has a Fixed section after the findings', () => {
    const at = (s: string) => html.indexOf(s);
    expect(at('<section id="fixed"><h2>Fixed by this change (1)</h2>')).toBeGreaterThan(
      at('<section id="findings">'),
    );
    expect(at('<section id="fixed">')).toBeLessThan(at('<section id="waivers">'));
    expect(html).toContain('<code>app/old1.py:21</code>');
    expect(html).toContain('Hard-coded password');
  });

  it('says when the base was unavailable and shows no change filter or Fixed section', () => {
    const r = compared({ status: 'unavailable', reason: 'no base <here>', judged: 'all', baseRef: null });
    const out = renderHtmlReport(r, ciRunFacts(r));
    expect(out).toContain(
      '<p id="comparison-line">Not compared with the base: no base &lt;here&gt;. Every finding was judged, as without a base.</p>',
    );
    expect(out).not.toContain('id="f-state"');
    expect(out).not.toContain('<section id="fixed">');
    expect(out).not.toContain('data-state=');
  });

  it('shows nothing about comparisons without a baseline', () => {
    const r = report({ controls: [control('CC6.1', 'fail', { findings: ['fp1'] })], findings: [finding(1)] });
    const out = renderHtmlReport(r, ciRunFacts(r));
    for (const s of ['id="comparison"', 'id="fixed"', 'id="f-state"', 'existing debt', 'data-state=']) {
      expect(out).not.toContain(s);
    }
  });
});
