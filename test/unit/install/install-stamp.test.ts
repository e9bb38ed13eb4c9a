import { link, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STAMP_FILE, stampProblem, writeStamp } from '../../../src/install/install-stamp.ts';
import { sha256File } from '../../../src/tools/install-record.ts';

describe('writeStamp and stampProblem', () => {
  let scratch: string;
  let dir: string;
  beforeEach(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'controlgate-stamp-'));
    dir = path.join(scratch, 'kics');
    await mkdir(path.join(dir, 'assets', 'queries', 'terraform'), { recursive: true });
    await writeFile(path.join(dir, 'kics'), 'the binary');
    await writeFile(path.join(dir, 'assets', 'queries', 'terraform', 'query.rego'), 'package Cx');
  });
  afterEach(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('records the pins and every file, and reuses only that install from those pins', async () => {
    await writeStamp(dir, 'go.sum lines');
    const stamp = JSON.parse(await readFile(path.join(dir, STAMP_FILE), 'utf8'));
    expect(stamp).toEqual({
      format: 2,
      pins: 'go.sum lines',
      files: {
        'assets/queries/terraform/query.rego': await sha256File(
          path.join(dir, 'assets', 'queries', 'terraform', 'query.rego'),
        ),
        kics: await sha256File(path.join(dir, 'kics')),
      },
      links: {},
    });
    expect(await stampProblem(dir, 'go.sum lines')).toBeUndefined();
    expect(await stampProblem(dir, 'other go.sum lines')).toBe('it was made from other pins');
  });

  it('finds a changed query, not only a changed binary', async () => {
    await writeStamp(dir, 'pins');
    const query = path.join(dir, 'assets', 'queries', 'terraform', 'query.rego');
    await writeFile(query, 'package Cy');
    expect(await stampProblem(dir, 'pins')).toMatch(`${query} changed since it was installed`);
  });

  it('has no record to offer for a folder that was never stamped', async () => {
    expect(await stampProblem(dir, 'pins')).toBe(`${dir} has no readable install record (${STAMP_FILE})`);
  });

  it('replaces the record instead of writing through it, so a hard-linked copy never changes its original', async () => {
    await writeStamp(dir, 'pins');
    const original = path.join(scratch, 'original-record.json');
    await link(path.join(dir, STAMP_FILE), original);
    const before = await readFile(original, 'utf8');
    await writeFile(path.join(dir, 'kics'), 'rebuilt');
    await writeStamp(dir, 'pins');
    expect(await readFile(original, 'utf8')).toBe(before);
    expect(await stampProblem(dir, 'pins')).toBeUndefined();
    expect((await readdir(dir)).sort()).toEqual(['assets', STAMP_FILE, 'kics']);
  });
});
