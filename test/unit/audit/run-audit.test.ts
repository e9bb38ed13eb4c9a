import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditResult, runAudit } from '../../../src/audit/run-audit.ts';
import type { ArtifactRef } from '../../../src/audit/source.ts';
import { sha256 } from '../../../src/bundle/manifest.ts';
import { readBundle, verifyBundle } from '../../../src/bundle/verify.ts';
import {
  memorySource,
  mergedChange,
  mergeRecord,
  sha,
  writeGateBundle,
  writeMergeRecord,
} from '../../support/audit-fixtures.ts';

let root: string;
let result: AuditResult;
let source: ReturnType<typeof memorySource>;

const ref = (
  id: number,
  name: string,
  headSha: string | null,
  over: Partial<ArtifactRef> = {},
): ArtifactRef => ({
  id,
  name,
  headSha,
  createdAt: '2026-03-05T00:00:00Z',
  expired: false,
  url: `https://github.com/octo/shop/actions/runs/${id}`,
  ...over,
});

const options = (out: string) => ({
  since: new Date('2026-03-01T00:00:00Z'),
  until: new Date('2026-03-31T23:59:59Z'),
  locations: [],
  source,
  sample: { size: 2, seed: 'q1' },
  out,
  zip: true,
  now: new Date('2026-04-02T00:00:00Z'),
});

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'cg-run-audit-'));
  const changes = [1, 2, 3].map((n) => ({
    number: n,
    headSha: sha(n),
    mergedAt: `2026-03-0${n + 2}T12:00:00Z`,
  }));
  // The gate ran on an earlier day (before the period for #1): found by the merged head.
  await writeGateBundle(path.join(root, 'a', '1'), {
    number: 1,
    headSha: sha(1),
    finishedAt: '2026-02-27T00:00:00Z',
  });
  await writeGateBundle(path.join(root, 'a', '2'), {
    number: 2,
    headSha: sha(2),
    finishedAt: '2026-03-03T00:00:00Z',
    outcome: 'block',
  });
  for (const c of changes) await writeMergeRecord(path.join(root, 'r', String(c.number)), mergeRecord(c));
  source = memorySource(changes.map(mergedChange), [
    {
      ref: ref(11, 'controlgate-evidence', sha(1), { createdAt: '2026-02-27T00:00:00Z' }),
      dir: path.join(root, 'a', '1'),
    },
    { ref: ref(12, 'controlgate-evidence', sha(2)), dir: path.join(root, 'a', '2') },
    // #3's evidence is past its retention.
    { ref: ref(13, 'controlgate-evidence', sha(3), { expired: true }), dir: path.join(root, 'none') },
    ...changes.map((c) => ({
      ref: ref(20 + c.number, 'controlgate-merge-record', sha(c.number, 'c')),
      dir: path.join(root, 'r', String(c.number)),
    })),
    // Not an artifact the audit asks for.
    { ref: ref(30, 'coverage', sha(1)), dir: path.join(root, 'none') },
  ]);
  result = await runAudit(options(path.join(root, 'out')));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('runAudit', () => {
  it('downloads the artifacts of the merged heads and the period, never an expired one', () => {
    expect([...source.downloads].sort()).toEqual([11, 12, 21, 22, 23]);
    expect(result.downloaded).toHaveLength(5);
    expect(result.gaps).toEqual([
      expect.objectContaining({
        artifact: 'controlgate-evidence',
        id: 13,
        reason: expect.stringContaining('expired'),
      }),
    ]);
  });

  it("reconciles the platform's merged list with what was downloaded", () => {
    const doc = result.document;
    expect(doc.mergedListSource).toBe('platform');
    expect(doc.repository).toBe('octo/shop');
    expect(doc.rows.map((r) => [r.number, r.gateDecision, r.exceptions.map((e) => e.code)])).toEqual([
      [1, 'pass', []],
      [2, 'block', ['merged-while-blocked']],
      [3, 'none', ['no-gate-run']],
    ]);
    expect(doc.sample?.changes).toHaveLength(2);
    expect(doc.gaps).toHaveLength(1);
  });

  it('writes the CSV, JSON and report, and an archive whose manifest verifies', async () => {
    const w = result.written;
    expect(readFileSync(w.csv, 'utf8').split('\r\n')).toHaveLength(5);
    expect(JSON.parse(readFileSync(w.json, 'utf8')).kind).toBe('controlgate.audit-population');
    expect(readFileSync(w.html, 'utf8')).toContain('<h2>Exceptions (2)</h2>');
    const verified = await verifyBundle(w.archive);
    expect(verified).toMatchObject({ ok: true, problems: [] });
    const files = [...(await readBundle(w.archive)).keys()];
    expect(files).toEqual(
      expect.arrayContaining(['population.csv', 'population.json', 'report.html', 'locations.json']),
    );
    // Two gate runs and three records, each artifact zip kept whole.
    expect(files.filter((f) => f.startsWith('gate-runs/'))).toHaveLength(2);
    expect(files.filter((f) => f.startsWith('merge-records/'))).toHaveLength(3);
    expect(w.archiveZip).not.toBeNull();
    expect((await verifyBundle(w.archiveZip ?? '')).ok).toBe(true);
  });

  it('the same audit again gives the same archive.zip, byte for byte', async () => {
    const first = sha256(readFileSync(result.written.archiveZip ?? ''));
    const again = await runAudit(options(path.join(root, 'out')));
    expect(sha256(readFileSync(again.written.archiveZip ?? ''))).toBe(first);
  });

  it('refuses a period that ends before it starts', async () => {
    await expect(
      runAudit({
        ...options(path.join(root, 'x')),
        since: new Date('2026-04-01'),
        until: new Date('2026-03-01'),
      }),
    ).rejects.toThrow(/starts .* after it ends/);
  });
});

describe('runAudit on its own output folder', () => {
  it('does not read the archive an earlier run wrote there', async () => {
    const out = path.join(root, 'out');
    const again = await runAudit({ ...options(out), locations: [out] });
    expect(again.loaded.rejected).toEqual([]);
    expect(again.document.counts.duplicateBundles).toBe(0);
    expect(again.loaded.gateRuns).toHaveLength(2);
    expect(again.document.rows.map((r) => r.number)).toEqual([1, 2, 3]);
  });
});
