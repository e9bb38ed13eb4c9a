import { describe, expect, it } from 'vitest';
import {
  resolveSeverity,
  severityFromLevel,
  severityFromScore,
  severityFromWord,
} from '../../../src/sarif/severity.ts';

describe('severityFromScore', () => {
  it.each([
    [10, 'critical'],
    [9, 'critical'],
    [8.9, 'high'],
    [7, 'high'],
    [6.9, 'medium'],
    [4, 'medium'],
    [3.9, 'low'],
    [0.1, 'low'],
    [0, 'info'],
  ] as const)('maps score %s to %s', (score, expected) => {
    expect(severityFromScore(score)).toBe(expected);
  });
});

describe('severityFromWord', () => {
  it('maps tool words case-insensitively, ignoring surrounding spaces', () => {
    expect(severityFromWord('HIGH')).toBe('high');
    expect(severityFromWord(' Medium ')).toBe('medium');
    expect(severityFromWord('low')).toBe('low');
    expect(severityFromWord('CRITICAL')).toBe('critical');
    expect(severityFromWord('info')).toBe('info');
  });

  it('returns undefined for words it does not know', () => {
    expect(severityFromWord('UNDEFINED')).toBeUndefined();
    expect(severityFromWord('')).toBeUndefined();
  });
});

describe('severityFromLevel', () => {
  it('maps SARIF levels: error high, warning medium, note low, none info', () => {
    expect(severityFromLevel('error')).toBe('high');
    expect(severityFromLevel('warning')).toBe('medium');
    expect(severityFromLevel('note')).toBe('low');
    expect(severityFromLevel('none')).toBe('info');
  });
});

describe('resolveSeverity: security-severity', () => {
  it('reads a numeric security-severity on the result', () => {
    expect(resolveSeverity({ resultProperties: { 'security-severity': 9.8 } })).toEqual({
      severity: 'critical',
      severitySource: 'security-severity',
    });
  });

  it('reads a numeric string security-severity on the rule', () => {
    expect(resolveSeverity({ ruleProperties: { 'security-severity': '7.5' } })).toEqual({
      severity: 'high',
      severitySource: 'security-severity',
    });
  });

  it('prefers the result score over the rule score', () => {
    const resolved = resolveSeverity({
      resultProperties: { 'security-severity': '2.0' },
      ruleProperties: { 'security-severity': '9.5' },
    });
    expect(resolved.severity).toBe('low');
  });

  it('treats a score of 0 as info', () => {
    expect(resolveSeverity({ ruleProperties: { 'security-severity': '0' } }).severity).toBe('info');
  });

  it.each([['11'], [10.5], [-1], ['-0.5'], ['abc'], [''], [Number.NaN], [null], [true], [{}]])(
    'ignores out-of-range or garbage score %j and falls back to the next signal',
    (bad) => {
      expect(resolveSeverity({ ruleProperties: { 'security-severity': bad }, resultLevel: 'note' })).toEqual({
        severity: 'low',
        severitySource: 'level',
      });
    },
  );

  it('falls through to the rule score when the result score is garbage', () => {
    const resolved = resolveSeverity({
      resultProperties: { 'security-severity': 'n/a' },
      ruleProperties: { 'security-severity': 4.0 },
    });
    expect(resolved).toEqual({ severity: 'medium', severitySource: 'security-severity' });
  });
});

describe('resolveSeverity: precedence', () => {
  it('security-severity beats a tool severity property and the level', () => {
    const resolved = resolveSeverity({
      resultProperties: { 'security-severity': '3.1', issue_severity: 'HIGH' },
      resultLevel: 'error',
    });
    expect(resolved).toEqual({ severity: 'low', severitySource: 'security-severity' });
  });

  it("uses Bandit's issue_severity over the result level", () => {
    const resolved = resolveSeverity({
      resultProperties: { issue_severity: 'HIGH', issue_confidence: 'LOW' },
      resultLevel: 'note',
    });
    expect(resolved).toEqual({ severity: 'high', severitySource: 'tool-property' });
  });

  it('uses a tool severity property found on the rule', () => {
    const resolved = resolveSeverity({ ruleProperties: { severity: 'Low' }, resultLevel: 'error' });
    expect(resolved).toEqual({ severity: 'low', severitySource: 'tool-property' });
  });

  it('ignores a tool severity word it does not recognise', () => {
    const resolved = resolveSeverity({ resultProperties: { severity: 'bogus' }, resultLevel: 'error' });
    expect(resolved).toEqual({ severity: 'high', severitySource: 'level' });
  });

  it('ignores a non-string tool severity property', () => {
    const resolved = resolveSeverity({ resultProperties: { severity: 5 }, resultLevel: 'warning' });
    expect(resolved).toEqual({ severity: 'medium', severitySource: 'level' });
  });

  it('the result level beats the rule default level', () => {
    expect(resolveSeverity({ resultLevel: 'note', ruleLevel: 'error' })).toEqual({
      severity: 'low',
      severitySource: 'level',
    });
  });

  it('uses the rule default level when the result has none', () => {
    expect(resolveSeverity({ ruleLevel: 'error' })).toEqual({
      severity: 'high',
      severitySource: 'rule-default',
    });
  });

  it('falls back to medium (SARIF default level warning) when nothing is said', () => {
    expect(resolveSeverity({})).toEqual({ severity: 'medium', severitySource: 'fallback' });
  });
});

describe('resolveSeverity: result kind', () => {
  it.each(['pass', 'review', 'open', 'informational', 'notApplicable'])(
    'a %s result without a level is info even when the rule default is error',
    (kind) => {
      expect(resolveSeverity({ resultKind: kind, ruleLevel: 'error' })).toEqual({
        severity: 'info',
        severitySource: 'level',
      });
    },
  );

  it('a fail result uses the rule default level', () => {
    expect(resolveSeverity({ resultKind: 'fail', ruleLevel: 'error' }).severity).toBe('high');
  });
});
