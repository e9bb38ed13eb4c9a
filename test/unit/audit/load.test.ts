import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoadedBundles, loadBundles } from '../../../src/audit/load.ts';
import { MERGE_RECORD_FILE } from '../../../src/change-management/record.ts';
import {
  mergeRecord,
  sha,
  writeGateBundle,
  writeMergeRecord,
  zipFolder,
} from '../../support/audit-fixtures.ts';
import { editJson } from '../../support/bundle-edit.ts';

const root = mkdtempSync(path.join(tmpdir(), 'cg-audit-load-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const at = (...parts: string[]) => path.join(root, ...parts);
let loaded: LoadedBundles;

beforeAll(async () => {
  const spec = (n: number) => ({ number: n, headSha: sha(n), finishedAt: '2026-03-02T10:00:00.000Z' });
  // Folders at any depth.
  await writeGateBundle(at('tree', 'pr-1', 'run-a', 'evidence'), spec(1));
  await writeMergeRecord(
    at('tree', 'pr-1', 'record'),
    mergeRecord({ number: 1, headSha: sha(1), mergedAt: '2026-03-03T00:00:00Z' }),
  );
  // A GitHub artifact zip (bundle at the root) and a GitLab one (bundle in a folder).
  await writeGateBundle(at('staging', 'github'), spec(2));
  await zipFolder(at('staging', 'github'), at('zips', 'controlgate-evidence-2.zip'));
  await writeGateBundle(at('staging', 'gitlab', 'controlgate-evidence'), spec(3));
  writeFileSync(at('staging', 'gitlab', 'job.log'), 'log');
  await zipFolder(at('staging', 'gitlab'), at('zips', 'job-3.zip'));
  // Edited after writing.
  await writeGateBundle(at('tree', 'pr-4'), spec(4));
  editJson(at('tree', 'pr-4', 'run.json'), (run) => {
    run.commit = sha(5);
  });
  // A record of another kind, with a manifest that verifies.
  const other = {
    ...mergeRecord({ number: 6, headSha: sha(6), mergedAt: '2026-03-03T00:00:00Z' }),
    kind: 'something-else',
  };
  await writeMergeRecord(at('tree', 'pr-6'), other as unknown as Parameters<typeof writeMergeRecord>[1]);
  // A zip that is no bundle, and a file that is no zip.
  await writeGateBundle(at('staging', 'plain'), spec(7));
  rmSync(at('staging', 'plain', 'manifest.json'));
  await zipFolder(at('staging', 'plain'), at('zips', 'plain.zip'));
  mkdirSync(at('zips', 'broken'), { recursive: true });
  writeFileSync(at('zips', 'broken', 'broken.zip'), 'not a zip');
  loaded = await loadBundles([at('tree'), at('zips'), at('missing')]);
});

describe('loadBundles', () => {
  it('finds gate bundles in folders at any depth and in zips, at their root or in a folder', () => {
    expect(loaded.gateRuns.map((r) => [r.facts.changeNumber, r.location]).sort()).toEqual([
      [1, at('tree', 'pr-1', 'run-a', 'evidence')],
      [2, at('zips', 'controlgate-evidence-2.zip')],
      [3, `${at('zips', 'job-3.zip')}!/controlgate-evidence`],
    ]);
    expect(loaded.gateRuns.every((r) => r.facts.intact && r.criteria.length === 3)).toBe(true);
    expect(loaded.gateRuns.find((r) => r.facts.changeNumber === 3)?.place).toEqual({
      file: at('zips', 'job-3.zip'),
      kind: 'zip',
      inner: 'controlgate-evidence',
    });
  });

  it('reads merge records', () => {
    expect(loaded.records.map((r) => r.record.facts.number)).toEqual([1]);
    expect(loaded.records[0]?.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(loaded.records[0]?.signature).toBe('absent');
  });

  it('keeps every bundle it cannot use in rejected, with why', () => {
    const reasons = Object.fromEntries(loaded.rejected.map((r) => [r.location, r.reason]));
    expect(reasons[at('tree', 'pr-4')]).toContain('run.json: content changed');
    expect(loaded.rejected.find((r) => r.location === at('tree', 'pr-4'))?.claimed?.changeNumber).toBe(4);
    // The file, the field and what was expected.
    expect(reasons[at('tree', 'pr-6')]).toContain(
      `${MERGE_RECORD_FILE}: kind: Invalid input: expected "controlgate.merge-record"`,
    );
    expect(reasons[at('zips', 'plain.zip')]).toContain('no manifest.json');
    expect(reasons[at('zips', 'broken', 'broken.zip')]).toContain('not a zip archive');
    expect(reasons[at('missing')]).toContain('ENOENT');
    expect(loaded.rejected).toHaveLength(5);
  });
});
