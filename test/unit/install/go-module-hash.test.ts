import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moduleTreeHash } from '../../../src/install/go-module-hash.ts';
import { downloadTinyModule, type GoDownload, TINY_MODULE, TINY_VERSION } from '../../support/go-module.ts';

describe('moduleTreeHash', () => {
  let scratch: string;
  let download: GoDownload;

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'controlgate-gomod-'));
    ({ download } = await downloadTinyModule(scratch));
  }, 60_000);

  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it("computes the same h1: hash as Go for the module's tree, and another after one byte changes", async () => {
    expect(download.Sum).toMatch(/^h1:/);
    expect(await moduleTreeHash(download.Dir, TINY_MODULE, TINY_VERSION)).toBe(download.Sum);
    const copy = path.join(scratch, 'changed');
    await cp(download.Dir, copy, { recursive: true });
    await writeFile(path.join(copy, 'assets/queries/a.rego'), 'package b\n');
    expect(await moduleTreeHash(copy, TINY_MODULE, TINY_VERSION)).not.toBe(download.Sum);
  });
});
