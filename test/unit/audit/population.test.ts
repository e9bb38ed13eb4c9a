import { describe, expect, it } from 'vitest';
import type { LoadedGateRun, LoadedRecord, RejectedBundle } from '../../../src/audit/load.ts';
import { buildPopulation, type PopulationInput } from '../../../src/audit/population.ts';
import type { GateRunFacts } from '../../../src/change-management/gate-run.ts';
import { mergedChange, mergeRecord, REPOSITORY, sha } from '../../support/audit-fixtures.ts';
import { gateRun } from '../../support/change-facts.ts';

const period = { since: new Date('2026-03-01T00:00:00Z'), until: new Date('2026-03-31T23:59:59.999Z') };

function facts(number: number, over: Partial<GateRunFacts> = {}): GateRunFacts {
  return gateRun({
    location: `runs/${number}`,
    digest: `digest-${number}-${over.finishedAt ?? ''}`,
    repository: REPOSITORY,
    headSha: sha(number),
    changeNumber: number,
    finishedAt: '2026-03-02T10:00:00.000Z',
    runUrl: null,
    ...over,
  });
}

function run(number: number, over: Partial<GateRunFacts> = {}, location?: string): LoadedGateRun {
  const f = facts(number, over);
  const where = location ?? `${f.location}-${f.finishedAt}`;
  return {
    location: where,
    place: { file: where, kind: 'folder', inner: '' },
    facts: { ...f, location: where },
    criteria: [
      {
        id: 'CC7.1',
        title: 'Vulnerabilities',
        verdict: f.decision === 'block' ? 'fail' : 'pass',
        waived: false,
      },
      { id: 'CC6.1', title: 'Secrets', verdict: 'pass', waived: f.waivers.length > 0 },
    ],
  };
}

function record(
  number: number,
  mergedAt: string,
  exceptions: LoadedRecord['record']['exceptions'] = [],
): LoadedRecord {
  return {
    location: `records/${number}`,
    place: { file: `records/${number}`, kind: 'folder', inner: '' },
    digest: `record-${number}`,
    signature: 'absent',
    record: mergeRecord({ number, headSha: sha(number), mergedAt }, { exceptions }),
  };
}

const change = (number: number, mergedAt = '2026-03-03T12:00:00Z', title?: string) =>
  mergedChange({ number, headSha: sha(number), mergedAt, ...(title ? { title } : {}) });

function population(input: Partial<PopulationInput>) {
  return buildPopulation({ period, gateRuns: [], records: [], repository: REPOSITORY, ...input });
}

const codes = (p: ReturnType<typeof population>, n: number) =>
  p.rows.find((r) => r.number === n)?.exceptions.map((e) => e.code);

describe('buildPopulation', () => {
  it('one row per change merged in the period, both ends inclusive; others left out', () => {
    const p = population({
      merged: [
        change(1, '2026-02-28T23:59:59.999Z'),
        change(2, '2026-03-01T00:00:00.000Z'),
        change(3, '2026-03-31T23:59:59.999Z'),
        change(4, '2026-04-01T00:00:00.000Z'),
      ],
      gateRuns: [run(2), run(3)],
      records: [record(2, '2026-03-01T00:00:00.000Z'), record(3, '2026-03-31T23:59:59.999Z')],
    });
    expect(p.rows.map((r) => r.number)).toEqual([2, 3]);
    expect(p.mergedListSource).toBe('platform');
    expect(p.counts.merged).toBe(2);
    expect(p.rows.every((r) => r.exceptions.length === 0)).toBe(true);
  });

  it('without a platform list, the merge records are the list (and it says so)', () => {
    const p = buildPopulation({ period, gateRuns: [run(5)], records: [record(5, '2026-03-10T00:00:00Z')] });
    expect(p.mergedListSource).toBe('merge-records');
    expect(p.rows).toEqual([
      expect.objectContaining({
        number: 5,
        repository: REPOSITORY,
        gateDecision: 'pass',
        approvalsOnFinalHead: ['rev-carol'],
      }),
    ]);
  });

  it('the last run on the merged head counts; earlier runs and runs on other heads are superseded', () => {
    const p = population({
      merged: [change(1)],
      records: [record(1, '2026-03-03T12:00:00Z')],
      gateRuns: [
        run(1, {
          decision: 'block',
          exitCode: 1,
          failingCriteria: ['CC7.1'],
          finishedAt: '2026-03-02T09:00:00.000Z',
        }),
        run(1, { finishedAt: '2026-03-02T11:00:00.000Z' }),
        // A later run, but on an earlier head: not what was merged.
        run(1, { headSha: sha(99), decision: 'block', exitCode: 1, finishedAt: '2026-03-03T11:00:00.000Z' }),
      ],
    });
    const [row] = p.rows;
    expect(row?.gateDecision).toBe('pass');
    expect(row?.gateRun?.finishedAt).toBe('2026-03-02T11:00:00.000Z');
    expect(row?.superseded).toHaveLength(2);
    expect(p.counts.supersededRuns).toBe(2);
  });

  it('the same bundle found twice (one digest) counts once', () => {
    const a = run(1, { digest: 'same' }, 'a/evidence');
    const b = run(1, { digest: 'same' }, 'b/evidence');
    const p = population({
      merged: [change(1)],
      gateRuns: [b, a],
      records: [record(1, '2026-03-03T12:00:00Z')],
    });
    expect(p.duplicates).toEqual([{ location: 'b/evidence', sameAs: 'a/evidence' }]);
    expect(p.rows[0]?.superseded).toEqual([]);
    expect(p.counts.duplicateBundles).toBe(1);
  });

  it('the audit exceptions: no gate run, blocked, not evaluated, report-only, scanners, no record', () => {
    const p = population({
      merged: [change(1), change(2), change(3), change(4), change(5)],
      gateRuns: [
        run(2, { decision: 'block', exitCode: 1, failingCriteria: ['CC7.1'] }),
        run(3, { decision: 'block', exitCode: 2, scannersFailed: ['kics'] }),
        run(4, { failMode: 'report-only' }),
        run(5),
      ],
      records: [1, 2, 3, 4].map((n) => record(n, '2026-03-03T12:00:00Z')),
    });
    expect(codes(p, 1)).toEqual(['no-gate-run']);
    expect(codes(p, 2)).toEqual(['merged-while-blocked']);
    expect(codes(p, 3)).toEqual(['merged-not-evaluated', 'scanners-missing']);
    expect(codes(p, 4)).toEqual(['gate-report-only']);
    expect(codes(p, 5)).toEqual(['no-merge-record']);
    expect(p.rows.map((r) => r.gateDecision)).toEqual(['none', 'block', 'not-evaluated', 'pass', 'pass']);
    expect(p.rows.find((r) => r.number === 5)?.approvalsOnFinalHead).toBeNull();
    expect(p.counts).toMatchObject({
      merged: 5,
      gatePassed: 2,
      gateBlocked: 1,
      gateNotEvaluated: 1,
      noGateRun: 1,
      withExceptions: 5,
    });
  });

  it('only a tampered bundle for the merged head: bundle-unverifiable, not no-gate-run', () => {
    const tampered = run(1).facts;
    const rejected: RejectedBundle[] = [
      {
        location: 'bad',
        kind: 'gate-run',
        reason: 'run.json: content changed',
        claimed: tampered,
        place: null,
      },
    ];
    const p = population({ merged: [change(1)], rejected, records: [record(1, '2026-03-03T12:00:00Z')] });
    expect(codes(p, 1)).toEqual(['bundle-unverifiable']);
    expect(p.rows[0]?.rejected).toEqual(['bad']);
    expect(p.rows[0]?.exceptions[0]?.text).toContain('run.json: content changed');
  });

  it("keeps the merge record's exceptions, listing a code the audit also finds once", () => {
    const p = population({
      merged: [change(1)],
      records: [
        record(1, '2026-03-03T12:00:00Z', [
          { code: 'self-approval', text: 'dev-alice approved their own change' },
          { code: 'no-gate-run', text: 'no gate check on the head' },
        ]),
      ],
    });
    expect(codes(p, 1)).toEqual(['self-approval', 'no-gate-run']);
  });

  it('waivers and failing criteria on the row; tallies per change; trend per ISO week', () => {
    const p = population({
      merged: [
        change(1, '2026-03-02T08:00:00Z'),
        change(2, '2026-03-09T08:00:00Z'),
        change(3, '2026-03-09T09:00:00Z'),
      ],
      gateRuns: [
        run(1, {
          waivers: [
            { id: 'W-1', approver: 'sec', expires: '2027-01-01', reason: 'r', ticket: 't', findings: 1 },
          ],
        }),
        run(2, { decision: 'block', exitCode: 1, failingCriteria: ['CC7.1'] }),
        run(3),
      ],
      records: [1, 2, 3].map((n) => record(n, '2026-03-03T12:00:00Z')),
    });
    expect(p.rows[0]?.waivers).toEqual([{ id: 'W-1', approver: 'sec', expires: '2027-01-01' }]);
    expect(p.rows[1]?.failingCriteria).toEqual(['CC7.1']);
    expect(p.tallies).toEqual([
      {
        id: 'CC6.1',
        title: 'Secrets',
        passed: 2,
        passedUnderWaiver: 1,
        blocked: 0,
        warned: 0,
        notEvaluated: 0,
      },
      {
        id: 'CC7.1',
        title: 'Vulnerabilities',
        passed: 2,
        passedUnderWaiver: 0,
        blocked: 1,
        warned: 0,
        notEvaluated: 0,
      },
    ]);
    expect(p.trend).toEqual([
      { week: '2026-W10', merged: 1, blockedAtMerge: 0, withExceptions: 0 },
      { week: '2026-W11', merged: 2, blockedAtMerge: 1, withExceptions: 1 },
    ]);
  });

  it("a run for another repository's change of the same number does not count", () => {
    const p = population({
      merged: [change(1)],
      gateRuns: [run(1, { repository: 'octo/other' })],
      records: [record(1, '2026-03-03T12:00:00Z')],
    });
    expect(codes(p, 1)).toEqual(['no-gate-run']);
  });
});

describe('buildPopulation over several repositories', () => {
  it('keeps changes of the same number in two repositories apart', () => {
    const other = (n: number): LoadedRecord => {
      const r = record(n, '2026-03-04T00:00:00Z');
      return {
        ...r,
        location: `other/${n}`,
        record: { ...r.record, facts: { ...r.record.facts, repository: 'octo/other' } },
      };
    };
    const p = buildPopulation({
      period,
      gateRuns: [run(1)],
      records: [record(1, '2026-03-03T00:00:00Z'), other(1)],
    });
    expect(p.rows.map((r) => [r.repository, r.number, r.exceptions.map((e) => e.code)])).toEqual([
      ['octo/shop', 1, []],
      ['octo/other', 1, ['no-gate-run']],
    ]);
  });
});
