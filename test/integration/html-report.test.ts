import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/data-files.ts';
import { GROUP_TITLES } from '../../src/report/html/model.ts';
import { renderHtmlReport } from '../../src/report/html-report.ts';
import { type JsonReport, parseJsonReport } from '../../src/report/json-report-schema.ts';
import type { RunFacts } from '../../src/report/run-facts.ts';
import { REPO_ROOT } from '../support/cli.ts';
import { ciRunFacts } from '../support/run-facts.ts';

const CHROMIUM = '/usr/bin/chromium';
const OUT = path.join(REPO_ROOT, 'out', 'test', 'html-report');
const ROWS = '#findings-table tbody tr[data-index]';

function readReport(): JsonReport {
  const scan = inject('exampleScan');
  const file = path.join(scan.outDir, 'controlgate.json');
  if (!existsSync(file))
    throw new Error(`the example scan wrote no report (exit ${scan.exitCode}):\n${scan.stderr}`);
  return parseJsonReport(readFileSync(file, 'utf8'), file);
}

const HOSTILE = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg onload=alert(1)>',
  "'></script><script>alert(2)</script>",
  '\u202eexe.txt',
].join(' ');

/** The example report with attacker-controlled text in every field a PR author or scanned code can fill. */
function hostileReport(base: JsonReport): JsonReport {
  const template = base.findings[0];
  if (!template) throw new Error('the example scan produced no findings');
  const waiver = {
    id: HOSTILE,
    fingerprint: null,
    scanner: HOSTILE,
    rule: HOSTILE,
    path: HOSTILE,
    reason: HOSTILE,
    approver: HOSTILE,
    ticket: HOSTILE,
    expires: HOSTILE,
    line: 3,
  };
  const finding = {
    ...template,
    scanner: HOSTILE,
    ruleId: HOSTILE,
    ruleName: HOSTILE,
    message: HOSTILE,
    path: HOSTILE,
    snippet: HOSTILE,
    waiver: HOSTILE,
    cwe: [HOSTILE],
    criteria: ['CC6.1', HOSTILE],
    helpUri: 'javascript:alert(1)',
  };
  return {
    ...base,
    findings: [finding, { ...finding, helpUri: 'https://example.invalid/"><svg onload=alert(1)>' }],
    waivers: { applied: [{ ...waiver, findings: [template.fingerprint] }], expired: [], stale: [waiver] },
    scanners: base.scanners.map((s) => ({ ...s, error: HOSTILE, version: HOSTILE })),
    // A pass under the hostile waiver, a blocking criterion not evaluated and a proposed policy edit:
    // the report's newer places for this text (matrix cell, blocking list, policy banner).
    controls: base.controls.map((c) => {
      if (c.verdict === 'pass' && c.id === 'CC7.2')
        // Its threshold at the waived finding's severity, so the pass rests on the waiver.
        return { ...c, title: HOSTILE, severity: template.severity, waived: [template.fingerprint] };
      if (c.id === 'CC7.3')
        return { ...c, title: HOSTILE, verdict: 'not-evaluated', blocking: true, failedScanners: [HOSTILE] };
      return c;
    }),
    policy: {
      ...base.policy,
      source: 'base',
      commit: HOSTILE,
      proposed: {
        invalid: null,
        changes: [{ key: HOSTILE, change: 'changed', before: HOSTILE, after: HOSTILE }],
      },
    },
  };
}

function hostileFacts(report: JsonReport): RunFacts {
  const facts = ciRunFacts(report);
  return { ...facts, repository: HOSTILE, branch: HOSTILE, actor: HOSTILE, runUrl: `javascript:${HOSTILE}` };
}

describe('HTML report: escaping and determinism (no browser)', () => {
  it('escapes hostile strings in text and attributes, and the JSON block cannot end its element', () => {
    const report = hostileReport(readReport());
    const html = renderHtmlReport(report, hostileFacts(report));
    for (const raw of ['<script>alert', '<img', '<svg', "'></script", '\u202e', 'href="javascript:']) {
      expect(html, raw).not.toContain(raw);
    }
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;svg onload=alert(1)&gt;');
    expect(html.match(/<script/g)).toHaveLength(2);
    expect(html.match(/<\/script/gi)).toHaveLength(2);
    const block =
      /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    expect(block).not.toMatch(/[<>]/);
    const data = JSON.parse(block) as { rows: { scanner: string; criteria: string[] }[] };
    expect(data.rows[0]?.scanner).toBe(HOSTILE.replace('\u202e', ''));
    expect(html).toContain('data-criterion="CC7.2" data-verdict="pass" data-criterion-state="waived-pass"');
    expect(html).toContain('id="policy-note"');
    expect(html).toContain('Content-Security-Policy');
    expect(html).not.toMatch(/<(img|link|iframe|object|embed|svg|video|audio|source|base)\b/i);
    expect(html).not.toMatch(/\ssrc="/);
  });

  it('gives the same bytes for the same input', () => {
    const report = readReport();
    expect(renderHtmlReport(report, ciRunFacts(report))).toBe(renderHtmlReport(report, ciRunFacts(report)));
  });

  it('knows every group of the shipped catalog by title', () => {
    for (const g of loadCatalog().data.groups) expect(GROUP_TITLES[g.id], g.id).toBe(g.title);
  });
});

describe('HTML report in Chromium, on the example scan', () => {
  let browser: Browser;
  let page: Page;
  let report: JsonReport;
  const errors: string[] = [];
  const requests: string[] = [];
  let fileUrl: string;

  async function open(html: string, name: string): Promise<void> {
    const file = path.join(OUT, name);
    writeFileSync(file, html);
    fileUrl = pathToFileURL(file).href;
    await page.goto(fileUrl, { waitUntil: 'load' });
  }

  async function shown(): Promise<number> {
    const visible = await page.locator(`${ROWS}:not([hidden])`).count();
    expect(await page.locator('#shown-count').getAttribute('data-shown')).toBe(String(visible));
    return visible;
  }

  async function filter(values: {
    criterion?: string;
    severity?: string;
    scanner?: string;
  }): Promise<number> {
    await page.click('#f-reset');
    for (const [key, value] of Object.entries(values)) await page.selectOption(`#f-${key}`, value);
    return shown();
  }

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: run \`node scripts/install-browser.ts\` (as root) first`);
    }
    mkdirSync(OUT, { recursive: true });
    report = readReport();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    page.on('dialog', (d) => errors.push(`dialog: ${d.message()}`));
    page.on('request', (r) => requests.push(r.url()));
    await open(renderHtmlReport(report, ciRunFacts(report)), 'report.html');
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('loads with no console or page errors and requests nothing but itself', async () => {
    await page.screenshot({ path: path.join(OUT, 'report.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(requests).toEqual([fileUrl]);
    expect(await page.textContent('#decision')).toBe(report.decision.toUpperCase());
    expect(await page.textContent('#exit-code')).toBe(String(report.exitCode));
  });

  it('shows all 61 criteria in the matrix, each coloured by its verdict', async () => {
    const cells = await page.$$eval('.cell[data-criterion]', (els) =>
      els.map((e) => [e.getAttribute('data-criterion'), e.className]),
    );
    expect(cells).toHaveLength(61);
    expect(cells.map(([id]) => id)).toEqual(report.controls.map((c) => c.id));
    for (const [i, c] of report.controls.entries()) expect(cells[i]?.[1], c.id).toContain(`v-${c.verdict}`);
  });

  it('filters by criterion, severity and scanner', async () => {
    expect(await shown()).toBe(report.findings.length);
    const cc61 = report.controls.find((c) => c.id === 'CC6.1');
    expect(cc61?.verdict).toBe('fail');
    const ofCc61 = report.findings.filter((f) => f.criteria.includes('CC6.1'));
    expect(await filter({ criterion: 'CC6.1' })).toBe(ofCc61.length);
    const visible = await page.$$eval(`${ROWS}:not([hidden])`, (rows) =>
      rows.map((r) => r.getAttribute('data-fingerprint')),
    );
    expect(new Set(visible)).toEqual(new Set(ofCc61.map((f) => f.fingerprint)));
    const high = report.findings.filter((f) => f.severity === 'high');
    expect(high.length).toBeGreaterThan(0);
    expect(await filter({ severity: 'high' })).toBe(high.length);
    expect(await filter({ scanner: 'kics' })).toBe(
      report.findings.filter((f) => f.scanner === 'kics').length,
    );
    const both = high.filter((f) => f.scanner === 'bandit').length;
    expect(await filter({ severity: 'high', scanner: 'bandit' })).toBe(both);
    expect(await page.isVisible('#no-match')).toBe(both === 0);
    await page.click('#f-reset');
    expect(await shown()).toBe(report.findings.length);
  });

  it('filters the table when a criterion in the matrix is clicked', async () => {
    const failing = report.controls.filter((c) => c.verdict === 'fail' && c.id !== 'CC6.1');
    const target = failing[0];
    if (!target) throw new Error('the example scan should fail more than CC6.1');
    await page.click(`.cell[data-criterion="${target.id}"]`);
    expect(await page.inputValue('#f-criterion')).toBe(target.id);
    expect(await shown()).toBe(report.findings.filter((f) => f.criteria.includes(target.id)).length);
    expect(await page.getAttribute(`.cell[data-criterion="${target.id}"]`, 'class')).toContain('selected');
    expect(new URL(page.url()).hash).toBe('#findings');
    await page.screenshot({ path: path.join(OUT, 'report-filtered.png') });
    expect(errors).toEqual([]);
  });

  it('runs no injected markup from a hostile report', async () => {
    const hostile = hostileReport(report);
    requests.length = 0;
    await open(renderHtmlReport(hostile, hostileFacts(hostile)), 'hostile.html');
    expect(await page.locator('script').count()).toBe(2);
    expect(await page.locator('img, svg, iframe, object').count()).toBe(0);
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
    expect(await page.locator(ROWS).count()).toBe(2);
    expect(await filter({ criterion: 'CC6.1' })).toBe(2);
    expect(errors).toEqual([]);
    expect(requests).toEqual([fileUrl]);
  });
});
