import type { JsonReport } from '../../report/json-report-schema.ts';
import { objectiveId } from './catalog.ts';
import type { ResultsContext } from './observations.ts';
import { riskUuid, waiverKey } from './risks.ts';
import { compact, markup, markupLine, oneLine, props } from './text.ts';

type Json = Record<string, unknown>;
type ReportControl = JsonReport['controls'][number];
type AppliedWaiver = JsonReport['waivers']['applied'][number];

/*
 * How a criterion's verdict reads in OSCAL. A finding's target status is only ever satisfied or
 * not-satisfied, so "we could not tell" has no state of its own; the honest choice is to make no
 * claim at all. So:
 *
 * - fail, warn: not-satisfied, reason fail.
 * - not-evaluated (a covering scanner failed or left files unjudged): not-satisfied, reason other.
 * - pass is satisfied only when a scanner that covers the criterion ran and judged at least one
 *   file of the change, and then only as far as that scanner's checks reach (the remarks say so).
 *   A pass whose covering scanners were skipped or judged no file is silence, not evidence: like
 *   not-covered (no scanner in the run covers it) it gets no finding and is listed in the result's
 *   remarks and props. The same goes for out-of-scope criteria.
 * - pass with waived findings: not-satisfied, reason other, citing the deviation-approved risks,
 *   as deviations are recorded: the objective is not met for those findings, and that was approved.
 * - pass with findings at or above the threshold that existed before the change (diff mode judges
 *   only new ones): not-satisfied, reason other: the change is fine, the repository is not.
 */

/** Scanners of the run that cover the criterion, ran and judged at least one file. */
export function judgingScanners(report: JsonReport, c: ReportControl): string[] {
  return report.scanners
    .filter((s) => c.coveredBy.includes(s.id) && s.status === 'ok' && s.filesScanned > 0)
    .map((s) => s.id);
}

/** The criteria that get an OSCAL finding (see above); the rest are not claimed either way. */
export function assessedControls(report: JsonReport): ReportControl[] {
  return report.controls.filter((c) => {
    if (c.verdict === 'fail' || c.verdict === 'warn' || c.verdict === 'not-evaluated') return true;
    if (c.verdict !== 'pass') return false;
    return c.waived.length > 0 || c.existing.length > 0 || judgingScanners(report, c).length > 0;
  });
}

/** The criteria with no finding, by why: what the result's remarks and props list. */
export function unclaimedControls(report: JsonReport): { notCovered: string[]; outOfScope: string[] } {
  const assessed = new Set(assessedControls(report).map((c) => c.id));
  return {
    notCovered: report.controls
      .filter((c) => !assessed.has(c.id) && c.verdict !== 'out-of-scope')
      .map((c) => c.id),
    outOfScope: report.controls.filter((c) => c.verdict === 'out-of-scope').map((c) => c.id),
  };
}

function status(report: JsonReport, c: ReportControl): Json {
  switch (c.verdict) {
    case 'fail':
      return { state: 'not-satisfied', reason: 'fail' };
    case 'warn':
      return {
        state: 'not-satisfied',
        reason: 'fail',
        remarks: 'The criterion is in warn mode: the failure is reported but does not block the change.',
      };
    case 'pass': {
      if (c.waived.length > 0) {
        return {
          state: 'not-satisfied',
          reason: 'other',
          remarks: `Met except for ${c.waived.length} finding(s) under approved deviations (waivers): see the related risks, status deviation-approved, each with its approver and deadline.`,
        };
      }
      if (c.existing.length > 0) {
        return {
          state: 'not-satisfied',
          reason: 'other',
          remarks: `The change added no finding at or above the ${c.severity} threshold, but ${c.existing.length} such finding(s) existed before it (only new findings were judged): the repository does not meet the objective as tested.`,
        };
      }
      const judges = judgingScanners(report, c);
      return {
        state: 'satisfied',
        reason: 'pass',
        remarks: markup(
          `As far as automated checks reach: ${judges.join(', ')} judged the change's files and reported nothing at or above the ${c.severity} threshold. This is evidence about the repository's content only; the criterion's organisational side needs other evidence.`,
        ),
      };
    }
    default:
      return {
        state: 'not-satisfied',
        reason: 'other',
        remarks: markup(
          `Not evaluated: ${c.failedScanners.join(', ')} failed or could not judge every file it was given (controlgate.json, scanners[].unjudged), and what it would have found is unknown, so the criterion cannot be claimed satisfied.`,
        ),
      };
  }
}

function verdictText(report: JsonReport, c: ReportControl): string {
  const existing =
    c.existing.length > 0 ? `, ${c.existing.length} existing before this change (not judged)` : '';
  const counts = `${c.findings.length} at or above the ${c.severity} threshold, ${c.belowThreshold.length} below it${existing}, ${c.waived.length} waived, ${c.suppressed.length} suppressed in source`;
  const covered = c.coveredBy.length > 0 ? ` Covered by: ${c.coveredBy.join(', ')}.` : '';
  // A blocked change never reached the system: its findings describe the proposal, not the system.
  const blocked =
    report.decision === 'block' && c.blocking
      ? ' The gate stopped this change because of these findings, so they describe the proposed change, not the merged system; the change-gate finding records the control operating.'
      : '';
  return `controlgate verdict: ${c.verdict} (${c.mode} mode) for the change's content. Findings mapped to this criterion: ${counts}.${covered}${blocked}`;
}

/** Related observations of a criterion, once per observation and role (grouped ones stand for many). */
function relatedObservations(
  c: ReportControl,
  observationUuids: ReadonlyMap<string, string>,
): { 'observation-uuid': string; remarks: string }[] {
  const roles: [readonly string[], string][] = [
    [c.findings, `fails ${c.id}: at or above the ${c.severity} threshold`],
    [c.belowThreshold, `below the ${c.severity} threshold of ${c.id}`],
    [c.existing, `existed before this change: reported, not judged for ${c.id}`],
    [c.waived, 'waived: an approved deviation (see the related risk)'],
    [c.suppressed, 'suppressed in source'],
  ];
  const related: { 'observation-uuid': string; remarks: string }[] = [];
  for (const [fingerprints, remarks] of roles) {
    const seen = new Set<string>();
    for (const fp of fingerprints) {
      const uuid = observationUuids.get(fp);
      if (!uuid || seen.has(uuid)) continue;
      seen.add(uuid);
      related.push({ 'observation-uuid': uuid, remarks });
    }
  }
  return related;
}

/** One OSCAL finding per assessed criterion, targeting its objective, linked to observations and risks. */
export function criterionFindings(
  ctx: ResultsContext,
  observationUuids: ReadonlyMap<string, string>,
): Json[] {
  const { report } = ctx;
  const waiverByFinding = new Map<string, AppliedWaiver>();
  for (const w of report.waivers.applied) for (const fp of w.findings) waiverByFinding.set(fp, w);
  return assessedControls(report).map((c) => {
    const waivers = [...new Set(c.waived.flatMap((fp) => waiverByFinding.get(fp) ?? []))];
    return compact({
      uuid: ctx.runUuid(`finding/${c.id}`),
      title: markupLine(`${c.id}: ${c.title}`),
      description: markup(verdictText(report, c)),
      props: props([
        ['criterion', c.id],
        ['verdict', c.verdict],
        ['mode', c.mode],
        ['threshold', c.severity],
        ['policy-source', c.policySource],
        ['blocking', c.blocking ? 'true' : 'false'],
        ...c.coveredBy.map((s) => ['covered-by', s] as const),
        ...judgingScanners(report, c).map((s) => ['judged-by', s] as const),
        ...c.failedScanners.map((s) => ['failed-scanner', s] as const),
        ...waivers.map((w) => ['waiver', waiverKey(w)] as const),
      ]),
      origins: [{ actors: [{ type: 'assessment-platform', 'actor-uuid': ctx.platformUuid }] }],
      target: {
        type: 'objective-id',
        'target-id': objectiveId(c.id),
        title: markupLine(`${c.id}: ${c.title}`),
        status: status(report, c),
      },
      'related-observations': relatedObservations(c, observationUuids),
      'related-risks': waivers.map((w) => ({ 'risk-uuid': riskUuid(ctx.repository, w) })),
    });
  });
}

/** Why some criteria have no OSCAL finding: stated once in the result's remarks. */
export function resultRemarks(report: JsonReport): string {
  const { notCovered, outOfScope } = unclaimedControls(report);
  return oneLine(
    `Each assessed SOC 2 criterion has one finding targeting its objective (<id>_obj in catalog.json): fail and warn are not-satisfied (reason fail); not-evaluated, waived (approved deviation) and pre-existing findings are not-satisfied (reason other); pass is satisfied only where a covering scanner judged files. ` +
      `${notCovered.length} criteria that no scanner of this run judged (${notCovered.join(', ') || 'none'}) and ${outOfScope.length} outside the configured scope have no finding: silence from a scanner is not evidence that a criterion is met. ` +
      `A separate finding records the change gate (the control activity) operating. Gate decision: ${report.decision}.`,
    4000,
  );
}
