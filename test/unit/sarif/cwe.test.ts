import { describe, expect, it } from 'vitest';
import { cweFromTag, cweFromTaxonId, cwesFromProperty, sortCwes } from '../../../src/sarif/cwe.ts';

describe('cweFromTag', () => {
  it('reads the CodeQL/Bandit form external/cwe/cwe-89', () => {
    expect(cweFromTag('external/cwe/cwe-89')).toBe('CWE-89');
  });

  it('reads the Semgrep form "CWE-89: Improper Neutralization …"', () => {
    expect(
      cweFromTag(
        "CWE-89: Improper Neutralization of Special Elements used in an SQL Command ('SQL Injection')",
      ),
    ).toBe('CWE-89');
  });

  it('ignores surrounding whitespace and case', () => {
    expect(cweFromTag('  cwe-78 ')).toBe('CWE-78');
    expect(cweFromTag('EXTERNAL/CWE/CWE-22')).toBe('CWE-22');
  });

  it('drops leading zeros', () => {
    expect(cweFromTag('CWE-0079')).toBe('CWE-79');
  });

  it("gives nothing for Bandit's cwe-None", () => {
    expect(cweFromTag('cwe-None')).toBeUndefined();
    expect(cweFromTag('external/cwe/cwe-None')).toBeUndefined();
  });

  it('gives nothing for tags that are not CWE ids', () => {
    expect(cweFromTag('security')).toBeUndefined();
    expect(cweFromTag('owasp-a03')).toBeUndefined();
    expect(cweFromTag('cwe-89abc')).toBeUndefined();
    expect(cweFromTag('')).toBeUndefined();
  });
});

describe('cweFromTaxonId', () => {
  it('reads KICS bare numeric taxon ids', () => {
    expect(cweFromTaxonId('668')).toBe('CWE-668');
    expect(cweFromTaxonId(' 022 ')).toBe('CWE-22');
  });

  it('reads prefixed taxon ids', () => {
    expect(cweFromTaxonId('CWE-668')).toBe('CWE-668');
  });

  it('gives nothing for other ids', () => {
    expect(cweFromTaxonId('A03')).toBeUndefined();
    expect(cweFromTaxonId('')).toBeUndefined();
  });
});

describe('sortCwes', () => {
  it('sorts numerically, not lexically', () => {
    expect(sortCwes(['CWE-798', 'CWE-1004', 'CWE-89', 'CWE-22'])).toEqual([
      'CWE-22',
      'CWE-89',
      'CWE-798',
      'CWE-1004',
    ]);
  });

  it('drops duplicates', () => {
    expect(sortCwes(['CWE-89', 'CWE-79', 'CWE-89', 'CWE-79'])).toEqual(['CWE-79', 'CWE-89']);
  });

  it('accepts any iterable and returns [] for none', () => {
    expect(sortCwes(new Set(['CWE-2', 'CWE-1']))).toEqual(['CWE-1', 'CWE-2']);
    expect(sortCwes([])).toEqual([]);
  });
});

describe('cwesFromProperty', () => {
  it('reads a single string', () => {
    expect(cwesFromProperty('CWE-79: Cross-site Scripting')).toEqual(['CWE-79']);
  });

  it('reads a list and skips entries that are not CWE ids', () => {
    expect(cwesFromProperty(['CWE-89: SQL Injection', 'cwe-None', 42, null, 'external/cwe/cwe-78'])).toEqual([
      'CWE-89',
      'CWE-78',
    ]);
  });

  it.each([[undefined], [null], [42], [{ id: 'CWE-89' }], [true]])('gives [] for %j', (value) => {
    expect(cwesFromProperty(value)).toEqual([]);
  });
});
