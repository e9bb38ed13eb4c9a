import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../../src/cli/program.ts';

const quiet = { out: () => {}, err: () => {} };

describe('scanners install', () => {
  it('installs every built-in scanner when given no ids', () => {
    expect(parseCommandLine(['scanners', 'install'], quiet)).toEqual({ kind: 'scanners-install' });
  });

  it.each([[['semgrep,bandit']], [['semgrep', 'bandit']], [['semgrep,', ' bandit']]])(
    'takes ids comma- or space-separated: %j',
    (ids) => {
      expect(parseCommandLine(['scanners', 'install', ...ids], quiet)).toEqual({
        kind: 'scanners-install',
        scanners: ['semgrep', 'bandit'],
      });
    },
  );
});

describe('evidence verify', () => {
  const ISSUER = 'https://token.actions.githubusercontent.com';

  it('without --identity: no signature check', () => {
    expect(parseCommandLine(['evidence', 'verify', 'b'], quiet)).toEqual({
      kind: 'evidence-verify',
      location: 'b',
    });
  });

  it('--identity, --issuer and --trusted-root: a check against that file', () => {
    expect(
      parseCommandLine(
        [
          'evidence',
          'verify',
          'b',
          '--identity',
          'https://x',
          '--issuer',
          ISSUER,
          '--trusted-root',
          'r.json',
        ],
        quiet,
      ),
    ).toEqual({
      kind: 'evidence-verify',
      location: 'b',
      signature: {
        policy: { identity: 'https://x', issuer: ISSUER },
        root: { kind: 'file', path: 'r.json' },
      },
    });
  });

  it('--identity-regexp with --public-good-root', () => {
    expect(
      parseCommandLine(
        [
          'evidence',
          'verify',
          'b',
          '--identity-regexp',
          'https://.*',
          '--issuer',
          ISSUER,
          '--public-good-root',
        ],
        quiet,
      ),
    ).toMatchObject({
      signature: { policy: { identityRegexp: 'https://.*' }, root: { kind: 'public-good' } },
    });
  });

  it.each([
    [['--identity', 'x', '--trusted-root', 'r'], '--issuer is required'],
    [['--identity', 'x', '--issuer', ISSUER], '--trusted-root <file> (offline) or --public-good-root'],
    [['--identity', 'x', '--identity-regexp', 'y', '--issuer', ISSUER, '--public-good-root'], 'not both'],
    [['--identity-regexp', '(', '--issuer', ISSUER, '--public-good-root'], 'not a regular expression'],
    [['--issuer', ISSUER], 'need --identity'],
    [['--identity', 'x', '--issuer', ISSUER, '--public-good-root', '--trusted-root', 'r'], 'not both'],
  ])('half a request is a usage error (exit 2): %j', (args, message) => {
    const err: string[] = [];
    const parsed = parseCommandLine(['evidence', 'verify', 'b', ...args], {
      out: () => {},
      err: (s) => err.push(s),
    });
    expect(parsed).toEqual({ kind: 'done', exitCode: 2 });
    expect(err.join('')).toContain(message);
  });
});

describe('scan --format', () => {
  it('accepts markdown, the comment body, with the comment key for its marker', () => {
    const parsed = parseCommandLine(['scan', 'app', '--format', 'markdown', '--comment-key', 'web'], quiet);
    expect(parsed).toMatchObject({
      kind: 'scan',
      args: { path: 'app', format: 'markdown', commentKey: 'web' },
    });
  });

  it('still refuses a format it does not know', () => {
    const err: string[] = [];
    const parsed = parseCommandLine(['scan', '--format', 'html'], { out: () => {}, err: (t) => err.push(t) });
    expect(parsed).toMatchObject({ kind: 'done', exitCode: 2 });
    expect(err.join('')).toContain('text, json, sarif, markdown');
  });
});
