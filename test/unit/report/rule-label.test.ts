import { describe, expect, it } from 'vitest';
import { ruleDocsUrl, ruleLabel } from '../../../src/report/rule-label.ts';

describe('ruleLabel', () => {
  it('is the rule id users write in nosec and waivers, and a KICS query’s name (its id is a UUID)', () => {
    expect(ruleLabel({ ruleId: 'B324', ruleName: 'hashlib' })).toBe('B324');
    expect(ruleLabel({ ruleId: 'controlgate.python.weak-hash', ruleName: null })).toBe(
      'controlgate.python.weak-hash',
    );
    expect(
      ruleLabel({
        ruleId: 'b03a748a-542d-44f4-bb86-9199ab4fd2d5',
        ruleName: 'Healthcheck Instruction Missing',
      }),
    ).toBe('Healthcheck Instruction Missing');
  });
});

describe('ruleDocsUrl', () => {
  it('keeps https links to the scanners’ documentation hosts', () => {
    expect(ruleDocsUrl('https://bandit.readthedocs.io/en/1.9.4/plugins/b324_hashlib.html')).toBe(
      'https://bandit.readthedocs.io/en/1.9.4/plugins/b324_hashlib.html',
    );
    expect(ruleDocsUrl('https://cwe.mitre.org/data/definitions/89.html')).toBeDefined();
  });

  it('drops what scanned content could choose: other hosts, http, credentials, lookalikes, junk', () => {
    for (const uri of [
      'https://evil.example/a',
      'http://bandit.readthedocs.io/x',
      'https://user:pw@semgrep.dev/r',
      'https://semgrep.dev.evil.example/r',
      'javascript:alert(1)',
      'not a url',
      null,
      undefined,
    ])
      expect(ruleDocsUrl(uri), String(uri)).toBeUndefined();
  });
});
