import { createHash } from 'node:crypto';
import { lstatSync, mkdtempSync, readFileSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  cacheDirectory,
  describeDatabase,
  ecosystemsFolder,
  OSV_API,
} from '../../../../scanners/osv-scanner/database.ts';
import {
  JINJA2_REDOS,
  LODASH_REDOS,
  LODASH_TEMPLATE,
  writeOsvDatabase,
} from '../../../support/osv-database.ts';

const scratch = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'controlgate-osv-db-')));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('describeDatabase', () => {
  it('names osv.dev when no folder is configured', async () => {
    expect(await describeDatabase(undefined)).toEqual({ kind: 'online', location: OSV_API });
  });

  it('lists each ecosystem file with its hash, size and records, and the newest record date', async () => {
    const db = writeOsvDatabase(path.join(scratch, 'export'), [LODASH_TEMPLATE, LODASH_REDOS, JINJA2_REDOS]);
    const described = await describeDatabase(db);
    const npm = readFileSync(path.join(db, 'npm', 'all.zip'));
    expect(described).toEqual({
      kind: 'offline',
      location: db,
      snapshot: JINJA2_REDOS.modified,
      files: [
        {
          path: 'PyPI/all.zip',
          sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
          bytes: expect.any(Number),
          records: 1,
        },
        {
          path: 'npm/all.zip',
          sha256: createHash('sha256').update(npm).digest('hex'),
          bytes: npm.length,
          records: 2,
        },
      ],
    });
  });

  it('reads the osv-scalibr/ layout OSV-Scanner downloads into', async () => {
    const db = writeOsvDatabase(path.join(scratch, 'scalibr'), [LODASH_TEMPLATE], 'osv-scalibr');
    expect(ecosystemsFolder(db)).toBe(path.join(db, 'osv-scalibr'));
    const described = await describeDatabase(db);
    expect(described.files?.map((f) => [f.path, f.records])).toEqual([['npm/all.zip', 1]]);
    expect(described.snapshot).toBe(LODASH_TEMPLATE.modified);
  });
});

describe('cacheDirectory', () => {
  it('links an export-layout folder as osv-scalibr/ in the output folder, where OSV-Scanner looks', () => {
    const db = writeOsvDatabase(path.join(scratch, 'linked'), [LODASH_TEMPLATE]);
    const out = path.join(scratch, 'out');
    const cache = cacheDirectory(db, out);
    expect(cache).toBe(path.join(out, 'osv-db'));
    expect(lstatSync(path.join(cache, 'osv-scalibr')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(path.join(cache, 'osv-scalibr'))).toBe(db);
  });

  it('gives a folder already laid out as osv-scalibr/ as it is', () => {
    const db = writeOsvDatabase(path.join(scratch, 'as-is'), [LODASH_TEMPLATE], 'osv-scalibr');
    expect(cacheDirectory(db, path.join(scratch, 'out2'))).toBe(db);
  });
});
