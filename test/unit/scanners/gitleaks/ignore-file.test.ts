import { describe, expect, it } from 'vitest';
import { matchingEntry, parseGitleaksIgnore } from '../../../../scanners/gitleaks/ignore-file.ts';

const COMMIT = '9bd4e8b78c8705af2c3d4836f0debeff03fe18c0';

describe('parseGitleaksIgnore', () => {
  it('reads global and commit fingerprints with the line each is on, skipping comments, blanks and invalid lines', () => {
    const text = [
      '# reviewed 2026-11-02',
      'app/settings.py:aws-access-token:3',
      '',
      `${COMMIT}:config/removed.py:slack-bot-token:1`,
      'not-a-fingerprint',
      'a:b:c:d:e',
      'app/x.py:generic-api-key:three',
      '  .\\config\\dev.env:stripe-access-token:1  ',
    ].join('\n');
    expect(parseGitleaksIgnore(text)).toEqual([
      {
        text: 'app/settings.py:aws-access-token:3',
        line: 2,
        file: 'app/settings.py',
        ruleId: 'aws-access-token',
        startLine: 3,
      },
      {
        text: `${COMMIT}:config/removed.py:slack-bot-token:1`,
        line: 4,
        commit: COMMIT,
        file: 'config/removed.py',
        ruleId: 'slack-bot-token',
        startLine: 1,
      },
      // Gitleaks turns `\` into `/`; a leading `./` names the same file.
      {
        text: '.\\config\\dev.env:stripe-access-token:1',
        line: 8,
        file: 'config/dev.env',
        ruleId: 'stripe-access-token',
        startLine: 1,
      },
    ]);
  });

  it('reads Windows line ends', () => {
    expect(parseGitleaksIgnore('a.py:jwt:1\r\nb.py:jwt:2\r\n').map((e) => [e.file, e.line])).toEqual([
      ['a.py', 1],
      ['b.py', 2],
    ]);
  });
});

describe('matchingEntry', () => {
  const entries = parseGitleaksIgnore(
    ['app/settings.py:aws-access-token:3', `${COMMIT}:config/removed.py:slack-bot-token:1`].join('\n'),
  );

  it('matches a global entry by file, rule and line, in the tree and in any commit', () => {
    expect(
      matchingEntry(entries, { file: 'app/settings.py', ruleId: 'aws-access-token', startLine: 3 })?.line,
    ).toBe(1);
    expect(
      matchingEntry(entries, {
        file: 'app/settings.py',
        ruleId: 'aws-access-token',
        startLine: 3,
        commit: COMMIT,
      })?.line,
    ).toBe(1);
  });

  it('does not match another line, rule or file', () => {
    expect(
      matchingEntry(entries, { file: 'app/settings.py', ruleId: 'aws-access-token', startLine: 4 }),
    ).toBeUndefined();
    expect(
      matchingEntry(entries, { file: 'app/settings.py', ruleId: 'github-pat', startLine: 3 }),
    ).toBeUndefined();
    expect(
      matchingEntry(entries, { file: 'app/other.py', ruleId: 'aws-access-token', startLine: 3 }),
    ).toBeUndefined();
  });

  it('matches a commit entry only for a result of that commit', () => {
    const key = { file: 'config/removed.py', ruleId: 'slack-bot-token', startLine: 1 };
    expect(matchingEntry(entries, { ...key, commit: COMMIT })?.line).toBe(2);
    expect(
      matchingEntry(entries, { ...key, commit: 'eb00b844f4023c13b507ff359768d54274429a32' }),
    ).toBeUndefined();
    expect(matchingEntry(entries, key)).toBeUndefined();
  });
});
