import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { renderHtmlReport } from '../../src/report/html-report.ts';
import { type JsonReport, parseJsonReport } from '../../src/report/json-report-schema.ts';
import { REPO_ROOT } from '../support/cli.ts';
import { ciRunFacts } from '../support/run-facts.ts';

/*
 * The report's layout in Chromium: screenshots at a desktop and a phone width, no horizontal page
 * scroll on the phone, and the printed PDF: short, with the decision and what blocks it on page 1.
 */

const CHROMIUM = '/usr/bin/chromium';
const PDFTOTEXT = '/usr/bin/pdftotext';
const OUT = path.join(REPO_ROOT, 'out', process.env.CONTROLGATE_TEST_OUT ?? 'test', 'html');
/** The example app's report prints to 8 pages (Letter); 37 before the print stylesheet. */
const MAX_PAGES = 12;

function readReport(): JsonReport {
  const scan = inject('exampleScan');
  const file = path.join(scan.outDir, 'controlgate.json');
  if (!existsSync(file))
    throw new Error(`the example scan wrote no report (exit ${scan.exitCode}):\n${scan.stderr}`);
  return parseJsonReport(readFileSync(file, 'utf8'), file);
}

/**
 * The example report with what it lacks: a pass under waiver (CC7.2), a blocking criterion not
 * evaluated because KICS failed (CC7.3) and a change that edits its own policy.
 */
function richReport(base: JsonReport): JsonReport {
  const template = base.findings.find((f) => f.severity === 'high');
  if (!template) throw new Error('the example scan produced no high finding');
  const fp = 'layout-waived-1';
  const waived = { ...template, fingerprint: fp, criteria: ['CC7.2'], waiver: 'W-7', message: 'Waived' };
  const waiver = {
    id: 'W-7',
    fingerprint: null,
    scanner: null,
    rule: template.ruleId,
    path: null,
    reason: 'Credentials of the mock payment server, not a real secret',
    approver: 'alice@example.com',
    ticket: 'SEC-12',
    expires: '2027-03-31',
    line: 3,
    findings: [fp],
  };
  const controls = base.controls.map((c): JsonReport['controls'][number] => {
    if (c.id === 'CC7.2') return { ...c, verdict: 'pass', waived: [...c.waived, fp] };
    if (c.id === 'CC7.3') return { ...c, verdict: 'not-evaluated', blocking: true, failedScanners: ['kics'] };
    return c;
  });
  // The counts follow the edited verdicts, as the gate's own would.
  const verdicts: JsonReport['verdicts'] = Object.fromEntries(
    Object.keys(base.verdicts).map((v) => [v, controls.filter((c) => c.verdict === v).length]),
  ) as JsonReport['verdicts'];
  return {
    ...base,
    findings: [...base.findings, waived],
    controls,
    verdicts,
    waivers: { ...base.waivers, applied: [waiver] },
    policy: {
      ...base.policy,
      source: 'base',
      commit: '0a1b2c3d4e5f60718293a4b5c6d7e8f901234567',
      proposed: {
        invalid: null,
        changes: [
          { key: 'policy.mode', change: 'changed', before: '"block"', after: '"warn"' },
          {
            key: 'waivers.W-7',
            change: 'extended',
            before: '{"expires":"2027-03-31"}',
            after: '{"expires":"2099-01-01"}',
          },
        ],
      },
    },
  };
}

interface Overflow {
  scrollWidth: number;
  offenders: string[];
}

/**
 * In the page (a string: this project's types have no DOM): the page's scroll width, and the first
 * elements reaching past the window outside a table's own scrolling box, which would scroll the page.
 */
const OVERFLOW = `(() => {
  const limit = document.documentElement.clientWidth;
  const offenders = [...document.querySelectorAll('body *')]
    .filter((e) => !e.closest('.table-box') && e.getBoundingClientRect().right > limit + 0.5)
    .slice(0, 5)
    .map((e) => e.tagName.toLowerCase() + '#' + e.id + '.' + e.className);
  return { scrollWidth: document.documentElement.scrollWidth, offenders };
})()`;

describe('HTML report layout in Chromium (screenshots, 390 px, print)', () => {
  let browser: Browser;
  let example: JsonReport;
  const variants: [string, () => JsonReport][] = [
    ['example', () => example],
    ['waiver-policy', () => richReport(example)],
  ];

  beforeAll(async () => {
    for (const file of [CHROMIUM, PDFTOTEXT]) {
      if (!existsSync(file))
        throw new Error(`${file} is missing: run \`node scripts/install-browser.ts\` (as root) first`);
    }
    mkdirSync(OUT, { recursive: true });
    example = readReport();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function open(name: string, report: JsonReport, width: number) {
    const file = path.join(OUT, `${name}.html`);
    writeFileSync(file, renderHtmlReport(report, ciRunFacts(report)));
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    return { page, errors };
  }

  it.each(variants)(
    '%s: screenshots at 1400 and 390 px wide, no horizontal page scroll',
    async (name, build) => {
      const report = build();
      for (const width of [1400, 390]) {
        const { page, errors } = await open(name, report, width);
        const shot = path.join(OUT, `${name}-${width}.png`);
        await page.screenshot({ path: shot, fullPage: true });
        console.log(`screenshot ${path.relative(REPO_ROOT, shot)}`);
        // Anything wider than the window outside a table's own scrolling box scrolls the whole page.
        const overflow = await page.evaluate<Overflow>(OVERFLOW);
        expect(overflow, `${name} at ${width} px`).toEqual({ scrollWidth: width, offenders: [] });
        // Wide tables scroll inside their own box.
        const boxes = await page.evaluate<string[]>(
          "[...document.querySelectorAll('.table-box')].map((e) => getComputedStyle(e).overflowX)",
        );
        expect(new Set(boxes)).toEqual(new Set(['auto']));
        const blocking = report.controls.filter((c) => c.blocking);
        for (const c of blocking)
          expect(await page.isVisible(`#blocking [data-criterion="${c.id}"]`), c.id).toBe(true);
        expect(errors).toEqual([]);
        await page.close();
      }
    },
  );

  it.each(variants)(
    '%s: prints to a short PDF with the decision and blocking criteria on page 1',
    async (name, build) => {
      const report = build();
      const { page } = await open(name, report, 1400);
      const pdfFile = path.join(OUT, `${name}.pdf`);
      const pdf = await page.pdf({ path: pdfFile });
      await page.close();
      const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? []).length;
      console.log(`${name}: ${path.relative(REPO_ROOT, pdfFile)} has ${pages} pages (Letter)`);
      expect(pages).toBeGreaterThan(0);
      expect(pages).toBeLessThanOrEqual(MAX_PAGES);
      const text = (first: number, last = first) =>
        execFileSync(PDFTOTEXT, ['-f', String(first), '-l', String(last), pdfFile, '-'], { encoding: 'utf8' })
          .replace(/\s+/g, ' ')
          .trim();
      const one = text(1);
      const blocking = report.controls.filter((c) => c.blocking);
      expect(blocking.length).toBeGreaterThan(0);
      expect(one).toContain(report.decision.toUpperCase());
      expect(one).toContain(`Blocking criteria (${blocking.length})`);
      for (const c of blocking) expect(one, c.id).toContain(c.id);
      for (const heading of ['Criteria per verdict', 'Control matrix', 'Waivers', 'Run facts']) {
        expect(one, heading).toContain(heading);
      }
      // The summary fits page 1: the findings start page 2, on a page of their own.
      expect(text(2)).toMatch(/^Findings\b/);
      // No interactive controls on paper.
      const all = text(1, pages);
      for (const control of ['Reset filters', 'Showing ', 'Click a criterion'])
        expect(all).not.toContain(control);
      if (name === 'waiver-policy') {
        expect(one).toContain("Policy: This change edits the gate's own policy");
        expect(one).toContain('Passed under waiver (1)');
        expect(one).toContain('W-7');
        expect(one).toContain('alice@example.com');
        expect(one).toContain('not evaluated: kics failed');
      }
    },
  );
});
