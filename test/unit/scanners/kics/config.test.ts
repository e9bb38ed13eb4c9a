import { describe, expect, it } from 'vitest';
import { kicsConfig } from '../../../../scanners/kics/config.ts';

describe('kicsConfig', () => {
  it('defaults to auto: the providers the scanned files use', () => {
    const settings = kicsConfig.schema.parse({});
    expect(settings).toEqual({ enabled: true, timeout: 900, args: [], cloudProviders: 'auto' });
    expect(kicsConfig.options(settings, '/repo')).toEqual({
      timeoutSeconds: 900,
      extraArgs: [],
      cloudProviders: 'auto',
    });
  });

  it('takes "all", and a list of providers sorted without repeats', () => {
    expect(
      kicsConfig.options(kicsConfig.schema.parse({ cloudProviders: 'all' }), '/repo').cloudProviders,
    ).toBe('all');
    const listed = kicsConfig.schema.parse({ cloudProviders: ['gcp', 'aws', 'gcp'] });
    expect(kicsConfig.options(listed, '/repo').cloudProviders).toEqual(['aws', 'gcp']);
  });

  it.each([
    [['amazon'], 'not a provider: [0] "amazon"'],
    [[], 'the list is empty'],
    ['some', 'got "some"'],
    [3, 'got 3'],
  ])('rejects %j, saying what it expected', (value, detail) => {
    const result = kicsConfig.schema.safeParse({ cloudProviders: value });
    expect(result.success).toBe(false);
    const issue = result.error?.issues[0];
    expect(issue?.path).toEqual(['cloudProviders']);
    expect(issue?.message).toContain(
      'expected "auto", "all" or a list of alicloud, aws, azure, gcp, nifcloud, tencentcloud',
    );
    expect(issue?.message).toContain(detail);
  });

  it('rejects an unknown key, as every scanner section does', () => {
    expect(kicsConfig.schema.safeParse({ platforms: ['Terraform'] }).success).toBe(false);
  });
});
