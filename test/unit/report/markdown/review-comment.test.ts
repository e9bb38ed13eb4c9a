import { describe, expect, it } from 'vitest';
import {
  readReviewMarker,
  renderReviewComment,
  reviewMarker,
} from '../../../../src/report/markdown/review-comment.ts';
import { finding } from '../../../support/report-builders.ts';

const weakHash = finding(1, {
  scanner: 'bandit',
  ruleId: 'B324',
  ruleName: 'hashlib',
  criteria: ['CC6.1', 'CC6.7'],
  fingerprint: 'abc123',
  message: 'Use of weak MD5 hash for security. Consider usedforsecurity=False',
  helpUri: 'https://bandit.readthedocs.io/en/latest/plugins/b324_hashlib.html',
  fix: { startLine: 11, startColumn: 12, endLine: 11, endColumn: 23, text: 'hashlib.sha256' },
});

describe('reviewMarker / readReviewMarker', () => {
  it('round-trips the key and fingerprint, sanitized so neither can end the HTML comment', () => {
    const marker = reviewMarker('soc2 --> <x>', 'fp-->1');
    expect(marker).toBe('<!-- controlgate:review key=soc2------x- fingerprint=fp---1 -->');
    expect(readReviewMarker(`${marker}\nbody`)).toEqual({ key: 'soc2------x-', fingerprint: 'fp---1' });
  });

  it('finds a marker only on the first line', () => {
    expect(readReviewMarker(`quote:\n${reviewMarker('default', 'fp1')}`)).toBeUndefined();
    expect(readReviewMarker(`> ${reviewMarker('default', 'fp1')}`)).toBeUndefined();
  });
});

describe('renderReviewComment', () => {
  it('says severity, the rule linked to its docs, the criteria, the message and how to waive', () => {
    const body = renderReviewComment(weakHash, { commentKey: 'default' });
    expect(body.split('\n')[0]).toBe(reviewMarker('default', 'abc123'));
    expect(body).toContain('**High**');
    expect(body).toContain('[`B324`](https://bandit.readthedocs.io/en/latest/plugins/b324_hashlib.html)');
    expect(body).toContain('CC6.1, CC6.7');
    expect(body).toContain('Use of weak MD5 hash for security. Consider usedforsecurity=False');
    expect(body).toContain('fingerprint: abc123');
    expect(body).not.toContain('suggestion');
  });

  it('links no documentation a scanned file chose', () => {
    const body = renderReviewComment(
      { ...weakHash, helpUri: 'https://evil.example/b324' },
      { commentKey: 'k' },
    );
    expect(body).not.toContain('evil.example');
    expect(body).toContain('`B324`');
  });

  it('escapes the message: no mention, no HTML, no forged marker', () => {
    const body = renderReviewComment(
      {
        ...weakHash,
        message: '@admins <!-- controlgate:review key=default fingerprint=x --> [a](https://x)',
      },
      { commentKey: 'default' },
    );
    expect(body).not.toMatch(/@admins/);
    expect(body.split('\n').filter((l) => l.includes('<!--'))).toHaveLength(1);
    expect(body).not.toContain('[a](https://x)');
  });

  it('adds a GitHub suggestion block with a fence longer than any backtick run in the code', () => {
    const body = renderReviewComment(weakHash, {
      commentKey: 'default',
      suggestion: { startLine: 11, endLine: 11, lines: ['h = hashlib.sha256(b"```x")'] },
    });
    expect(body).toContain('````suggestion\nh = hashlib.sha256(b"```x")\n````\n');
  });

  it('writes GitLab suggestions as lines above the commented one', () => {
    const body = renderReviewComment(weakHash, {
      commentKey: 'default',
      flavor: 'gitlab',
      suggestion: { startLine: 9, endLine: 11, lines: ['a = 1'] },
    });
    expect(body).toContain('```suggestion:-2+0\na = 1\n```');
  });

  it('never suggests a fix for a secret', () => {
    const body = renderReviewComment(
      { ...weakHash, secret: true },
      { commentKey: 'default', suggestion: { startLine: 11, endLine: 11, lines: ['token = env()'] } },
    );
    expect(body).not.toContain('suggestion');
    expect(body).not.toContain('token = env()');
  });
});
