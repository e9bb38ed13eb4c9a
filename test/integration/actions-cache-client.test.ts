import { randomBytes } from 'node:crypto';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as cache from '@actions/cache';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256File } from '../../src/tools/install-record.ts';
import { type FakeActionsCache, startFakeActionsCache } from '../support/fake-actions-cache.ts';

/*
 * The real @actions/cache client, in this process, against the local Actions cache service: the
 * service must answer exactly what the client sends, including the Azure SDK's block uploads, which
 * the tools archives reach (anything over 128 MiB goes in 64 MiB blocks, 8 at a time).
 */

const BIG = 136 * 2 ** 20;

describe('the local Actions cache service, used by @actions/cache', () => {
  let root: string;
  let data: string;
  let service: FakeActionsCache;
  let bigHash: string;
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'controlgate-actions-cache-'));
    data = path.join(root, 'workspace', 'data');
    mkdirSync(data, { recursive: true });
    // Random bytes: zstd cannot shrink them below the 128 MiB single-upload limit.
    const fd = openSync(path.join(data, 'big.bin'), 'w');
    for (let written = 0; written < BIG; written += 8 * 2 ** 20) writeSync(fd, randomBytes(8 * 2 ** 20));
    closeSync(fd);
    writeFileSync(path.join(data, 'small.txt'), 'the record says this\n');
    bigHash = await sha256File(path.join(data, 'big.bin'));
    service = await startFakeActionsCache(path.join(root, 'service'));
    const env: Record<string, string> = {
      ...service.env(),
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_WORKSPACE: path.join(root, 'workspace'),
      RUNNER_TEMP: path.join(root, 'runner-temp'),
    };
    mkdirSync(env.RUNNER_TEMP ?? '', { recursive: true });
    for (const [name, value] of Object.entries(env)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
  });

  afterAll(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await service?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('takes a large archive in blocks, then hands it back whole', async () => {
    expect(cache.isFeatureAvailable()).toBe(true);
    const id = await cache.saveCache([data], 'big-entry');
    expect(id).toBeGreaterThan(0);
    const routes = service.requests.map((r) => r.route);
    expect(routes.filter((r) => r === 'blob-block').length).toBeGreaterThanOrEqual(3);
    expect(routes.filter((r) => r === 'blob-blocklist')).toHaveLength(1);
    expect(routes).not.toContain('blob-put');
    expect(routes.at(-1)).toBe('FinalizeCacheEntryUpload');
    const [entry] = service.entries();
    expect(entry?.finalized).toBe(true);
    expect(entry?.size).toBeGreaterThan(128 * 2 ** 20);

    rmSync(data, { recursive: true, force: true });
    expect(await cache.restoreCache([data], 'big-entry')).toBe('big-entry');
    expect(await sha256File(path.join(data, 'big.bin'))).toBe(bigHash);
    expect(readFileSync(path.join(data, 'small.txt'), 'utf8')).toBe('the record says this\n');
  }, 300_000);

  it('answers a miss for another key or version, and refuses a second entry under one key', async () => {
    expect(await cache.restoreCache([path.join(root, 'elsewhere')], 'big-entry')).toBeUndefined();
    expect(await cache.restoreCache([data], 'no-such-key')).toBeUndefined();
    expect(await cache.saveCache([data], 'big-entry')).toBe(-1);
    expect(service.entries()).toHaveLength(1);
  }, 300_000);

  it('changes one byte of a stored file when asked to, and the client restores the changed file', async () => {
    const changed = service.tamper('big-entry', 'data/small.txt');
    expect(changed).toMatch(/data\/small\.txt$/);
    rmSync(data, { recursive: true, force: true });
    expect(await cache.restoreCache([data], 'big-entry')).toBe('big-entry');
    const text = readFileSync(path.join(data, 'small.txt'), 'utf8');
    expect(text).not.toBe('the record says this\n');
    expect(text).toHaveLength('the record says this\n'.length);
  }, 300_000);

  it('turns an injected service failure into a miss, not an exception', async () => {
    service.fail('GetCacheEntryDownloadURL', 400);
    expect(await cache.restoreCache([data], 'big-entry')).toBeUndefined();
    expect(service.requests.at(-1)).toMatchObject({ route: 'GetCacheEntryDownloadURL', status: 400 });
  });
});
