import { describe, expect, it } from 'vitest';
import { ChangedLines, parseAddedLines, parseHunks } from '../../../src/diff/added-lines.ts';
import { Git } from '../../../src/diff/git.ts';
import type { Exec, ExecRequest } from '../../../src/exec/exec.ts';
import { execResult } from '../../support/exec-result.ts';

describe('parseAddedLines', () => {
  it('reads the new side of each hunk of a -U0 diff', () => {
    const patch = [
      'diff --git a/app.py b/app.py',
      '--- a/app.py',
      '+++ b/app.py',
      '@@ -3 +3 @@ def run(cmd):',
      '-    x',
      '+    y',
      '@@ -10,0 +11,2 @@',
      '+a',
      '+b',
      '@@ -20,3 +22,0 @@',
      '-gone',
    ].join('\n');
    expect([...parseAddedLines(patch)].sort((a, b) => a - b)).toEqual([3, 11, 12]);
  });

  it('finds nothing in an empty diff or a binary one', () => {
    expect(parseAddedLines('').size).toBe(0);
    expect(parseAddedLines('Binary files a/x and b/x differ\n').size).toBe(0);
  });
});

describe('parseHunks', () => {
  it('reads both sides of each hunk header, counts defaulting to 1', () => {
    const patch = [
      '@@ -3 +3 @@ def run(cmd):',
      '-    x',
      '+    y',
      '@@ -10,0 +11,2 @@',
      '+a',
      '+b',
      '@@ -20,3 +22,0 @@',
    ].join('\n');
    expect(parseHunks(patch)).toEqual([
      { baseStart: 3, baseCount: 1, headStart: 3, headCount: 1 },
      { baseStart: 10, baseCount: 0, headStart: 11, headCount: 2 },
      { baseStart: 20, baseCount: 3, headStart: 22, headCount: 0 },
    ]);
  });
});

describe('ChangedLines', () => {
  function recording(stdout: string): { exec: Exec; calls: ExecRequest[] } {
    const calls: ExecRequest[] = [];
    const exec: Exec = async (request) => {
      calls.push(request);
      return execResult({ stdout });
    };
    return { exec, calls };
  }

  it('asks git once per file, for both names of a rename, below the workspace folder', async () => {
    const { exec, calls } = recording('@@ -1 +1,2 @@\n');
    const lines = new ChangedLines(
      new Git(exec, '/repo'),
      'abc123',
      [{ status: 'renamed', path: 'new.py', oldPath: 'old.py' }],
      'svc',
    );
    expect(await lines.of('new.py')).toEqual(new Set([1, 2]));
    await lines.of('new.py');
    // The hunks come from the same diff: still one git call.
    expect(await lines.hunks('new.py')).toEqual([{ baseStart: 1, baseCount: 1, headStart: 1, headCount: 2 }]);
    expect(calls).toHaveLength(1);
    const args = calls[0]?.args ?? [];
    expect(args.slice(args.indexOf('abc123'))).toEqual(['abc123', '--', 'svc/old.py', 'svc/new.py']);
  });

  it('calls every line of an added file the change’s, and none of an untouched one, without git', async () => {
    const { exec, calls } = recording('');
    const lines = new ChangedLines(new Git(exec, '/repo'), 'abc123', [{ status: 'added', path: 'a.py' }], '');
    expect(await lines.of('a.py')).toBe('all');
    expect((await lines.of('b.py')) as ReadonlySet<number>).toEqual(new Set());
    expect(await lines.hunks('a.py')).toBe('all');
    expect(await lines.hunks('b.py')).toEqual([]);
    expect(calls).toHaveLength(0);
  });
});
