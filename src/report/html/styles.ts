/** The report's only stylesheet, inlined: system fonts, no images, nothing fetched. */
export const STYLES = `
:root {
  --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #f6f8fa;
  --pass: #1a7f37; --pass-bg: #dafbe1; --fail: #cf222e; --fail-bg: #ffebe9;
  --warn: #9a6700; --warn-bg: #fff8c5; --ne: #6639ba; --ne-bg: #fbefff;
  --nc: #59636e; --nc-bg: #eaeef2; --oos: #8c959f; --oos-bg: #ffffff;
  --wv: #0b6a80; --wv-bg: #ddf4f8; --wv-line: #7cc7d8; --policy: #953800; --policy-bg: #fff1e5;
}
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
  color: var(--fg); background: var(--bg); }
main { max-width: 1440px; margin: 0 auto; padding: 20px 24px 48px; }
h1 { font-size: 22px; margin: 0; }
h2 { font-size: 18px; margin: 0 0 12px; }
h3 { font-size: 15px; margin: 16px 0 8px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; margin: 16px 0; }
code, .mono { font: 12.5px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; }
code { overflow-wrap: anywhere; }
.none, .muted { color: var(--muted); }
.empty { color: var(--muted); font-style: italic; margin: 4px 0; }
.top { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; }
.banner { display: flex; gap: 20px; align-items: flex-start; flex-wrap: wrap; }
.decision { font-size: 28px; font-weight: 800; letter-spacing: .06em; padding: 10px 22px; border-radius: 8px; color: #fff; }
.decision-pass { background: var(--pass); }
.decision-block { background: var(--fail); }
.subtitle { color: var(--muted); margin-top: 4px; }
.headline { flex: 1 1 420px; min-width: 0; }
.blocking { margin-top: 10px; }
.blocking h2 { font-size: 16px; margin: 0 0 4px; }
.blocking p { margin: 6px 0 0; }
ul.crit-list { list-style: none; margin: 0; padding: 0; }
ul.crit-list li { margin: 3px 0; padding: 3px 8px; border-left: 4px solid; border-radius: 2px; overflow-wrap: anywhere; }
ul.crit-list li.v-not-evaluated { background: var(--ne-bg); }
.waived-list { margin-top: 8px; }
.warn-line { color: var(--warn); }
.policy-banner { border: 2px solid var(--policy); border-left-width: 8px; background: var(--policy-bg); color: #4a1c00;
  border-radius: 6px; padding: 8px 14px; margin: 0 0 14px; overflow-wrap: anywhere; }
.policy-banner p { margin: 4px 0; }
.policy-banner .policy-title { font-size: 16px; color: var(--policy); }
.policy-banner ul { margin: 4px 0; padding-left: 20px; }
.summary { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(320px, 100%), 1fr)); gap: 16px; margin-top: 14px; }
.summary > div h3 { margin-top: 0; }
.chips { display: flex; flex-wrap: wrap; gap: 6px; list-style: none; margin: 0; padding: 0; }
.chip { border: 1px solid var(--line); border-radius: 999px; padding: 2px 10px; white-space: nowrap; }
.chip b { margin-left: 4px; }
.v-pass { background: var(--pass-bg); color: var(--pass); border-color: #aceebb; }
.v-fail { background: var(--fail-bg); color: var(--fail); border-color: #ffcecb; }
.v-warn { background: var(--warn-bg); color: var(--warn); border-color: #f5e0a0; }
.v-not-evaluated { color: var(--ne); border-color: #d8b9ff;
  background: repeating-linear-gradient(135deg, var(--ne-bg) 0 6px, #ecdcff 6px 12px); }
.v-not-covered { background: var(--nc-bg); color: var(--nc); border-color: #d1d9e0; }
.v-out-of-scope { background: var(--oos-bg); color: var(--oos); border-color: #e1e4e8; border-style: dashed; }
.s-waived-pass, .v-pass.s-waived-pass { color: var(--wv); border-color: var(--wv-line); border-style: double;
  background: repeating-linear-gradient(45deg, var(--wv-bg) 0 6px, #eefafc 6px 12px); }
ul.crit-list li.s-waived-pass { border-style: solid; border-left-width: 4px; }
.cell .wv { flex-basis: 100%; font: 400 11px/1.3 system-ui, sans-serif; overflow-wrap: anywhere; }
.cell.s-waived-pass { flex-wrap: wrap; max-width: 100%; }
.sev { display: inline-block; min-width: 62px; text-align: center; border-radius: 4px; padding: 0 6px;
  font-size: 12px; font-weight: 600; text-transform: uppercase; }
.sev-critical { background: #82071e; color: #fff; }
.sev-high { background: #cf222e; color: #fff; }
.sev-medium { background: #bc4c00; color: #fff; }
.sev-low { background: #fff8c5; color: #7d4e00; border: 1px solid #f5e0a0; }
.sev-info { background: #ddf4ff; color: #0969da; border: 1px solid #b6e3ff; }
.legend { display: flex; flex-wrap: wrap; gap: 6px; margin-bottom: 8px; }
.legend .chip { font-size: 12px; white-space: normal; }
.category { margin-top: 8px; }
.group { display: grid; grid-template-columns: 330px 1fr; gap: 8px; align-items: center; padding: 3px 0;
  border-top: 1px solid #eff2f5; }
.group-label { font-size: 13px; }
.group-label b { display: inline-block; min-width: 34px; }
.cells { display: flex; flex-wrap: wrap; gap: 4px; }
.cell { display: inline-flex; align-items: center; gap: 4px; min-width: 78px; padding: 3px 8px; border: 1px solid;
  border-radius: 4px; text-decoration: none; font: 600 12.5px/1.3 ui-monospace, SFMono-Regular, Menlo, monospace; }
.cell:hover, .cell:focus-visible { outline: 2px solid #0969da; outline-offset: 1px; }
.cell.selected { outline: 3px solid #0969da; outline-offset: 1px; }
.cell .glyph { font-family: system-ui, sans-serif; }
.cell .count { margin-left: auto; font-weight: 400; }
.filters { display: flex; flex-wrap: wrap; gap: 12px; align-items: end; margin-bottom: 10px; }
.filters label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); gap: 2px; }
.filters select, .filters button { font: inherit; padding: 4px 6px; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
.filters button { cursor: pointer; }
.filters select { max-width: min(260px, 100%); }
#shown-count { font-weight: 600; margin-left: auto; }
.table-box { overflow-x: auto; max-width: 100%; }
.print-only { display: none; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid #eff2f5; }
th { font-size: 12px; color: var(--muted); background: #f6f8fa; position: sticky; top: 0; }
table.findings { table-layout: fixed; }
table.findings col.c-sev { width: 90px; } table.findings col.c-crit { width: 110px; }
table.findings col.c-scan { width: 80px; } table.findings col.c-rule { width: 16%; }
table.findings col.c-loc { width: 15%; } table.findings col.c-status { width: 130px; }
table.findings td { overflow-wrap: anywhere; }
td.msg { white-space: pre-wrap; }
table.fixed td { overflow-wrap: anywhere; }
.crit { display: inline-block; margin: 0 4px 2px 0; }
.tag { display: inline-block; font-size: 11px; border: 1px solid var(--line); border-radius: 4px; padding: 0 4px;
  margin: 2px 4px 0 0; color: var(--muted); max-width: 100%; overflow-wrap: anywhere; }
.st { font-size: 12px; font-weight: 600; border-radius: 4px; padding: 1px 6px; border: 1px solid; white-space: nowrap; }
.st-active { color: var(--fail); background: var(--fail-bg); border-color: #ffcecb; }
.st-waived, .st-suppressed { color: var(--ne); background: var(--ne-bg); border-color: #d8b9ff; }
.st-advisory, .st-below-threshold, .st-out-of-scope { color: var(--nc); background: var(--nc-bg); border-color: var(--line); }
.bs { display: inline-block; margin-top: 3px; font-size: 11px; font-weight: 600; border-radius: 4px; padding: 0 5px; border: 1px solid; }
.bs-new { color: var(--fail); background: #fff; border-color: #ffcecb; }
.bs-existing { color: var(--nc); background: var(--nc-bg); border-color: var(--line); }
.bs-fixed { color: var(--pass); background: var(--pass-bg); border-color: #aceebb; }
.st-existing { color: var(--nc); background: var(--nc-bg); border-color: var(--line); }
.comparison { margin-top: 14px; padding-top: 12px; border-top: 1px solid var(--line); }
.comparison p { margin: 4px 0; }
.comparison.unavailable #comparison-line { color: var(--warn); font-weight: 600; }
.comparison ul.notes { margin: 4px 0; padding-left: 20px; }
ul.changed { list-style: none; margin: 4px 0; padding: 0; columns: 2 360px; }
details summary { cursor: pointer; color: var(--muted); font-size: 12px; }
details pre { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--bg); padding: 6px; border-radius: 4px; margin: 4px 0 0; }
dl.facts { display: grid; grid-template-columns: 180px 1fr; gap: 4px 16px; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.status-ok { color: var(--pass); font-weight: 600; } .status-failed { color: var(--fail); font-weight: 600; }
.status-skipped { color: var(--muted); font-weight: 600; }
footer { color: var(--muted); font-size: 12px; text-align: center; }
/* Narrow windows and phones: one column, the findings as cards, wide tables scroll in their box. */
@media (max-width: 760px) {
  main { padding: 8px 8px 32px; }
  section, .top { padding: 12px; border-radius: 6px; }
  h1 { font-size: 18px; }
  .decision { font-size: 22px; padding: 6px 14px; }
  .headline { flex-basis: 100%; }
  .group { grid-template-columns: 1fr; gap: 2px; }
  .filters label, .filters select { width: 100%; max-width: none; }
  #shown-count { margin-left: 0; }
  dl.facts { grid-template-columns: 1fr; gap: 0; }
  dl.facts dd { margin-bottom: 6px; }
  ul.changed { columns: 1; }
  table.findings tr[hidden] { display: none; }
  table.findings td.rule, table.findings td.loc { flex-basis: 100%; }
  /* Other tables keep readable columns and scroll sideways in their box. */
  .table-box > table:not(.findings) { min-width: 560px; }
}
/* The findings as cards, on a phone and on paper: a line of facts, then the message. */
@media (max-width: 760px), print {
  table.findings, table.findings tbody, table.findings td { display: block; width: auto; }
  table.findings colgroup, table.findings thead { display: none; }
  table.findings tr[data-index] { display: flex; flex-wrap: wrap; align-items: baseline; gap: 2px 8px; padding: 6px 0;
    border-bottom: 1px solid var(--line); }
  table.findings td { border: none; padding: 0; }
  table.findings td.rule > div, table.findings td.rule > a { display: inline; margin-right: 6px; }
  table.findings td.status div { display: inline; margin-left: 4px; }
  table.findings td.msg { order: 9; flex-basis: 100%; }
}
@media print {
  @page { margin: 12mm; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { background: #fff; font-size: 10px; line-height: 1.3; }
  main { max-width: none; padding: 0; display: flex; flex-direction: column; }
  /* Page 1: decision, blocking criteria, counts and matrix, waivers, run facts; findings after. */
  main > header { order: 0; } #matrix { order: 1; } #waivers { order: 2; } #run-facts { order: 3; }
  #findings { order: 4; break-before: page; } #fixed { order: 5; } #scanners { order: 6; } #coverage { order: 7; }
  /* The input hashes (run facts too, but long) go to the end, under their own heading. */
  #run-facts { display: contents; } #run-facts > * { order: 3; }
  #run-facts > h3, #run-facts > .table-box { order: 8; } #run-facts > h3 { margin-top: 8px; }
  main > footer { order: 9; }
  .policy-banner { padding: 4px 10px; margin-bottom: 8px; border-width: 1.5px; border-left-width: 6px; }
  .policy-banner .policy-title { font-size: 12px; }
  .subtitle { margin-top: 0; }
  .blocking { margin-top: 4px; }
  .summary p.muted { margin: 2px 0 0; }
  h1 { font-size: 13px; }
  ul.crit-list li { font-size: 9.5px; }
  .cell.s-waived-pass { flex-wrap: nowrap; }
  .cell .wv { flex-basis: auto; font-size: 8.5px; margin-left: 4px; }
  #waivers > h2 { display: inline-block; margin-right: 8px; } #waivers > p.muted { display: inline; }
  #waivers > h3:first-of-type { display: block; }
  section, .top { border: none; border-radius: 0; padding: 0; margin: 0 0 8px; }
  h1 { font-size: 15px; } h2 { font-size: 12.5px; margin: 0 0 4px; } h3 { font-size: 11px; margin: 6px 0 2px; }
  .blocking h2 { font-size: 12.5px; }
  code, .mono { font-size: 9px; }
  .decision { font-size: 18px; padding: 4px 12px; }
  .banner { gap: 12px; align-items: flex-start; }
  .summary { margin-top: 6px; gap: 8px; grid-template-columns: 1fr 1fr; }
  .chip { padding: 0 6px; }
  .screen-only, .filters, #no-match, details.snippet, details.command, .legend, .cell .count { display: none !important; }
  .print-only { display: block; }
  details > summary { list-style: none; color: var(--muted); }
  details > summary::-webkit-details-marker { display: none; }
  .category h3 { display: inline-block; margin: 4px 0 0; }
  .category.all-out-of-scope { display: none; }
  .group { grid-template-columns: 220px 1fr; padding: 0; gap: 4px; }
  .group-label { font-size: 9.5px; }
  .cell { min-width: 0; padding: 0 4px; font-size: 9px; }
  .cell.selected { outline: none; }
  a { color: inherit; text-decoration: none; }
  th { position: static; font-size: 9px; }
  th, td { padding: 2px 4px; }
  dl.facts { grid-template-columns: 95px 1fr 95px 1fr; gap: 0 8px; }
  #waivers h3 { display: inline-block; margin: 2px 12px 0 0; } #waivers .empty { display: inline; margin-right: 12px; }
  ul.crit-list li { margin: 1px 0; padding: 0 6px; }
  .blocking p { margin: 2px 0 0; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  .table-box { overflow: visible; }
  table.findings tr[data-index], table.findings tr[hidden] { display: flex; padding: 3px 0; }
  table.findings td.msg { white-space: normal; display: -webkit-box; -webkit-line-clamp: 2;
    -webkit-box-orient: vertical; overflow: hidden; }
  /* Findings that do not count (below the threshold, advisory, out of scope): one line each. */
  table.findings tr:has(.st-below-threshold) td.msg, table.findings tr:has(.st-advisory) td.msg,
  table.findings tr:has(.st-out-of-scope) td.msg { display: none; }
}
`;
