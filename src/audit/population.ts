import type { ExceptionCode, RecordException } from '../change-management/exceptions.ts';
import type { GateRunFacts, SignatureState } from '../change-management/gate-run.ts';
import type { CriterionTally } from '../evidence/summarize.ts';
import { isoWeek } from './iso-week.ts';
import type { CriterionVerdict, LoadedGateRun, LoadedRecord, RejectedBundle } from './load.ts';
import type { MergedChange } from './source.ts';

/*
 * The audit population: one row per change merged in the period, reconciled with the gate runs and
 * merge records found. Pure: the same inputs give the same population, so an auditor's re-run of
 * `controlgate audit` over the archive gives the same rows.
 */

export interface Period {
  /** Both ends inclusive. */
  since: Date;
  until: Date;
}

export type GateDecision = 'pass' | 'block' | 'not-evaluated' | 'none';

/** Where the list of merged changes came from. */
export type MergedListSource = 'platform' | 'merge-records';

/** A gate run as a row cites it. */
export interface GateRunRef {
  location: string;
  digest: string | null;
  headSha: string | null;
  finishedAt: string | null;
  signature: SignatureState;
  runUrl: string | null;
}

export interface PopulationRow {
  repository: string | null;
  number: number;
  title: string;
  url: string | null;
  author: string | null;
  mergedAt: string;
  mergedBy: string | null;
  headSha: string;
  gateDecision: GateDecision;
  failingCriteria: string[];
  waivers: { id: string | null; approver: string; expires: string }[];
  /** From the merge record; null without one (the platform list does not say). */
  approvalsOnFinalHead: string[] | null;
  exceptions: RecordException[];
  /** The gate run that counts: the last one on the merged head. */
  gateRun: GateRunRef | null;
  /** Other runs for the change: earlier runs on the merged head, and runs on earlier heads. */
  superseded: GateRunRef[];
  mergeRecord: { location: string; digest: string; signature: SignatureState } | null;
  /** Rejected bundles that claim to be for this change. */
  rejected: string[];
}

/** Per criterion, how the changes' counting gate runs judged it (the shape `evidence summarize` tallies bundles in). */
export type { CriterionTally };

export interface TrendWeek {
  /** ISO week, "YYYY-Www". */
  week: string;
  merged: number;
  blockedAtMerge: number;
  withExceptions: number;
}

export interface PopulationCounts {
  merged: number;
  gatePassed: number;
  gateBlocked: number;
  gateNotEvaluated: number;
  noGateRun: number;
  withExceptions: number;
  gateBundles: number;
  mergeRecords: number;
  /** Bundles found twice (same digest), counted once. */
  duplicateBundles: number;
  supersededRuns: number;
  rejectedBundles: number;
}

export interface Population {
  period: { since: string; until: string };
  mergedListSource: MergedListSource;
  counts: PopulationCounts;
  rows: PopulationRow[];
  /** Per criterion, how the changes' counting gate runs judged it. */
  tallies: CriterionTally[];
  trend: TrendWeek[];
  /** The locations of bundles that repeat another's digest, and which they repeat. */
  duplicates: { location: string; sameAs: string }[];
}

export interface PopulationInput {
  period: Period;
  gateRuns: readonly LoadedGateRun[];
  records: readonly LoadedRecord[];
  rejected?: readonly RejectedBundle[];
  /** The platform's list of merged changes; without it, the merge records stand for the list. */
  merged?: readonly MergedChange[];
  /** The repository the platform list is for ("owner/name"). */
  repository?: string;
}

/** What the audit itself finds, in words that name the change. */
const AUDIT_EXCEPTION_TEXT: Record<
  | 'no-gate-run'
  | 'merged-while-blocked'
  | 'merged-not-evaluated'
  | 'gate-report-only'
  | 'scanners-missing'
  | 'bundle-unverifiable'
  | 'no-merge-record',
  (row: PopulationRow, detail: string) => string
> = {
  'no-gate-run': (r) => `no intact gate evidence bundle for the merged head ${r.headSha}`,
  'merged-while-blocked': (r, d) => `the last gate run on ${r.headSha} blocked it (${d}), and it merged`,
  'merged-not-evaluated': (r) =>
    `the last gate run on ${r.headSha} could not evaluate it (exit 2), and it merged`,
  'gate-report-only': (r) =>
    `the gate ran in report-only mode on ${r.headSha}: its decision could not stop the merge`,
  'scanners-missing': (_r, d) => `scanners failed or were missing in the gate run: ${d}`,
  'bundle-unverifiable': (r, d) =>
    `only bundles that do not verify exist for the merged head ${r.headSha}: ${d}`,
  'no-merge-record': () => 'no merge record was found for the change',
};

function inPeriod(iso: string | null, period: Period): boolean {
  if (!iso) return false;
  const t = Date.parse(iso);
  return t >= period.since.getTime() && t <= period.until.getTime();
}

function sameRepository(a: string | null, b: string | null): boolean {
  // A bundle written locally may not know its repository: it matches on the number alone.
  return a === null || b === null || a === b;
}

function refOf(run: LoadedGateRun): GateRunRef {
  const f = run.facts;
  return {
    location: run.location,
    digest: f.digest,
    headSha: f.headSha,
    finishedAt: f.finishedAt,
    signature: f.signature,
    runUrl: f.runUrl,
  };
}

function decisionOf(facts: GateRunFacts | null): GateDecision {
  if (!facts) return 'none';
  if (facts.exitCode === 2) return 'not-evaluated';
  return facts.decision ?? 'none';
}

/** Bundles with one digest are one bundle found twice: the first location (sorted) stands for it. */
function deduplicate(runs: readonly LoadedGateRun[]) {
  const byDigest = new Map<string, LoadedGateRun>();
  const unique: LoadedGateRun[] = [];
  const duplicates: { location: string; sameAs: string }[] = [];
  for (const run of [...runs].sort((a, b) =>
    a.location < b.location ? -1 : a.location > b.location ? 1 : 0,
  )) {
    const digest = run.facts.digest;
    const first = digest ? byDigest.get(digest) : undefined;
    if (first) duplicates.push({ location: run.location, sameAs: first.location });
    else {
      if (digest) byDigest.set(digest, run);
      unique.push(run);
    }
  }
  return { unique, duplicates };
}

/** The merged changes in the period, from the platform or, failing that, from the records. */
function mergedChanges(input: PopulationInput, records: ReadonlyMap<string, LoadedRecord>) {
  if (input.merged)
    return input.merged
      .filter((c) => inPeriod(c.mergedAt, input.period))
      .map((c) => ({ change: c, repository: input.repository ?? null }));
  return [...records.values()]
    .filter((r) => r.record.facts.merged && inPeriod(r.record.facts.mergedAt, input.period))
    .map((r) => {
      const f = r.record.facts;
      const change: MergedChange = {
        number: f.number,
        title: f.title,
        url: f.url,
        author: f.author,
        headSha: f.headSha,
        mergeCommitSha: f.mergeCommitSha,
        mergedBy: f.mergedBy,
        mergedAt: f.mergedAt ?? '',
        baseRef: f.baseRef,
      };
      return { change, repository: f.repository };
    });
}

/** The latest record per change (a record written twice, or once more after a re-run). */
function latestRecords(records: readonly LoadedRecord[], repository: string | undefined) {
  // Keyed by repository and number: records of several repositories may be audited together.
  const out = new Map<string, LoadedRecord>();
  for (const r of records) {
    const { facts } = r.record;
    if (!sameRepository(repository ?? null, facts.repository)) continue;
    const key = `${facts.repository}#${facts.number}`;
    const seen = out.get(key);
    if (!seen || r.record.recordedAt > seen.record.recordedAt) out.set(key, r);
  }
  return out;
}

function recordFor(
  records: ReadonlyMap<string, LoadedRecord>,
  repository: string | null,
  number: number,
): LoadedRecord | undefined {
  return [...records.values()].find(
    (r) => r.record.facts.number === number && sameRepository(repository, r.record.facts.repository),
  );
}

function addException(row: PopulationRow, code: ExceptionCode, text: string): void {
  // The record may already carry it, found at merge time: listed once.
  if (!row.exceptions.some((e) => e.code === code)) row.exceptions.push({ code, text });
}

function audit(row: PopulationRow, run: LoadedGateRun | undefined, rejected: RejectedBundle[]): void {
  const t = AUDIT_EXCEPTION_TEXT;
  if (!run) {
    if (rejected.length > 0)
      addException(
        row,
        'bundle-unverifiable',
        t['bundle-unverifiable'](row, rejected.map((r) => r.reason).join('; ')),
      );
    else addException(row, 'no-gate-run', t['no-gate-run'](row, ''));
  } else {
    const f = run.facts;
    if (row.gateDecision === 'block')
      addException(
        row,
        'merged-while-blocked',
        t['merged-while-blocked'](row, f.failingCriteria.join(', ') || 'no criterion named'),
      );
    if (row.gateDecision === 'not-evaluated')
      addException(row, 'merged-not-evaluated', t['merged-not-evaluated'](row, ''));
    if (f.failMode === 'report-only') addException(row, 'gate-report-only', t['gate-report-only'](row, ''));
    if (f.scannersFailed.length > 0)
      addException(row, 'scanners-missing', t['scanners-missing'](row, f.scannersFailed.join(', ')));
  }
  if (!row.mergeRecord) addException(row, 'no-merge-record', t['no-merge-record'](row, ''));
}

function tally(runs: readonly (readonly CriterionVerdict[])[]): CriterionTally[] {
  const tallies = new Map<string, CriterionTally>();
  for (const criteria of runs)
    for (const c of criteria) {
      const t = tallies.get(c.id) ?? {
        id: c.id,
        title: c.title,
        passed: 0,
        passedUnderWaiver: 0,
        blocked: 0,
        warned: 0,
        notEvaluated: 0,
      };
      if (c.verdict === 'pass' && c.waived) t.passedUnderWaiver += 1;
      else if (c.verdict === 'pass') t.passed += 1;
      else if (c.verdict === 'fail') t.blocked += 1;
      else if (c.verdict === 'warn') t.warned += 1;
      else if (c.verdict === 'not-evaluated') t.notEvaluated += 1;
      tallies.set(c.id, t);
    }
  // Criteria out of scope or not covered everywhere say nothing about the period.
  return [...tallies.values()]
    .filter((t) => t.passed + t.passedUnderWaiver + t.blocked + t.warned + t.notEvaluated > 0)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function trendOf(rows: readonly PopulationRow[]): TrendWeek[] {
  const weeks = new Map<string, TrendWeek>();
  for (const row of rows) {
    const week = isoWeek(new Date(row.mergedAt));
    const w = weeks.get(week) ?? { week, merged: 0, blockedAtMerge: 0, withExceptions: 0 };
    w.merged += 1;
    if (row.gateDecision === 'block') w.blockedAtMerge += 1;
    if (row.exceptions.length > 0) w.withExceptions += 1;
    weeks.set(week, w);
  }
  return [...weeks.values()].sort((a, b) => (a.week < b.week ? -1 : 1));
}

/** Reconciles merged changes, gate runs and merge records into the period's population. */
export function buildPopulation(input: PopulationInput): Population {
  const { unique, duplicates } = deduplicate(input.gateRuns);
  const records = latestRecords(input.records, input.repository);
  const changes = mergedChanges(input, records).sort(
    (a, b) =>
      Date.parse(a.change.mergedAt) - Date.parse(b.change.mergedAt) || a.change.number - b.change.number,
  );
  const rows: PopulationRow[] = [];
  const counting: CriterionVerdict[][] = [];
  for (const { change, repository } of changes) {
    const forChange = unique.filter(
      (r) => r.facts.changeNumber === change.number && sameRepository(repository, r.facts.repository),
    );
    // The last run on the merged head is the one whose decision the merge followed.
    const onHead = forChange
      .filter((r) => r.facts.headSha === change.headSha)
      .sort((a, b) => (b.facts.finishedAt ?? '').localeCompare(a.facts.finishedAt ?? ''));
    const run = onHead[0];
    const record = recordFor(records, repository, change.number);
    const rejected = (input.rejected ?? []).filter(
      (r) =>
        r.claimed?.changeNumber === change.number &&
        r.claimed.headSha === change.headSha &&
        sameRepository(repository, r.claimed.repository),
    );
    const row: PopulationRow = {
      repository,
      number: change.number,
      title: change.title,
      url: change.url,
      author: change.author,
      mergedAt: change.mergedAt,
      mergedBy: change.mergedBy,
      headSha: change.headSha,
      gateDecision: decisionOf(run?.facts ?? null),
      failingCriteria: run?.facts.failingCriteria ?? [],
      waivers: (run?.facts.waivers ?? []).map((w) => ({
        id: w.id,
        approver: w.approver,
        expires: w.expires,
      })),
      approvalsOnFinalHead: record ? record.record.judgement.finalHeadApprovers : null,
      exceptions: record ? record.record.exceptions.map((e) => ({ code: e.code, text: e.text })) : [],
      gateRun: run ? refOf(run) : null,
      superseded: forChange.filter((r) => r !== run).map(refOf),
      mergeRecord: record
        ? { location: record.location, digest: record.digest, signature: record.signature }
        : null,
      rejected: rejected.map((r) => r.location),
    };
    audit(row, run, rejected);
    if (run) counting.push(run.criteria);
    rows.push(row);
  }
  const decisions = (d: GateDecision) => rows.filter((r) => r.gateDecision === d).length;
  return {
    period: { since: input.period.since.toISOString(), until: input.period.until.toISOString() },
    mergedListSource: input.merged ? 'platform' : 'merge-records',
    counts: {
      merged: rows.length,
      gatePassed: decisions('pass'),
      gateBlocked: decisions('block'),
      gateNotEvaluated: decisions('not-evaluated'),
      noGateRun: decisions('none'),
      withExceptions: rows.filter((r) => r.exceptions.length > 0).length,
      gateBundles: unique.length,
      mergeRecords: records.size,
      duplicateBundles: duplicates.length,
      supersededRuns: rows.reduce((n, r) => n + r.superseded.length, 0),
      rejectedBundles: input.rejected?.length ?? 0,
    },
    rows,
    tallies: tally(counting),
    trend: trendOf(rows),
    duplicates,
  };
}
