import { describe, expect, it } from 'vitest';
import { parseHunks } from '../../../src/diff/added-lines.ts';
import { classifyFindings, pathsWithRepeats } from '../../../src/diff/classify.ts';
import { LineMap } from '../../../src/diff/line-map.ts';
import type { Finding } from '../../../src/findings/finding.ts';
import { computeFingerprints } from '../../../src/findings/fingerprint.ts';

describe('classifyFindings', () => {
  let index = 0;
  /** A finding as normalization would produce it; fingerprints come from the production function. */
  function finding(over: Partial<Finding> & { path: string; snippet?: string; line?: number }): Finding {
    index += 1;
    return {
      scanner: 'semgrep',
      scannerVersion: '1.0.0',
      ruleId: 'controlgate.python.eval-injection',
      message: 'eval on user input',
      severity: 'high',
      severitySource: 'security-severity',
      cwe: ['CWE-95'],
      tags: [],
      inWorkspace: true,
      line: 1,
      endLine: over.line ?? 1,
      suppressed: false,
      suppressions: [],
      fingerprint: '',
      secret: false,
      resultIndex: index,
      ...over,
    };
  }

  /** Gives findings (of one scan) their fingerprints the way normalization does, in reading order. */
  function fingerprinted(findings: Finding[]): Finding[] {
    const fps = computeFingerprints(
      findings.map((f) => ({
        scanner: f.scanner,
        ruleId: f.ruleId,
        path: f.path,
        code: f.snippet,
        fallback: f.message,
      })),
    );
    return findings.map((f, i) => ({ ...f, fingerprint: fps[i] ?? '' }));
  }

  function states(result: ReturnType<typeof classifyFindings>): string[] {
    return result.head.map((f) => `${f.path}:${f.line} ${f.baselineState}`);
  }

  it('the same code on another line, re-indented, is unchanged (fingerprint match)', () => {
    const base = fingerprinted([finding({ path: 'a.py', line: 3, snippet: 'eval(x)' })]);
    const head = fingerprinted([finding({ path: 'a.py', line: 53, snippet: '        eval( x )' })]);
    expect(head[0]?.fingerprint).toBe(base[0]?.fingerprint);
    const result = classifyFindings({ head, base, renames: new Map() });
    expect(states(result)).toEqual(['a.py:53 unchanged']);
    expect(result.fixed).toEqual([]);
  });

  it('a finding in a renamed file is unchanged through its content, though its fingerprint changed', () => {
    const base = fingerprinted([finding({ path: 'old/a.py', line: 3, snippet: 'eval(x)' })]);
    const head = fingerprinted([finding({ path: 'new/b.py', line: 9, snippet: 'eval(x)' })]);
    expect(head[0]?.fingerprint).not.toBe(base[0]?.fingerprint);
    const renamed = classifyFindings({ head, base, renames: new Map([['old/a.py', 'new/b.py']]) });
    expect(states(renamed)).toEqual(['new/b.py:9 unchanged']);
    expect(renamed.fixed).toEqual([]);
    // Without the rename the same code elsewhere is a new problem, and the old one is fixed.
    const unrelated = classifyFindings({ head, base, renames: new Map() });
    expect(states(unrelated)).toEqual(['new/b.py:9 new']);
    expect(unrelated.fixed.map((f) => f.path)).toEqual(['old/a.py']);
  });

  it('a renamed file keeps identity by message when the code could not be read', () => {
    const base = fingerprinted([finding({ path: 'a.tf', line: 3 })]);
    const head = fingerprinted([finding({ path: 'b.tf', line: 3 })]);
    const result = classifyFindings({ head, base, renames: new Map([['a.tf', 'b.tf']]) });
    expect(states(result)).toEqual(['b.tf:3 unchanged']);
  });

  it('a second copy of an old problem is new; the original stays unchanged', () => {
    const base = fingerprinted([finding({ path: 'a.py', line: 3, snippet: 'eval(x)' })]);
    const head = fingerprinted([
      finding({ path: 'a.py', line: 3, snippet: 'eval(x)' }),
      finding({ path: 'a.py', line: 30, snippet: 'eval(x)' }),
    ]);
    const result = classifyFindings({ head, base, renames: new Map() });
    expect(result.head.map((f) => f.baselineState).sort()).toEqual(['new', 'unchanged']);
    expect(result.fixed).toEqual([]);
  });

  it('a second copy in a renamed file is new too: content matches pair one for one', () => {
    const base = fingerprinted([finding({ path: 'a.py', line: 3, snippet: 'eval(x)' })]);
    const head = fingerprinted([
      finding({ path: 'b.py', line: 3, snippet: 'eval(x)' }),
      finding({ path: 'b.py', line: 30, snippet: 'eval(x)' }),
    ]);
    const result = classifyFindings({ head, base, renames: new Map([['a.py', 'b.py']]) });
    expect(result.head.map((f) => f.baselineState).sort()).toEqual(['new', 'unchanged']);
    expect(result.fixed).toEqual([]);
  });

  it('lists base findings with no counterpart as fixed, and does not match across rules', () => {
    const base = fingerprinted([
      finding({ path: 'a.py', line: 3, snippet: 'eval(x)' }),
      finding({ path: 'a.py', line: 8, snippet: 'hashlib.md5(x)', ruleId: 'controlgate.python.weak-hash' }),
    ]);
    const head = fingerprinted([
      // Same code, another rule: a different problem.
      finding({ path: 'a.py', line: 3, snippet: 'eval(x)', ruleId: 'controlgate.python.exec-injection' }),
    ]);
    const result = classifyFindings({ head, base, renames: new Map() });
    expect(states(result)).toEqual(['a.py:3 new']);
    expect(result.fixed.map((f) => [f.ruleId, f.baselineState])).toEqual([
      ['controlgate.python.eval-injection', 'fixed'],
      ['controlgate.python.weak-hash', 'fixed'],
    ]);
  });

  it('a statement reflowed past the tool’s region is unchanged when one matched code starts the other', () => {
    const base = fingerprinted([
      finding({ path: 'a.py', line: 5, ruleId: 'B324', snippet: 'return hashlib.sha1(seed).hexdigest()' }),
    ]);
    // The tool's region now ends one line into the call: only its start is in the matched code.
    const head = fingerprinted([
      finding({ path: 'a.py', line: 5, ruleId: 'B324', snippet: 'return hashlib.sha1(\n    seed' }),
    ]);
    expect(head[0]?.fingerprint).not.toBe(base[0]?.fingerprint);
    const result = classifyFindings({ head, base, renames: new Map() });
    expect(states(result)).toEqual(['a.py:5 unchanged']);
    expect(result.fixed).toEqual([]);
  });

  it('a short shared start is not enough to pair two findings', () => {
    const base = fingerprinted([finding({ path: 'a.py', line: 5, snippet: 'eval(x)' })]);
    const head = fingerprinted([finding({ path: 'a.py', line: 5, snippet: 'eval(x) + eval(y)' })]);
    const result = classifyFindings({ head, base, renames: new Map() });
    expect(states(result)).toEqual(['a.py:5 new']);
    expect(result.fixed.map((f) => f.path)).toEqual(['a.py']);
  });

  it('a finding known to predate the change is unchanged without a base counterpart', () => {
    const head = fingerprinted([
      finding({ path: 'untouched.py', line: 1, snippet: 'eval(y)' }),
      finding({ path: 'changed.py', line: 1, snippet: 'eval(z)' }),
    ]);
    const result = classifyFindings({
      head,
      base: [],
      renames: new Map(),
      knownUnchanged: (f) => f.path === 'untouched.py',
    });
    expect(states(result)).toEqual(['untouched.py:1 unchanged', 'changed.py:1 new']);
  });

  it('does not change the findings it was given', () => {
    const base = fingerprinted([finding({ path: 'a.py', snippet: 'eval(x)' })]);
    const head = fingerprinted([finding({ path: 'a.py', snippet: 'eval(x)' })]);
    classifyFindings({ head, base, renames: new Map() });
    expect(head[0]?.baselineState).toBeUndefined();
    expect(base[0]?.baselineState).toBeUndefined();
  });

  describe('one problem more than once: the copy the change added is the new one', () => {
    const EVAL = 'os.system(cmd)';
    /** The line map of one file from the hunk headers of its `-U0` diff. */
    function mapOf(path: string, ...headers: string[]): Map<string, LineMap> {
      return new Map([[path, new LineMap(parseHunks(headers.join('\n')))]]);
    }

    it('a copy added right above the old one: the added copy is new, the old one (moved down) unchanged', () => {
      const base = fingerprinted([finding({ path: 'a.py', line: 10, snippet: EVAL })]);
      // Three lines (a function holding the copy) inserted after line 9: the copy is on 11, the old one on 13.
      const head = fingerprinted([
        finding({ path: 'a.py', line: 11, snippet: EVAL }),
        finding({ path: 'a.py', line: 13, snippet: EVAL }),
      ]);
      // What went wrong before: occurrence #1 is now the added copy, so fingerprints pair it with the old one.
      expect(head[0]?.fingerprint).toBe(base[0]?.fingerprint);
      const result = classifyFindings({
        head,
        base,
        renames: new Map(),
        lineMaps: mapOf('a.py', '@@ -9,0 +10,3 @@'),
      });
      expect(states(result)).toEqual(['a.py:11 new', 'a.py:13 unchanged']);
      expect(result.fixed).toEqual([]);
    });

    it('a copy added below: the old one stays unchanged', () => {
      const base = fingerprinted([finding({ path: 'a.py', line: 10, snippet: EVAL })]);
      const head = fingerprinted([
        finding({ path: 'a.py', line: 10, snippet: EVAL }),
        finding({ path: 'a.py', line: 32, snippet: EVAL }),
      ]);
      const result = classifyFindings({
        head,
        base,
        renames: new Map(),
        lineMaps: mapOf('a.py', '@@ -30,0 +31,3 @@'),
      });
      expect(states(result)).toEqual(['a.py:10 unchanged', 'a.py:32 new']);
      expect(result.fixed).toEqual([]);
    });

    it('a copy added in another file is new there; the original is unchanged', () => {
      const base = fingerprinted([finding({ path: 'a.py', line: 10, snippet: EVAL })]);
      const head = fingerprinted([
        finding({ path: 'a.py', line: 10, snippet: EVAL }),
        finding({ path: 'b.py', line: 2, snippet: EVAL }),
      ]);
      const result = classifyFindings({ head, base, renames: new Map() });
      expect(states(result)).toEqual(['a.py:10 unchanged', 'b.py:2 new']);
      expect(result.fixed).toEqual([]);
    });

    it('one of two copies removed: the removed one is fixed, though the other moved nearer its line', () => {
      const base = fingerprinted([
        finding({ path: 'a.py', line: 5, snippet: EVAL }),
        finding({ path: 'a.py', line: 20, snippet: EVAL }),
      ]);
      // Lines 3-16 removed, the first copy with them: the second, from line 20, is now on line 6.
      const head = fingerprinted([finding({ path: 'a.py', line: 6, snippet: EVAL })]);
      const result = classifyFindings({
        head,
        base,
        renames: new Map(),
        lineMaps: mapOf('a.py', '@@ -3,14 +2,0 @@'),
      });
      expect(states(result)).toEqual(['a.py:6 unchanged']);
      expect(result.fixed.map((f) => `${f.path}:${f.line} ${f.baselineState}`)).toEqual(['a.py:5 fixed']);
    });

    it('a copy moved to the end of the file stays unchanged, and so does the one it moved past', () => {
      const base = fingerprinted([
        finding({ path: 'a.py', line: 5, snippet: EVAL }),
        finding({ path: 'a.py', line: 20, snippet: EVAL }),
      ]);
      // Line 5 removed, and put back after line 39: the copy from 20 is on 19, the moved one on 39.
      const head = fingerprinted([
        finding({ path: 'a.py', line: 19, snippet: EVAL }),
        finding({ path: 'a.py', line: 39, snippet: EVAL }),
      ]);
      const result = classifyFindings({
        head,
        base,
        renames: new Map(),
        lineMaps: mapOf('a.py', '@@ -5 +4,0 @@', '@@ -39,0 +39 @@'),
      });
      expect(states(result)).toEqual(['a.py:19 unchanged', 'a.py:39 unchanged']);
      expect(result.fixed).toEqual([]);
    });

    it('a copy added above the old one in a renamed file: the line map is the new name’s', () => {
      const base = fingerprinted([finding({ path: 'old.py', line: 10, snippet: EVAL })]);
      const head = fingerprinted([
        finding({ path: 'new.py', line: 11, snippet: EVAL }),
        finding({ path: 'new.py', line: 13, snippet: EVAL }),
      ]);
      const result = classifyFindings({
        head,
        base,
        renames: new Map([['old.py', 'new.py']]),
        lineMaps: mapOf('new.py', '@@ -9,0 +10,3 @@'),
      });
      expect(states(result)).toEqual(['new.py:11 new', 'new.py:13 unchanged']);
    });

    it('findings without code are told apart by their message the same way', () => {
      const kics = { scanner: 'kics', ruleId: 'kics.public-bucket', message: 'bucket is public' };
      const base = fingerprinted([finding({ ...kics, path: 'main.tf', line: 10 })]);
      const head = fingerprinted([
        finding({ ...kics, path: 'main.tf', line: 11 }),
        finding({ ...kics, path: 'main.tf', line: 16 }),
      ]);
      const result = classifyFindings({
        head,
        base,
        renames: new Map(),
        lineMaps: mapOf('main.tf', '@@ -9,0 +10,6 @@'),
      });
      expect(states(result)).toEqual(['main.tf:11 new', 'main.tf:16 unchanged']);
    });

    it('without a line map (an earlier run’s evidence as the base) the nearest position decides', () => {
      const base = fingerprinted([finding({ path: 'a.py', line: 10, snippet: EVAL })]);
      const head = fingerprinted([
        finding({ path: 'a.py', line: 3, snippet: EVAL }),
        finding({ path: 'a.py', line: 12, snippet: EVAL }),
      ]);
      const result = classifyFindings({ head, base, renames: new Map() });
      expect(states(result)).toEqual(['a.py:3 new', 'a.py:12 unchanged']);
    });

    it('pathsWithRepeats names only files where a problem repeats and the base has it', () => {
      const base = fingerprinted([
        finding({ path: 'a.py', line: 10, snippet: EVAL }),
        finding({ path: 'old.py', line: 1, snippet: EVAL }),
        finding({ path: 'c.py', line: 1, snippet: EVAL }),
      ]);
      const head = fingerprinted([
        finding({ path: 'a.py', line: 10, snippet: EVAL }),
        finding({ path: 'a.py', line: 30, snippet: EVAL }),
        // Renamed, with a second copy: the current name is asked for.
        finding({ path: 'new.py', line: 1, snippet: EVAL }),
        finding({ path: 'new.py', line: 9, snippet: EVAL }),
        // Once on each side: nothing to tell apart.
        finding({ path: 'c.py', line: 4, snippet: EVAL }),
        // Twice, but not at the base: both are new whatever their lines.
        finding({ path: 'd.py', line: 1, snippet: EVAL }),
        finding({ path: 'd.py', line: 2, snippet: EVAL }),
      ]);
      expect([...pathsWithRepeats({ head, base, renames: new Map([['old.py', 'new.py']]) })].sort()).toEqual([
        'a.py',
        'new.py',
      ]);
    });
  });
});
