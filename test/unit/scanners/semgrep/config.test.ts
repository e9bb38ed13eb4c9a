import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { semgrepConfig } from '../../../../scanners/semgrep/config.ts';

describe('semgrepConfig', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'controlgate-semgrep-config-'));
    await mkdir(path.join(root, 'rules'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('defaults to the builtin pack, timeout 900 and no extra args', () => {
    const settings = semgrepConfig.schema.parse({});
    expect(settings).toEqual({ enabled: true, timeout: 900, args: [], configs: ['builtin'] });
    expect(semgrepConfig.options(settings, root)).toEqual({
      timeoutSeconds: 900,
      extraArgs: [],
      configs: ['builtin'],
    });
  });

  it('makes local rule paths absolute, so a scan of the base in another folder uses the same rules', () => {
    const settings = semgrepConfig.schema.parse({
      configs: [
        'builtin',
        'p/python',
        'r/python.lang',
        'https://rules.example.test/x.yml',
        './rules',
        'gone',
      ],
      timeout: 60,
      args: ['--max-target-bytes', '1000'],
    });
    expect(semgrepConfig.options(settings, root)).toEqual({
      timeoutSeconds: 60,
      extraArgs: ['--max-target-bytes', '1000'],
      // A path that is not there is left for Semgrep to report.
      configs: [
        'builtin',
        'p/python',
        'r/python.lang',
        'https://rules.example.test/x.yml',
        path.join(root, 'rules'),
        'gone',
      ],
    });
  });

  it('refuses an empty configs list and keys it does not know', () => {
    expect(semgrepConfig.schema.safeParse({ configs: [] }).success).toBe(false);
    expect(semgrepConfig.schema.safeParse({ rules: ['x'] }).success).toBe(false);
  });
});
