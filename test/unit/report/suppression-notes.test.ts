import { describe, expect, it } from 'vitest';
import type { JsonReport } from '../../../src/report/json-report-schema.ts';
import { suppressionNote } from '../../../src/report/suppression-notes.ts';

type Finding = JsonReport['findings'][number];
const fmt = { text: (s: string) => s, code: (s: string) => `<${s}>` };

let n = 0;
function f(over: Partial<Finding>): Finding {
  n += 1;
  return { suppressionRefused: false, suppressions: [], fingerprint: `fp${n}`, ...over } as Finding;
}

/** The report's parts the note reads, with every given finding failing a criterion. */
function failing(findings: Finding[]) {
  return { findings, controls: [{ findings: findings.map((x) => x.fingerprint) }] as JsonReport['controls'] };
}

describe('suppressionNote', () => {
  it('says nothing when nothing was refused', () => {
    expect(suppressionNote(failing([f({})]), fmt)).toBeUndefined();
  });

  it('names the comments the change added, the policy key, and the waiver as the way', () => {
    const note = suppressionNote(
      failing([
        f({
          suppressionRefused: true,
          suppressions: [
            { kind: 'inSource', status: 'accepted', justification: 'nosec', addedByChange: true },
          ],
        }),
        f({
          suppressionRefused: true,
          suppressions: [
            { kind: 'inSource', status: 'accepted', justification: 'nosemgrep', addedByChange: true },
          ],
        }),
      ]),
      fmt,
    );
    expect(note).toContain(
      '2 findings of blocking criteria are suppressed by suppressions this change adds (<nosec>, <nosemgrep>)',
    );
    expect(note).toContain('<newSuppressions: refuse>');
    expect(note).toContain('waiver');
  });

  it('tells refused suppressions that were already there apart', () => {
    const note = suppressionNote(
      failing([
        f({
          suppressionRefused: true,
          suppressions: [
            { kind: 'inSource', status: 'accepted', justification: 'nosec', addedByChange: false },
          ],
        }),
      ]),
      fmt,
    );
    expect(note).toContain(
      '1 finding of blocking criteria has an in-source suppression the policy does not honour (<inSourceSuppressions: refuse>)',
    );
    expect(note).not.toContain('this change adds');
  });

  it('says nothing of a refused suppression whose finding does not count (existing, or below the threshold)', () => {
    const existing = f({
      suppressionRefused: true,
      suppressions: [
        { kind: 'inSource', status: 'accepted', justification: 'kics-scan ignore-line', addedByChange: true },
      ],
    });
    expect(suppressionNote({ findings: [existing], controls: [] }, fmt)).toBeUndefined();
  });
});
