import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  entropyThreshold,
  isHighEntropyToken,
  maskHighEntropyTokens,
  shannonEntropy,
} from '../../../src/findings/high-entropy.ts';
import { REDACTED, redactKnownSecrets, redactSnippet } from '../../../src/findings/redact.ts';
import { REPO_ROOT } from '../../support/cli.ts';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A seeded generator (mulberry32): the same draws on every run, so the rates below are exact. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function draws(alphabet: string, length: number, count: number): string[] {
  const next = seeded(length * 7919 + alphabet.length);
  return Array.from({ length: count }, () =>
    Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)]).join(''),
  );
}

describe('shannonEntropy', () => {
  it('is 0 for one repeated character and log2(n) for n distinct ones', () => {
    expect(shannonEntropy('aaaaaaaa')).toBe(0);
    expect(shannonEntropy('abcdefgh')).toBe(3);
  });

  it('asks 80 % of the most a token of its length can carry, capped at 64 characters', () => {
    expect(entropyThreshold(32)).toBeCloseTo(4);
    expect(entropyThreshold(256)).toBe(entropyThreshold(64));
  });
});

describe('isHighEntropyToken: random key material', () => {
  it.each([
    ['base62, 32', 'Qm9v7TzXr2LpK8wYc3NdJ5sHfA1gEuB6'],
    ['base64 with / and padding', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    ['base64url, 43', 'dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'],
    ['a 32-byte key in base64', 'u3Xq9Zp2Lk8Wv4Rt7Yn1Bc6Dm0Fh5Gj3Ks9Qw2Er8Ty='],
    ['base64 of user:password', Buffer.from('svc-deploy:Zx9v7TzXr2LpK8wYc3Nd').toString('base64')],
  ])('masks %s', (_what, token) => {
    expect(isHighEntropyToken(token)).toBe(true);
  });

  it('catches at least 99 % of random base62 tokens of 32 characters, and 97 % of 20', () => {
    const share = (tokens: string[]) =>
      tokens.filter((t) => /\d/.test(t) && /[a-z]/.test(t) && /[A-Z]/.test(t) && isHighEntropyToken(t))
        .length / tokens.filter((t) => /\d/.test(t) && /[a-z]/.test(t) && /[A-Z]/.test(t)).length;
    expect(share(draws(ALNUM, 32, 2000))).toBeGreaterThanOrEqual(0.99);
    expect(share(draws(ALNUM, 20, 2000))).toBeGreaterThanOrEqual(0.97);
  });
});

describe('isHighEntropyToken: what is not a secret', () => {
  it.each([
    ['a UUID (a KICS query id)', '487f4be7-3fd9-4506-a07a-eae252180c08'],
    ['an upper-case UUID in braces', '{487F4BE7-3FD9-4506-A07A-EAE252180C08}'],
    ['a git SHA', '3f2c1e9a8b7d6c5e4f3a2b1c0d9e8f7a6b5c4d3e'],
    ['an MD5 digest', '9e107d9d372bb6826bd81d3542a419d6'],
    ['a SHA-256 digest', '9f86d081884c7d659a2feb1b0b6e4e5f2a5c2f8b0b6e4e5f2a5c2f8b0b6e4e5f'],
    ['an upper-case SHA-1', 'DA39A3EE5E6B4B0D3255BFEF95601890AFD80709'],
    [
      'a subresource-integrity hash',
      'sha512-Hq5cm0wN3Z4kB1xP2vY7tR9uS6aD8fG0hJ3kL5zX7cV9bN1mQ4wE6rT8yU0iO2pA',
    ],
    ['base64 of short words', 'aGVsbG8gd29ybGQgZnJvbSB0aGUgdGVzdHM='],
    ['base64 of a phrase with a number', 'QmFzZTY0IGVuY29kaW5nIGlzIGZ1bg=='],
    ['a C macro name', 'X509_EXTENSION_create_by_OBJ'],
    ['a file path', 'examples/vulnerable-app/infra/main2.tf'],
    ['a URL path with an upper-case segment', '/api/v4/projects/OCTO'],
    ['a Go module path', 'com/Checkmarx/kics/v2/internal/constants'],
    ['a CWE id', 'CWE-798'],
    ['a camel-case identifier with a digit', 'CanvasRenderingContext2D'],
    ['another', 'base64UrlToByteArray'],
    ['a snake-case message id', 'Add_import_from_0_90057'],
    ['a KICS search value', 'Deploymentcontainers0'],
    ['lower case and digits only', 'controlgate-secrets-2026-11-22-run42'],
    ['a repeated pattern', 'Xy7Xy7Xy7Xy7Xy7Xy7Xy7Xy7'],
    ['19 random characters', 'Qm9v7TzXr2LpK8wYc3N'],
  ])('keeps %s', (_what, token) => {
    expect(isHighEntropyToken(token)).toBe(false);
  });

  it('keeps a digest labelled by its algorithm', () => {
    const line =
      '"sum": "h1:3pEPW0zIZDfqJzEvxpUbBSgNFS4no3Sbq6qZ5jQCxMU=", image@sha256:Qm9v7TzXr2LpK8wYc3NdJ5sHfA1gEuB6';
    expect(maskHighEntropyTokens(line, REDACTED)).toBe(line);
  });
});

/** Text files under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map((f) => path.join(dir, String(f)))
    .filter((f) => statSync(f).isFile());
}

describe('calibration: the example app and the test fixtures', () => {
  /*
   * Every line of examples/ and test/fixtures/ as a snippet: what the entropy rule masks beyond
   * the known shapes must be planted secrets, never ordinary code. At the time of writing: 9,453
   * lines in 48 files; 5 lines masked, holding two planted values.
   */
  const planted = ['Inv3ntory-Demo-Only-Not-Real', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'];

  it('masks only lines that hold a planted secret', () => {
    const files = ['examples', path.join('test', 'fixtures')].flatMap((d) =>
      filesUnder(path.join(REPO_ROOT, d)),
    );
    let lines = 0;
    const masked: string[] = [];
    for (const file of files)
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        lines += 1;
        if (redactSnippet(line) !== redactKnownSecrets(line)) masked.push(line);
      }
    expect(lines).toBeGreaterThan(5000);
    expect(masked.length).toBeGreaterThan(0);
    for (const line of masked)
      expect(
        planted.some((p) => line.includes(p)),
        line,
      ).toBe(true);
  });
});
