import { describe, expect, it } from 'vitest';
import { suggestLines } from '../../../src/report/suggestion.ts';

const file = ['import hashlib', 'h = hashlib.md5(b"x")', 'print(h)'].join('\n');

describe('suggestLines', () => {
  it('replaces the region inside its line and keeps the rest of the line', () => {
    expect(
      suggestLines(
        { startLine: 2, startColumn: 5, endLine: 2, endColumn: 22, text: 'hashlib.sha256(b"x")' },
        file,
      ),
    ).toEqual({ startLine: 2, endLine: 2, lines: ['h = hashlib.sha256(b"x")'] });
  });

  it('joins a region across lines into what the replacement says', () => {
    const text = 'a = f(\n  1,\n  2)\nb = 3';
    expect(
      suggestLines({ startLine: 1, startColumn: 5, endLine: 3, endColumn: 5, text: 'g(1, 2)' }, text),
    ).toEqual({
      startLine: 1,
      endLine: 3,
      lines: ['a = g(1, 2)'],
    });
  });

  it('keeps a multi-line replacement as several lines', () => {
    expect(
      suggestLines({ startLine: 3, startColumn: 1, endLine: 3, endColumn: 9, text: 'x = 1\nprint(x)' }, file),
    ).toEqual({ startLine: 3, endLine: 3, lines: ['x = 1', 'print(x)'] });
  });

  it('refuses a region that does not fit the file as it is now', () => {
    expect(
      suggestLines({ startLine: 4, startColumn: 1, endLine: 4, endColumn: 2, text: 'x' }, file),
    ).toBeUndefined();
    expect(
      suggestLines({ startLine: 2, startColumn: 5, endLine: 2, endColumn: 99, text: 'x' }, file),
    ).toBeUndefined();
    expect(
      suggestLines({ startLine: 2, startColumn: 9, endLine: 2, endColumn: 3, text: 'x' }, file),
    ).toBeUndefined();
  });
});
