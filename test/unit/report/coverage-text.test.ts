import { describe, expect, it } from 'vitest';
import { coverageLine } from '../../../src/report/coverage-text.ts';
import type { JsonReport } from '../../../src/report/json-report-schema.ts';
import { MARKDOWN_INLINE } from '../../../src/report/markdown/comparison.ts';

const plain = { text: (s: string) => s, code: (s: string) => `<${s}>` };
const scanners = [{ id: 'bandit', name: 'Bandit' }] as JsonReport['scanners'];

describe('coverageLine', () => {
  it('counts judged files, names the ones not judged with why, and names the change files not scanned', () => {
    const coverage: JsonReport['coverage'] = {
      scope: 'changed-files',
      counts: { judged: 2, 'not-judged': 1, 'not-scanned': 2 },
      files: [
        { path: 'a.py', kind: 'file', state: 'judged', judgedBy: ['bandit'] },
        { path: 'b.py', kind: 'file', state: 'judged', judgedBy: ['bandit'] },
        {
          path: 'new.py',
          kind: 'file',
          state: 'not-judged',
          judgedBy: [],
          notJudgedBy: [{ scanner: 'bandit', reason: 'syntax error while parsing AST' }],
        },
        { path: 'venv/x.py', kind: 'file', state: 'not-scanned', judgedBy: [], notScanned: 'excluded' },
        { path: 'logo.png', kind: 'file', state: 'not-scanned', judgedBy: [], notScanned: 'no-scanner' },
      ],
    };
    expect(coverageLine({ scanners, coverage }, plain)).toBe(
      "2 of the change's 5 files judged, 1 not: <new.py> (Bandit: syntax error while parsing AST); " +
        '2 not scanned (1 excluded, 1 no scanner reads its kind): <venv/x.py>, <logo.png>.',
    );
  });

  it('on a full scan counts what was not scanned instead of naming it', () => {
    const coverage: JsonReport['coverage'] = {
      scope: 'all-files',
      counts: { judged: 1, 'not-judged': 0, 'not-scanned': 1 },
      files: [
        { path: 'a.py', kind: 'file', state: 'judged', judgedBy: ['bandit'] },
        { path: 'node_modules', kind: 'folder', state: 'not-scanned', judgedBy: [], notScanned: 'excluded' },
      ],
    };
    expect(coverageLine({ scanners, coverage }, plain)).toBe('1 file judged; 1 not scanned (1 excluded).');
  });

  it('escapes paths and reasons from the scanned tree for Markdown', () => {
    const coverage: JsonReport['coverage'] = {
      scope: 'all-files',
      counts: { judged: 0, 'not-judged': 1, 'not-scanned': 0 },
      files: [
        {
          path: 'x`](http://evil)<img>.py',
          kind: 'file',
          state: 'not-judged',
          judgedBy: [],
          notJudgedBy: [{ scanner: 'bandit', reason: '<script>*bold*</script>' }],
        },
      ],
    };
    const line = coverageLine({ scanners, coverage }, MARKDOWN_INLINE) ?? '';
    expect(line).not.toContain('<script>');
    // The path stays inside one code span: its backtick cannot close it, its `<` is joined.
    expect(line).toContain('``x`](http://evil)<\u200dimg>.py``');
    expect(line).toContain('&lt;script&gt;\\*bold\\*&lt;/script&gt;');
  });

  it('is absent for a report written before the ledger', () => {
    expect(coverageLine({ scanners }, plain)).toBeUndefined();
  });
});
