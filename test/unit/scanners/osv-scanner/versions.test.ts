import { describe, expect, it } from 'vitest';
import { compareVersions } from '../../../../scanners/osv-scanner/versions.ts';

describe('compareVersions', () => {
  it.each([
    ['4.17.20', '4.17.21'],
    ['4.9.0', '4.17.0'],
    ['1.0.0-rc.1', '1.0.0'],
    ['1.0.0-alpha', '1.0.0-beta'],
    ['2.11.2', '2.11.3'],
    ['1.0', '1.0.post1'],
    ['1.0a1', '1.0'],
    ['v0.3.7', '0.3.8'],
    ['2.0-SNAPSHOT', '2.0'],
  ])('%s < %s', (lower, higher) => {
    expect(compareVersions(lower, higher)).toBeLessThan(0);
    expect(compareVersions(higher, lower)).toBeGreaterThan(0);
  });

  it.each([
    ['1.0', '1.0.0'],
    ['1.2.3+build.5', '1.2.3'],
    ['v1.2.3', '1.2.3'],
    ['5.3.0.Final', '5.3.0'],
  ])('%s = %s', (a, b) => {
    expect(compareVersions(a, b)).toBe(0);
  });
});
