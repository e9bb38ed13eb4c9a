import { describe, expect, it } from 'vitest';
import { ChangedLines } from '../../../src/diff/added-lines.ts';
import { Git } from '../../../src/diff/git.ts';
import { lineMapsForRepeats } from '../../../src/diff/repeat-line-maps.ts';
import type { Exec, ExecRequest } from '../../../src/exec/exec.ts';
import type { Finding } from '../../../src/findings/finding.ts';
import { execResult } from '../../support/exec-result.ts';

function finding(path: string, line: number): Finding {
  return {
    scanner: 'bandit',
    scannerVersion: '1.8.0',
    ruleId: 'B602',
    message: 'shell=True',
    severity: 'high',
    severitySource: 'level',
    cwe: [],
    tags: [],
    path,
    inWorkspace: true,
    line,
    endLine: line,
    snippet: 'subprocess.call(cmd, shell=True)',
    suppressed: false,
    suppressions: [],
    fingerprint: `${path}:${line}`,
    secret: false,
    resultIndex: 0,
  };
}

describe('lineMapsForRepeats', () => {
  it('asks git only for the files where a problem repeats, across every scanner’s runs', async () => {
    const calls: ExecRequest[] = [];
    const exec: Exec = async (request) => {
      calls.push(request);
      return execResult({ stdout: '@@ -9,0 +10,3 @@\n' });
    };
    const lines = new ChangedLines(
      new Git(exec, '/repo'),
      'abc123',
      [
        { status: 'modified', path: 'a.py' },
        { status: 'modified', path: 'b.py' },
      ],
      '',
    );
    const maps = await lineMapsForRepeats(
      [{ findings: [finding('a.py', 11), finding('a.py', 13), finding('b.py', 4)] }],
      [{ findings: [finding('a.py', 10)] }, { findings: [finding('b.py', 4)] }],
      new Map(),
      lines,
    );
    expect([...maps.keys()]).toEqual(['a.py']);
    expect(maps.get('a.py')?.toHead(10)).toBe(13);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args.at(-1)).toBe('a.py');
  });

  it('has nothing to map without a diff (the base is an earlier run’s evidence)', async () => {
    const maps = await lineMapsForRepeats(
      [{ findings: [finding('a.py', 11), finding('a.py', 13)] }],
      [{ findings: [finding('a.py', 10)] }],
      new Map(),
      undefined,
    );
    expect(maps.size).toBe(0);
  });
});
