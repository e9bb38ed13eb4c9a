import { describe, expect, it } from 'vitest';
import { collectUnjudged } from '../../../src/runner/unjudged.ts';

describe('collectUnjudged', () => {
  it('joins the reasons of one file, once each, on one line', () => {
    const { unjudged, judgedNothing } = collectUnjudged(
      [
        { path: '/w/big.js', reason: 'rule a timed out' },
        { path: '/w/big.js', reason: 'rule b timed out\n' },
        { path: '/w/big.js', reason: 'rule a timed out' },
      ],
      ['/w/big.js', '/w/small.js'],
      '/w',
      undefined,
    );
    expect(unjudged).toEqual([{ path: 'big.js', reason: 'rule a timed out; rule b timed out' }]);
    expect(judgedNothing).toBeUndefined();
  });

  it('hides a secret the tool quoted from the file it could not parse', () => {
    const key = ['AKIA', 'IOSFODNN7EXAMPLE'].join('');
    const { unjudged } = collectUnjudged(
      [{ path: '/w/bad.tf', reason: `Unexpected "access_key = ${key}"` }],
      ['/w/bad.tf'],
      '/w',
      undefined,
    );
    expect(unjudged[0]?.reason).not.toContain(key);
  });

  it('leaves out the copies made to reveal suppressions: their originals are scanned too', () => {
    const { unjudged } = collectUnjudged(
      [{ path: '/tmp/reveal-1/main.tf', reason: 'KICS could not parse it' }],
      ['/w/main.tf'],
      '/w',
      '/tmp/reveal-1',
    );
    expect(unjudged).toEqual([]);
  });

  it('says the run judged nothing only when every given file is unjudged', () => {
    const reported = [{ path: '/w/a.tf', reason: 'x' }];
    expect(collectUnjudged(reported, ['/w/a.tf'], '/w', undefined).judgedNothing).toMatch(
      /^could judge none of the 1 file it was given \(a\.tf: x\)$/,
    );
    expect(collectUnjudged(reported, ['/w/a.tf', '/w/b.tf'], '/w', undefined).judgedNothing).toBeUndefined();
  });
});
