import { describe, expect, it } from 'vitest';
import { DEFAULT_EXCLUDED_FOLDERS } from '../../../src/config/default-excludes.ts';
import { configSchema } from '../../../src/config/schema.ts';

describe('configSchema defaults', () => {
  it('fills every scanner with enabled, timeout 900, no extra args and its own defaults', () => {
    const config = configSchema.parse({});
    expect(config.scanners.semgrep).toEqual({ enabled: true, timeout: 900, args: [], configs: ['builtin'] });
    expect(config.scanners.bandit).toEqual({ enabled: true, timeout: 900, args: [] });
    expect(config.scanners.kics).toEqual({ enabled: true, timeout: 900, args: [], cloudProviders: 'auto' });
    expect(config.scanners.custom).toEqual([]);
  });
});

describe('configSchema strictness', () => {
  it('rejects unknown keys at the top level and inside scanners', () => {
    expect(configSchema.safeParse({ scaners: {} }).success).toBe(false);
    expect(configSchema.safeParse({ scanners: { trivy: {} } }).success).toBe(false);
    expect(configSchema.safeParse({ scanners: { bandit: { configs: ['x'] } } }).success).toBe(false);
  });

  it('accepts only integer, positive timeouts', () => {
    expect(configSchema.safeParse({ scanners: { bandit: { timeout: 1.5 } } }).success).toBe(false);
    expect(configSchema.safeParse({ scanners: { bandit: { timeout: 0 } } }).success).toBe(false);
    expect(configSchema.safeParse({ scanners: { bandit: { timeout: 1 } } }).success).toBe(true);
  });

  it('limits concurrency to 1–32', () => {
    expect(configSchema.safeParse({ concurrency: 0 }).success).toBe(false);
    expect(configSchema.safeParse({ concurrency: 33 }).success).toBe(false);
    expect(configSchema.safeParse({ concurrency: 32 }).success).toBe(true);
  });
});

describe('configSchema custom scanner id', () => {
  function parsesWithId(id: string): boolean {
    return configSchema.safeParse({ scanners: { custom: [{ id, command: 'x' }] } }).success;
  }

  it.each(['trivy', 'my-tool', 'checkov2'])('accepts %s', (id) => {
    expect(parsesWithId(id)).toBe(true);
  });

  it.each(['Trivy', 'my_tool', '2tool', '-tool', '', 'my tool'])('rejects %j', (id) => {
    expect(parsesWithId(id)).toBe(false);
  });

  it('requires a non-empty command', () => {
    expect(configSchema.safeParse({ scanners: { custom: [{ id: 'a', command: '' }] } }).success).toBe(false);
  });
});

describe('excludeFolders', () => {
  it('defaults to the reviewed list: dependency, virtualenv and cache folders, each with a reason', () => {
    const names = configSchema.parse({}).excludeFolders;
    for (const name of ['node_modules', '.venv', 'venv', '.tox', '.terraform', '.tools'])
      expect(names).toContain(name);
    expect(names).toEqual(DEFAULT_EXCLUDED_FOLDERS.map((f) => f.name));
    for (const f of DEFAULT_EXCLUDED_FOLDERS) expect(f.reason.length).toBeGreaterThan(10);
  });

  it('takes a list of its own, and refuses a glob or a path where a folder name belongs', () => {
    expect(configSchema.parse({ excludeFolders: ['vendor'] }).excludeFolders).toEqual(['vendor']);
    const refused = configSchema.safeParse({ excludeFolders: ['app/vendor'] });
    expect(refused.success).toBe(false);
    expect(JSON.stringify(refused.error?.issues)).toMatch(/a folder name/);
    expect(configSchema.safeParse({ excludeFolders: ['**/dist'] }).success).toBe(false);
  });
});
