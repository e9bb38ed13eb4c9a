import { describe, expect, it } from 'vitest';
import { configSchema, DEFAULT_EXCLUDES } from '../../../src/config/schema.ts';

describe('configSchema defaults', () => {
  it('fills every scanner with enabled, timeout 900 and no extra args', () => {
    const config = configSchema.parse({});
    expect(config.scanners.semgrep).toEqual({ enabled: true, timeout: 900, args: [], configs: ['builtin'] });
    expect(config.scanners.bandit).toEqual({ enabled: true, timeout: 900, args: [] });
    expect(config.scanners.kics).toEqual({ enabled: true, timeout: 900, args: [] });
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

describe('DEFAULT_EXCLUDES', () => {
  it('covers VCS, dependency and virtualenv folders', () => {
    for (const glob of ['**/.git/**', '**/node_modules/**', '**/.venv/**', '**/.tools/**']) {
      expect(DEFAULT_EXCLUDES).toContain(glob);
    }
  });
});
