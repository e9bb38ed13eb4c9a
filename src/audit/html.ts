import { code, esc, safeHref, table } from '../report/html/escape.ts';
import type { AuditDocument } from './document.ts';

/*
 * report.html of an audit: one self-contained page (inline styles, no script, nothing fetched: the
 * content security policy forbids it) an auditor can open from the archive years later. Exceptions
 * come first, before the population table, because they are what the auditor follows up. Every
 * text is escaped: titles and names are written by pull-request authors.
 */

const CSP = ["default-src 'none'", "style-src 'unsafe-inline'", "base-uri 'none'", "form-action 'none'"].join(
  '; ',
);

const STYLES = `
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; background: #f6f8fa; }
main { max-width: 1440px; margin: 0 auto; padding: 20px 24px 48px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 0 0 12px; }
section { background: #fff; border: 1px solid #d1d9e0; border-radius: 8px; padding: 16px 20px; margin: 16px 0; }
code { font: 12.5px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
.none, .muted { color: #59636e; }
.empty { color: #59636e; font-style: italic; margin: 4px 0; }
.table-box { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; border-bottom: 1px solid #d1d9e0; padding: 4px 8px; }
th { background: #f6f8fa; }
.counts { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 8px; margin: 0; }
.counts div { border: 1px solid #d1d9e0; border-radius: 6px; padding: 6px 10px; }
.counts dt { color: #59636e; font-size: 12px; }
.counts dd { margin: 0; font-size: 20px; font-weight: 700; }
.exc { color: #cf222e; font-weight: 600; }
@media print { section { break-inside: avoid; } }
`;

function list(values: readonly string[]): string {
  return values.length === 0 ? '<span class="none">—</span>' : values.map((v) => esc(v)).join('<br>');
}

function changeLink(url: string | null, text: string): string {
  const href = safeHref(url);
  return href ? `<a href="${esc(href)}" rel="noreferrer">${esc(text)}</a>` : esc(text);
}

function summary(doc: AuditDocument): string {
  const c = doc.counts;
  const items: [string, number][] = [
    ['merged changes', c.merged],
    ['with exceptions', c.withExceptions],
    ['gate passed', c.gatePassed],
    ['gate blocked', c.gateBlocked],
    ['gate not evaluated', c.gateNotEvaluated],
    ['no gate run', c.noGateRun],
    ['gate bundles', c.gateBundles],
    ['merge records', c.mergeRecords],
    ['duplicate bundles', c.duplicateBundles],
    ['superseded runs', c.supersededRuns],
    ['rejected bundles', c.rejectedBundles],
  ];
  const source =
    doc.mergedListSource === 'platform'
      ? `the platform's list of merged changes${doc.repository ? ` for ${doc.repository}` : ''}`
      : 'the merge records found (no platform list was read: a change merged without a record is not in it)';
  return `<section id="period">
<h1>Change management audit</h1>
<p>Period <code>${esc(doc.period.since)}</code> to <code>${esc(doc.period.until)}</code> (both inclusive). Merged changes from ${esc(source)}. Generated ${esc(doc.generatedAt)} by controlgate ${esc(doc.controlgateVersion)}.</p>
<p>${
    doc.signer
      ? `Signatures checked: every bundle counted is signed by <code>${esc(doc.signer.identity)}</code> (issuer <code>${esc(doc.signer.issuer)}</code>); unsigned ones and others' are rejected below.`
      : '<strong>Signatures not checked</strong> (no <code>--identity</code>): an intact bundle shows it was not changed after it was written, not who wrote it.'
  }</p>
<dl class="counts">${items.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${v}</dd></div>`).join('')}</dl>
</section>`;
}

function exceptions(doc: AuditDocument): string {
  const rows = doc.exceptions.map((e) => [
    esc(`#${e.number}`),
    esc(e.title),
    `<span class="exc">${esc(e.code)}</span>`,
    esc(e.text),
  ]);
  return `<section id="exceptions"><h2>Exceptions (${doc.exceptions.length})</h2>
${table(['change', 'title', 'exception', 'detail'], rows, 'No exceptions in the period.')}
</section>`;
}

function sample(doc: AuditDocument): string {
  if (!doc.sample)
    return '<section id="sample"><h2>Sample</h2><p class="empty">No sample was asked for.</p></section>';
  const s = doc.sample;
  const rows = s.changes.map((c) => [esc(`#${c.number}`), code(c.key), code(c.rank)]);
  return `<section id="sample"><h2>Sample (${s.size} of ${doc.counts.merged}, seed ${esc(s.seed)})</h2>
<p>${esc(s.method)}</p>
${table(['change', 'hashed text', 'SHA-256 (rank)'], rows, 'The population is empty.')}
</section>`;
}

function population(doc: AuditDocument): string {
  const rows = doc.rows.map((r) => [
    changeLink(r.url, `#${r.number}`),
    esc(r.title),
    esc(r.author ?? '—'),
    code(r.mergedAt),
    esc(r.mergedBy ?? '—'),
    code(r.headSha.slice(0, 12)),
    esc(r.gateDecision),
    list(r.failingCriteria),
    list(r.waivers.map((w) => `${w.id ?? '(no id)'} by ${w.approver} until ${w.expires}`)),
    r.approvalsOnFinalHead === null ? '<span class="muted">unknown</span>' : list(r.approvalsOnFinalHead),
    list(r.exceptions.map((e) => e.code)),
  ]);
  return `<section id="population"><h2>Population (${doc.rows.length})</h2>
${table(
  [
    'number',
    'title',
    'author',
    'merged at',
    'merged by',
    'head',
    'gate',
    'failing criteria',
    'waivers',
    'approvals on final head',
    'exceptions',
  ],
  rows,
  'No change was merged in the period.',
)}
</section>`;
}

function tallies(doc: AuditDocument): string {
  const rows = doc.tallies.map((t) => [
    `${code(t.id)} ${esc(t.title)}`,
    String(t.passed),
    String(t.passedUnderWaiver),
    String(t.blocked),
    String(t.warned),
    String(t.notEvaluated),
  ]);
  return `<section id="criteria"><h2>Per criterion (changes whose counting gate run judged it)</h2>
${table(['criterion', 'passed', 'passed under waiver', 'blocked', 'warned', 'not evaluated'], rows, 'No gate run counted.')}
</section>`;
}

function trend(doc: AuditDocument): string {
  const rows = doc.trend.map((w) => [
    code(w.week),
    String(w.merged),
    String(w.blockedAtMerge),
    String(w.withExceptions),
  ]);
  return `<section id="trend"><h2>Trend per ISO week</h2>
${table(['week', 'merged', 'blocked at merge', 'with exceptions'], rows, 'No change was merged in the period.')}
</section>`;
}

function rejected(doc: AuditDocument): string {
  const rows = [
    ...doc.rejected.map((r) => [code(r.location), esc(r.kind), esc(r.reason)]),
    ...doc.gaps.map((g) => [code(`artifact ${g.artifact} #${g.id}`), 'artifact', esc(g.reason)]),
    ...doc.duplicates.map((d) => [
      code(d.location),
      'duplicate',
      esc(`the same bundle (digest) as ${d.sameAs}: counted once`),
    ]),
  ];
  return `<section id="rejected"><h2>Rejected bundles, gaps and duplicates (${rows.length})</h2>
<p class="muted">None of these counts as evidence.</p>
${table(['location', 'kind', 'why'], rows, 'Every bundle found verified.')}
</section>`;
}

/** The audit's HTML report. */
export function renderAuditHtml(doc: AuditDocument): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${esc(CSP)}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(`controlgate audit ${doc.period.since.slice(0, 10)} to ${doc.period.until.slice(0, 10)}`)}</title>
<style>${STYLES}</style>
</head>
<body>
<main>
${summary(doc)}
${exceptions(doc)}
${sample(doc)}
${population(doc)}
${tallies(doc)}
${trend(doc)}
${rejected(doc)}
</main>
</body>
</html>
`;
}
