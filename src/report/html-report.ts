import { createHash } from 'node:crypto';
import { renderFixed } from './html/comparison.ts';
import { renderCoverage } from './html/coverage.ts';
import { renderRunFacts, renderScanners, renderWaivers } from './html/details.ts';
import { esc } from './html/escape.ts';
import { renderFindings } from './html/findings.ts';
import { SCRIPT } from './html/script.ts';
import { STYLES } from './html/styles.ts';
import { renderMatrix, renderSummary } from './html/summary.ts';
import type { JsonReport } from './json-report-schema.ts';
import type { RunFacts } from './run-facts.ts';

/**
 * Nothing may be fetched: no network, no other files. The script is allowed by its hash only, so a
 * string that escaped escaping still could not run as script.
 */
function contentSecurityPolicy(): string {
  const scriptHash = createHash('sha256').update(SCRIPT, 'utf8').digest('base64');
  return [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    `script-src 'sha256-${scriptHash}'`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/**
 * One self-contained HTML file auditors open offline: decision (and the comparison with the base),
 * control matrix, filterable findings, what the change fixed, waivers, scanners, the coverage
 * ledger and run facts.
 * Deterministic: the same report and facts give the same bytes.
 */
export function renderHtmlReport(report: JsonReport, facts: RunFacts): string {
  const title = `controlgate ${report.decision.toUpperCase()}${facts.repository ? ` · ${facts.repository}` : ''}${facts.changeNumber === null ? '' : ` #${facts.changeNumber}`}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${esc(contentSecurityPolicy())}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="controlgate ${esc(report.tool.version)}">
<title>${esc(title)}</title>
<style>${STYLES}</style>
</head>
<body>
<main>
${renderSummary(report, facts)}
${renderMatrix(report)}
${renderFindings(report)}${renderFixed(report)}
${renderWaivers(report)}
${renderScanners(report, facts)}
${renderCoverage(report)}
${renderRunFacts(report, facts)}
<footer>controlgate ${esc(report.tool.version)} · report schema ${esc(report.schemaVersion)} · catalog ${esc(report.data.catalog.version)} · mapping ${esc(report.data.mapping.version)}</footer>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
