import { describe, expect, it } from 'vitest';
import { identityPattern } from '../../../../src/evidence/sign/verify-attestation.ts';

const WORKFLOW = 'https://github.com/octo/shop/.github/workflows/gate.yml@refs/heads/main';

describe('identityPattern', () => {
  it('an exact identity matches itself only, whole (sigstore alone would match any string containing it)', () => {
    const pattern = identityPattern({ identity: WORKFLOW });
    expect(pattern.test(WORKFLOW)).toBe(true);
    expect(pattern.test(`${WORKFLOW}x`)).toBe(false);
    expect(pattern.test(`https://evil.example/${WORKFLOW}`)).toBe(false);
    expect(pattern.test(WORKFLOW.slice(0, -1))).toBe(false);
  });

  it('regular-expression characters in an exact identity are literal', () => {
    const pattern = identityPattern({ identity: WORKFLOW });
    expect(pattern.test(WORKFLOW.replaceAll('.', 'x'))).toBe(false);
  });

  it('a regexp must match the whole identity', () => {
    const pattern = identityPattern({
      identityRegexp: 'https://github\\.com/octo/shop/\\.github/workflows/.*',
    });
    expect(pattern.test(WORKFLOW)).toBe(true);
    expect(pattern.test('https://github.com/octo/shop-fork/.github/workflows/gate.yml@refs/heads/main')).toBe(
      false,
    );
    expect(identityPattern({ identityRegexp: 'octo/shop' }).test(WORKFLOW)).toBe(false);
    // Alternation stays inside the anchors.
    expect(identityPattern({ identityRegexp: 'a|https://.*' }).test(WORKFLOW)).toBe(true);
    expect(identityPattern({ identityRegexp: 'a|b' }).test('xa')).toBe(false);
  });
});
