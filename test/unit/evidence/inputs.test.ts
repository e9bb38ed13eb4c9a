import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inside, scannerInputs } from '../../../src/evidence/inputs.ts';
import type { ScanOutcome } from '../../../src/pipeline/scan.ts';
import { RECORD_FILE } from '../../../src/tools/install-record.ts';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('inside: paths under inputs/ never leave it', () => {
  it('keeps a repository-relative path', () => {
    expect(inside('config/.controlgate.yml')).toBe('config/.controlgate.yml');
  });

  it('takes only the name of an absolute path or one that climbs', () => {
    expect(inside('/etc/controlgate/policy.yml')).toBe('policy.yml');
    expect(inside('../outside/.controlgate.yml')).toBe('.controlgate.yml');
    expect(inside('a/../../b.yml')).toBe('b.yml');
  });
});

describe('scannerInputs: the tools a run used', () => {
  function outcomeWith(scanners: { id: string; file?: string; version?: string }[]): ScanOutcome {
    return {
      scanners: scanners.map((s) => ({
        id: s.id,
        ...(s.version ? { version: s.version } : {}),
        ...(s.file ? { command: { file: s.file, args: [] } } : {}),
      })),
    } as unknown as ScanOutcome;
  }

  it('hashes the executable and its install record, and digests KICS query files', async () => {
    const tools = mkdtempSync(path.join(os.tmpdir(), 'cg-inputs-'));
    const kics = path.join(tools, 'kics');
    mkdirSync(kics);
    writeFileSync(path.join(kics, 'kics'), 'binary');
    const record = {
      format: 2,
      pins: 'x',
      files: {
        kics: sha('binary'),
        'assets/queries/a/metadata.json': sha('m1'),
        'assets/queries/a/query.rego': sha('q1'),
        'assets/queries/b/metadata.json': sha('m2'),
      },
      links: {},
    };
    const recordText = JSON.stringify(record);
    writeFileSync(path.join(kics, RECORD_FILE), recordText);
    const [facts] = await scannerInputs(
      outcomeWith([{ id: 'kics', file: path.join(kics, 'kics'), version: '2.2.0' }]),
    );
    expect(facts).toMatchObject({
      id: 'kics',
      version: '2.2.0',
      executable: { name: 'kics', sha256: sha('binary') },
      installRecord: { sha256: sha(recordText), files: 4 },
      queries: { count: 2 },
    });
    // The digest is over the sorted query files' hashes: another query file changes it.
    const changed = { ...record, files: { ...record.files, 'assets/queries/b/query.rego': sha('q2') } };
    writeFileSync(path.join(kics, RECORD_FILE), JSON.stringify(changed));
    const [again] = await scannerInputs(outcomeWith([{ id: 'kics', file: path.join(kics, 'kics') }]));
    expect(again?.queries?.sha256).not.toBe(facts?.queries?.sha256);
  });

  it('says null for a scanner that did not run a file it can read, or has no record', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cg-inputs-'));
    writeFileSync(path.join(dir, 'tool'), 'x');
    const [missing, onPath] = await scannerInputs(
      outcomeWith([
        { id: 'gone', file: path.join(dir, 'nothing') },
        { id: 'bare', file: path.join(dir, 'tool') },
      ]),
    );
    expect(missing).toMatchObject({ executable: null, installRecord: null });
    expect(onPath).toMatchObject({ executable: { sha256: sha('x') }, installRecord: null });
    expect(onPath?.queries).toBeUndefined();
  });
});
