import { describe, expect, it } from 'vitest';
import { compactJsonChunks, prettyJsonChunks } from '../../src/json-stream.ts';

const joined = (chunks: Iterable<string>) => [...chunks].join('');

describe('compactJsonChunks', () => {
  const values: [string, unknown][] = [
    ['primitives', [1, 'two', true, null, -0.5, 'quote " and \\ and \u2028']],
    ['nested objects', { a: { b: { c: [1, { d: 'e' }] } }, empty: {}, list: [] }],
    ['undefined and functions', { keep: 1, drop: undefined, fn: () => 1, arr: [undefined, () => 2, 3] }],
    ['a Date (toJSON)', { when: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)) }],
    [
      'a long array of records, written element by element',
      { runs: [{ results: Array.from({ length: 5_000 }, (_, i) => ({ i, text: `r${i}`, tags: ['x'] })) }] },
    ],
  ];
  it.each(values)('equals JSON.stringify for %s', (_, value) => {
    expect(joined(compactJsonChunks(value))).toBe(`${JSON.stringify(value)}\n`);
  });

  it('hands a large document over in bounded chunks, never as one string', () => {
    const big = { findings: Array.from({ length: 50_000 }, (_, i) => ({ i, message: 'm'.repeat(40) })) };
    const chunks = [...compactJsonChunks(big)];
    expect(chunks.length).toBeGreaterThan(20);
    // A chunk ends once it passes 64 KiB, so one is at most that plus one element.
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(70_000);
    expect(JSON.parse(chunks.join(''))).toEqual(big);
  });
});

describe('prettyJsonChunks', () => {
  it('is JSON.stringify with two-space indentation and a final newline', () => {
    const value = { a: [1, 2], b: { c: 'd' } };
    expect(joined(prettyJsonChunks(value))).toBe(`${JSON.stringify(value, null, 2)}\n`);
  });
});
