import type { JsonReport } from '../json-report-schema.ts';
import type { RunFacts } from '../run-facts.ts';
import { code, duration, esc, table } from './escape.ts';

type WaiverFacts = JsonReport['waivers']['stale'][number];

/** What a waiver matches: its id, else its fingerprint or rule/path, else its line in the file. */
function waiverName(w: WaiverFacts): string {
  const matcher = w.fingerprint ?? [w.scanner, w.rule, w.path].filter(Boolean).join(' ');
  return `${code(w.id ?? `line ${w.line}`)}${w.id && matcher ? `<div class="muted">${esc(matcher)}</div>` : ''}`;
}

function waiverCells(w: WaiverFacts): string[] {
  return [waiverName(w), esc(w.reason), esc(w.approver), code(w.ticket), code(w.expires)];
}

/** Applied, expired and stale waivers, as the gate reported them. */
export function renderWaivers(report: JsonReport): string {
  const head = ['Waiver', 'Reason', 'Approver', 'Ticket', 'Expires'];
  const { applied, expired, stale } = report.waivers;
  const file = report.data.waiversFile ? ` from ${code(report.data.waiversFile)}` : '';
  return `<section id="waivers"><h2>Waivers</h2>
<p class="muted">Read${file || ': no waivers file'}.</p>
<h3>Applied (${applied.length})</h3>
${table(
  [...head, 'Findings'],
  applied.map((w) => [...waiverCells(w), esc(w.findings.length)]),
  'No waiver was applied.',
  'waivers-applied',
)}
<h3>Expired (${expired.length})</h3>
${table(
  [...head, 'Would match'],
  expired.map((w) => [...waiverCells(w), esc(w.wouldMatch.length)]),
  'No waiver has expired.',
  'waivers-expired',
)}
<h3>Stale (${stale.length})</h3>
${table(head, stale.map(waiverCells), 'Every waiver matched a finding.', 'waivers-stale')}
</section>`;
}

/** Files a scanner ran on but could not judge: they leave its criteria not evaluated. */
function unjudgedList(unjudged: JsonReport['scanners'][number]['unjudged']): string {
  if (!unjudged?.length) return '';
  const items = unjudged.map((u) => `<li>${code(u.path)}: ${esc(u.reason)}</li>`).join('');
  return `<div class="unjudged"><b>Could not judge ${unjudged.length === 1 ? '1 file' : `${unjudged.length} files`}</b>, so the criteria it covers are not evaluated:<ul>${items}</ul></div>`;
}

/** Each scanner's version, status, duration and error, with the command line from the run facts. */
export function renderScanners(report: JsonReport, facts: RunFacts): string {
  const commands = new Map(facts.scanners.map((s) => [s.id, s.command]));
  const rows = report.scanners.map((s) => {
    const command = commands.get(s.id);
    return [
      `<b>${esc(s.name)}</b><div>${code(s.id)}</div>`,
      code(s.version),
      `<span class="status-${esc(s.status)}">${esc(s.status)}</span>`,
      esc(s.findings),
      esc(s.filesScanned),
      esc(duration(s.durationMs)),
      code(s.exitCode),
      `${s.error ? esc(s.error) : s.unjudged?.length ? '' : '<span class="none">—</span>'}${unjudgedList(s.unjudged)}${command ? `<details class="command"><summary>command</summary><pre>${esc(command.join(' '))}</pre></details>` : ''}`,
    ];
  });
  const head = ['Scanner', 'Version', 'Status', 'Findings', 'Files', 'Duration', 'Exit code', 'Error'];
  return `<section id="scanners"><h2>Scanners</h2>\n${table(head, rows, 'No scanner ran.', 'scanners')}\n</section>`;
}

function fact(label: string, value: string): string {
  return `<dt>${esc(label)}</dt><dd>${value}</dd>`;
}

/** Who ran what, where and when, and the SHA-256 of every input the decision rested on. */
export function renderRunFacts(report: JsonReport, facts: RunFacts): string {
  const h = facts.hashes;
  const took = Date.parse(facts.finishedAt) - Date.parse(facts.startedAt);
  const hashes: string[][] = [
    ['config', code(h.config?.file), code(h.config?.sha256)],
    ['catalog', code(h.catalog.version), code(h.catalog.sha256)],
    ['mapping', code(h.mapping.version), code(h.mapping.sha256)],
    ['waivers', code(h.waivers?.file), code(h.waivers?.sha256)],
    ...h.rulePacks.map((r) => ['rule pack', code(r.path), code(r.sha256)]),
  ];
  const list = [
    fact('Repository', code(facts.repository)),
    fact('Commit', code(facts.commit)),
    ...(facts.baseCommit ? [fact('Base commit', code(facts.baseCommit))] : []),
    ...(facts.mergeCommit ? [fact('Merge commit scanned', code(facts.mergeCommit))] : []),
    fact('Branch', code(facts.branch)),
    fact('Change number', code(facts.changeNumber)),
    fact('Actor', code(facts.actor)),
    fact('Run URL', code(facts.runUrl)),
    fact('Started', code(facts.startedAt)),
    fact(
      'Finished',
      `${code(facts.finishedAt)}${Number.isFinite(took) ? ` <span class="muted">(${esc(duration(took))})</span>` : ''}`,
    ),
    fact('Host', code(`${facts.host.os} ${facts.host.release} ${facts.host.arch}, Node ${facts.host.node}`)),
    fact('controlgate', code(facts.controlgateVersion)),
    fact('Scanned', `${code(report.target)} <span class="muted">in</span> ${code(report.root)}`),
    fact('Decision', `${code(facts.decision)}, exit code ${code(facts.exitCode)}`),
  ];
  return `<section id="run-facts"><h2>Run facts</h2>
<dl class="facts">${list.join('\n')}</dl>
<h3>Input hashes (SHA-256)</h3>
${table(
  ['Input', 'File or version', 'SHA-256'],
  hashes.map(([k, ...v]) => [esc(k), ...v]),
  'No inputs recorded.',
  'hashes',
)}
</section>`;
}
