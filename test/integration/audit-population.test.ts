import { cpSync, existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditResult, runAudit } from '../../src/audit/run-audit.ts';
import { readBundle, verifyFiles } from '../../src/bundle/verify.ts';
import {
  type ChangeSpec,
  type GateRunSpec,
  memorySource,
  mergedChange,
  mergeRecord,
  sha,
  writeGateBundle,
  writeMergeRecord,
} from '../support/audit-fixtures.ts';
import { editJson } from '../support/bundle-edit.ts';

/*
 * A month of 20 merged changes, as the gate and the merge-record job leave them on disk: genuine
 * bundles and records, one bundle found twice, one edited after it was written, one change merged
 * without a gate run, one merged while blocked, one merged without a record. The audit must give
 * exactly one row per merged change with its exceptions, a report that is safe in a browser, a
 * sample anyone can redo, and an archive that verifies.
 */

const CHROMIUM = '/usr/bin/chromium';
const HOSTILE_TITLE = '<img src=x onerror=alert(1)>';
const SINCE = new Date('2026-03-01T00:00:00Z');
const UNTIL = new Date('2026-03-31T23:59:59.999Z');

/** Change numbers with something to see. */
const BLOCKED = 4;
const NO_GATE_RUN = 7;
const TAMPERED = 9;
const DUPLICATED = 11;
const NO_RECORD = 13;
const REPORT_ONLY = 15;
const SUPERSEDED = 17;
const HOSTILE = 19;

let root: string;
let bundles: string;
const results: Record<string, AuditResult> = {};

function changeOf(n: number): ChangeSpec {
  const day = String(1 + n).padStart(2, '0');
  return {
    number: n,
    headSha: sha(n),
    mergedAt: `2026-03-${day}T15:00:00Z`,
    ...(n === HOSTILE ? { title: HOSTILE_TITLE } : {}),
  };
}

async function audit(name: string, seed: string, merged: ChangeSpec[]): Promise<AuditResult> {
  return runAudit({
    since: SINCE,
    until: UNTIL,
    locations: [bundles],
    // The platform lists the merged changes; the bundles are read from disk (no artifacts listed).
    source: memorySource(merged.map(mergedChange), []),
    sample: { size: 5, seed },
    out: path.join(root, name),
    now: new Date('2026-04-01T09:00:00Z'),
  });
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'cg-audit-population-'));
  bundles = path.join(root, 'collected');
  const changes = Array.from({ length: 20 }, (_, i) => changeOf(i + 1));
  for (const c of changes) {
    const runAt = c.mergedAt.replace('T15:', 'T14:');
    const spec: GateRunSpec = { number: c.number, headSha: c.headSha, finishedAt: runAt };
    const dir = path.join(bundles, `pr-${c.number}`);
    if (c.number !== NO_GATE_RUN) {
      await writeGateBundle(path.join(dir, 'evidence'), {
        ...spec,
        ...(c.number === BLOCKED || c.number === TAMPERED ? { outcome: 'block' as const } : {}),
        ...(c.number === REPORT_ONLY ? { failMode: 'report-only' as const, outcome: 'block' as const } : {}),
      });
    }
    if (c.number === SUPERSEDED) {
      // An earlier push, blocked; then the fix, which passed and was merged.
      await writeGateBundle(path.join(dir, 'evidence-earlier'), {
        ...spec,
        headSha: sha(c.number, 'e'),
        finishedAt: c.mergedAt.replace('T15:', 'T09:'),
        outcome: 'block',
      });
    }
    if (c.number !== NO_RECORD) await writeMergeRecord(path.join(dir, 'record'), mergeRecord(c));
  }
  // The same bundle downloaded twice.
  cpSync(
    path.join(bundles, `pr-${DUPLICATED}`, 'evidence'),
    path.join(bundles, 'downloads-again', 'evidence'),
    {
      recursive: true,
    },
  );
  // A forger turns a block into a pass after the bundle was written.
  editJson(path.join(bundles, `pr-${TAMPERED}`, 'evidence', 'controlgate.json'), (r) => {
    r.decision = 'pass';
    r.exitCode = 0;
  });
  // Merged before the period: not in the population, though its bundles are on disk.
  const before: ChangeSpec = { number: 21, headSha: sha(21), mergedAt: '2026-02-27T10:00:00Z' };
  await writeGateBundle(path.join(bundles, 'pr-21', 'evidence'), {
    number: 21,
    headSha: sha(21),
    finishedAt: '2026-02-27T09:00:00Z',
  });
  const listed = [...changes, before];
  results.first = await audit('first', 'FY2026-03', listed);
  results.again = await audit('again', 'FY2026-03', listed);
  results.other = await audit('other', 'another seed', listed);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const first = () => results.first as AuditResult;

function csvRows(file: string): string[] {
  return readFileSync(file, 'utf8').split('\r\n').slice(1, -1);
}

describe('audit of a month of merged changes', () => {
  it('population.csv has exactly one row per change merged in the period', () => {
    const rows = csvRows(first().written.csv);
    expect(rows).toHaveLength(20);
    const numbers = rows.map((r) => Number(r.split(',')[1]));
    expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(first().document.mergedListSource).toBe('platform');
  });

  it('lists the exceptions of each change, and none for the clean ones', () => {
    const doc = first().document;
    const codes = (n: number) => doc.rows.find((r) => r.number === n)?.exceptions.map((e) => e.code);
    expect(codes(BLOCKED)).toEqual(['merged-while-blocked']);
    expect(codes(NO_GATE_RUN)).toEqual(['no-gate-run']);
    expect(codes(TAMPERED)).toEqual(['bundle-unverifiable']);
    expect(codes(NO_RECORD)).toEqual(['no-merge-record']);
    expect(codes(REPORT_ONLY)).toEqual(['merged-while-blocked', 'gate-report-only']);
    expect(codes(DUPLICATED)).toEqual([]);
    expect(codes(SUPERSEDED)).toEqual([]);
    expect(doc.rows.filter((r) => r.exceptions.length > 0)).toHaveLength(5);
    const csv = csvRows(first().written.csv);
    expect(csv[BLOCKED - 1]).toMatch(/,block,CC7\.1,,rev-carol,merged-while-blocked$/);
    expect(csv[NO_RECORD - 1]).toMatch(/,unknown \(no merge record\),no-merge-record$/);
    expect(csv[HOSTILE - 1]).toContain(HOSTILE_TITLE);
  });

  it('counts a bundle found twice once, and an earlier run on another head as superseded', () => {
    const doc = first().document;
    expect(doc.duplicates).toHaveLength(1);
    expect(doc.counts.duplicateBundles).toBe(1);
    const superseded = doc.rows.find((r) => r.number === SUPERSEDED);
    expect(superseded?.gateDecision).toBe('pass');
    expect(superseded?.superseded.map((s) => s.headSha)).toEqual([sha(SUPERSEDED, 'e')]);
    expect(doc.rows.find((r) => r.number === DUPLICATED)?.superseded).toEqual([]);
  });

  it('keeps the tampered bundle in the rejected list with the file that changed', () => {
    const { rejected } = first().document;
    expect(rejected).toEqual([
      expect.objectContaining({
        kind: 'gate-run',
        reason: expect.stringContaining('controlgate.json: content changed'),
      }),
    ]);
  });

  it('the same seed draws the same sample; another seed another one', () => {
    const numbers = (r: AuditResult | undefined) => r?.document.sample?.changes.map((c) => c.number);
    expect(numbers(results.first)).toHaveLength(5);
    expect(numbers(results.again)).toEqual(numbers(results.first));
    expect(numbers(results.other)).not.toEqual(numbers(results.first));
    expect(first().document.sample?.method).toContain('sha256sum');
  });

  it("the archive's manifest verifies over every file it holds", async () => {
    const files = await readBundle(first().written.archive);
    const verified = verifyFiles(files);
    expect(verified.problems).toEqual([]);
    expect(verified.ok).toBe(true);
    expect(files.has('population.csv')).toBe(true);
    expect(files.has('report.html')).toBe(true);
    // The tampered bundle is kept too, as found: the archive shows what was refused.
    expect([...files.keys()].some((f) => f.startsWith('rejected/1/'))).toBe(true);
  });
});

describe('the audit report in Chromium', () => {
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: run \`npm run test:tools\` (as root) first`);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('loads without errors or requests, exceptions before the table, hostile text as text', async () => {
    const file = first().written.html;
    const page = await browser.newPage();
    const events: string[] = [];
    page.on('dialog', (d) => {
      events.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    page.on('pageerror', (e) => events.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') events.push(`console: ${m.text()}`);
    });
    page.on('request', (r) => {
      if (r.url() !== pathToFileURL(file).href) events.push(`request: ${r.url()}`);
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const dom = {
      images: await page.$$eval('img, script, iframe, link, object, embed', (els) => els.length),
      sections: await page.$$eval('section', (els) => els.map((e) => e.id)),
      text: await page.innerText('body'),
      exceptionRows: await page.$$eval('#exceptions tbody tr', (els) => els.length),
      populationRows: await page.$$eval('#population tbody tr', (els) => els.length),
    };
    await page.close();
    expect(events).toEqual([]);
    expect(dom.images).toBe(0);
    expect(dom.sections).toEqual([
      'period',
      'exceptions',
      'sample',
      'population',
      'criteria',
      'trend',
      'rejected',
    ]);
    expect(dom.exceptionRows).toBe(6);
    expect(dom.populationRows).toBe(20);
    expect(dom.text).toContain(HOSTILE_TITLE);
  });
});
