import { describe, expect, it } from 'vitest';
import {
  computeFingerprints,
  type FingerprintBasis,
  normalizeCode,
} from '../../../src/findings/fingerprint.ts';

function basis(overrides: Partial<FingerprintBasis> = {}): FingerprintBasis {
  return {
    scanner: 'semgrep',
    ruleId: 'controlgate.python.eval-injection',
    path: 'app/views.py',
    code: 'eval(request.args["q"])',
    fallback: 'Use of eval on user input',
    ...overrides,
  };
}

/** Fingerprint of one basis computed on its own (first occurrence). */
function one(b: FingerprintBasis): string {
  const [fp] = computeFingerprints([b]);
  if (fp === undefined) throw new Error('no fingerprint');
  return fp;
}

describe('normalizeCode', () => {
  it('removes every kind of whitespace', () => {
    expect(normalizeCode('  eval( x )\n\t+ 1 \r\n')).toBe('eval(x)+1');
  });
});

describe('computeFingerprints: format', () => {
  it('returns one 32-character lower-case hex string per basis', () => {
    const fps = computeFingerprints([basis(), basis({ path: 'b.py' }), basis({ code: undefined })]);
    expect(fps).toHaveLength(3);
    for (const fp of fps) expect(fp).toMatch(/^[0-9a-f]{32}$/);
  });

  it('returns [] for no findings', () => {
    expect(computeFingerprints([])).toEqual([]);
  });

  it('is deterministic across calls', () => {
    expect(one(basis())).toBe(one(basis()));
  });
});

describe('computeFingerprints: stability', () => {
  it('ignores whitespace-only changes in the code (re-indent, line breaks)', () => {
    const moved = basis({ code: '    eval(\n        request.args["q"]\n    )' });
    expect(one(moved)).toBe(one(basis()));
  });

  it('gives the same fingerprint to the same code found on another line', () => {
    // Bases carry no line; even if a caller passes one along, it must not change the identity.
    const atLine10 = { ...basis(), startLine: 10 } as FingerprintBasis;
    const atLine42 = { ...basis(), startLine: 42 } as FingerprintBasis;
    expect(one(atLine10)).toBe(one(atLine42));
  });

  it('does not depend on the fallback message when code is present', () => {
    expect(one(basis({ fallback: 'another message' }))).toBe(one(basis()));
  });
});

describe('computeFingerprints: identity', () => {
  it.each([
    ['rule', { ruleId: 'controlgate.python.pickle-deserialization' }],
    ['path', { path: 'app/other.py' }],
    ['code', { code: 'eval(request.form["q"])' }],
    ['scanner', { scanner: 'bandit' }],
  ] as const)('a different %s gives a different fingerprint', (_what, change) => {
    expect(one(basis(change))).not.toBe(one(basis()));
  });

  it('does not let field boundaries blur (path/rule concatenation)', () => {
    const a = basis({ ruleId: 'ab', path: 'c.py' });
    const b = basis({ ruleId: 'a', path: 'bc.py' });
    expect(one(a)).not.toBe(one(b));
  });
});

describe('computeFingerprints: repeated matches', () => {
  it('gives identical bases different fingerprints by order of appearance', () => {
    const [first, second, third] = computeFingerprints([basis(), basis(), basis()]);
    expect(new Set([first, second, third]).size).toBe(3);
  });

  it('keeps the first occurrence equal to a lone finding', () => {
    const [first] = computeFingerprints([basis(), basis()]);
    expect(first).toBe(one(basis()));
  });

  it('numbers occurrences per basis, unaffected by other findings in between', () => {
    const [a1, , a2] = computeFingerprints([basis(), basis({ path: 'x.py' }), basis()]);
    const [b1, b2] = computeFingerprints([basis(), basis()]);
    expect(a1).toBe(b1);
    expect(a2).toBe(b2);
  });
});

describe('computeFingerprints: missing code', () => {
  it('falls back to the message when the code is undefined', () => {
    const a = one(basis({ code: undefined, fallback: 'message A' }));
    const b = one(basis({ code: undefined, fallback: 'message B' }));
    expect(a).not.toBe(b);
    expect(one(basis({ code: undefined, fallback: 'message A' }))).toBe(a);
  });

  it('treats whitespace-only code as missing and uses the message', () => {
    expect(one(basis({ code: '  \n\t', fallback: 'm' }))).toBe(
      one(basis({ code: undefined, fallback: 'm' })),
    );
  });

  it('does not confuse a message with identical code text', () => {
    expect(one(basis({ code: 'abc' }))).not.toBe(one(basis({ code: undefined, fallback: 'abc' })));
  });
});

describe('computeFingerprints: an identity the tool gives', () => {
  it('replaces the code: the same package and advisory keep their fingerprint wherever the line is', () => {
    const identity = 'npm/lodash/GHSA-35jh-r3h4-6jhm';
    const before = one(basis({ code: '"node_modules/lodash": {', identity }));
    expect(one(basis({ code: '  "node_modules/lodash" : {', identity }))).toBe(before);
    expect(one(basis({ code: 'anything else', identity }))).toBe(before);
    expect(one(basis({ identity: 'npm/lodash/GHSA-other' }))).not.toBe(before);
    expect(one(basis({ code: identity }))).not.toBe(before);
  });
});
