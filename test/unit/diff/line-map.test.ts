import { describe, expect, it } from 'vitest';
import { ChangedLines, parseHunks } from '../../../src/diff/added-lines.ts';
import { Git } from '../../../src/diff/git.ts';
import { LineMap, lineMapsOf } from '../../../src/diff/line-map.ts';
import type { Exec } from '../../../src/exec/exec.ts';
import { execResult } from '../../support/exec-result.ts';

/*
 * A base file of 30 lines changed by three hunks:
 *   -0,0 +1,2   two lines inserted at the top
 *   -10,2 +12,3 lines 10-11 edited into three lines
 *   -20,3 +22,0 lines 20-22 removed
 */
const map = new LineMap(parseHunks('@@ -0,0 +1,2 @@\n@@ -10,2 +12,3 @@\n@@ -20,3 +22,0 @@\n'));

describe('LineMap.toHead', () => {
  it('moves an untouched line by the lines gained and lost above it', () => {
    expect(map.toHead(1)).toBe(3);
    expect(map.toHead(9)).toBe(11);
    expect(map.toHead(12)).toBe(15);
    expect(map.toHead(19)).toBe(22);
    expect(map.toHead(23)).toBe(23);
  });

  it('has no line for one the change edited or removed', () => {
    for (const line of [10, 11, 20, 21, 22]) expect(map.toHead(line)).toBeUndefined();
  });

  it('does not move the line an insertion sits after', () => {
    const after5 = new LineMap(parseHunks('@@ -5,0 +6,4 @@\n'));
    expect(after5.toHead(5)).toBe(5);
    expect(after5.toHead(6)).toBe(10);
  });

  it('is the identity without hunks', () => {
    expect(new LineMap([]).toHead(42)).toBe(42);
  });
});

describe('LineMap.nearest', () => {
  it('places an edited line on the corresponding line of its hunk, a removed one where the hunk was', () => {
    expect(map.nearest(10)).toBe(12);
    expect(map.nearest(11)).toBe(13);
    expect(map.nearest(21)).toBe(22);
    expect(map.nearest(9)).toBe(map.toHead(9));
  });
});

describe('lineMapsOf', () => {
  it('reads each file’s diff once and leaves out files new to the base', async () => {
    let calls = 0;
    const exec: Exec = async () => {
      calls += 1;
      return execResult({ stdout: '@@ -0,0 +1,7 @@\n' });
    };
    const lines = new ChangedLines(
      new Git(exec, '/repo'),
      'abc123',
      [
        { status: 'modified', path: 'a.py' },
        { status: 'added', path: 'b.py' },
      ],
      '',
    );
    const maps = await lineMapsOf(['a.py', 'b.py', 'untouched.py'], lines);
    expect([...maps.keys()].sort()).toEqual(['a.py', 'untouched.py']);
    expect(maps.get('a.py')?.toHead(10)).toBe(17);
    expect(maps.get('untouched.py')?.toHead(10)).toBe(10);
    expect(calls).toBe(1);
  });
});
