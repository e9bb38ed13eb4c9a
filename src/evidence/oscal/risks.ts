import type { JsonReport } from '../../report/json-report-schema.ts';
import { uuidV5 } from './ids.ts';
import { compact, markup, markupLine, oneLine, props } from './text.ts';

type Json = Record<string, unknown>;
type AppliedWaiver = JsonReport['waivers']['applied'][number];

/** The role every waiver approver holds in the results' metadata. */
export const APPROVER_ROLE = 'waiver-approver';

/*
 * A waiver is an approved deviation, so it becomes an OSCAL risk with status deviation-approved
 * (OSCAL's risk statuses are open, investigating, remediating, deviation-requested,
 * deviation-approved and closed; "accepted for good" is not among them and a waiver is not that: it
 * is time-limited, names a ticket and must be renewed, which is what a deviation is). Its deadline
 * is the last instant of the expiry day (expiry is inclusive, UTC); the approver is a party in the
 * results' metadata, named by the risk-log entry that records the approval; the waived findings
 * are the risk's related observations, and the criterion findings they touch cite the risk.
 */

export function waiverKey(w: AppliedWaiver): string {
  return w.id ?? `line ${w.line}`;
}

/** Stable per repository and waiver: the same deviation keeps its UUID from run to run. */
export function riskUuid(repository: string, w: AppliedWaiver): string {
  return uuidV5(`risk ${repository} waiver ${waiverKey(w)} ${w.fingerprint ?? `${w.rule} ${w.path}`}`);
}

/** The last instant of the expiry day in UTC, or undefined when the date cannot be read. */
export function waiverDeadline(expires: string): string | undefined {
  return /^\d{4}-\d{2}-\d{2}$/.test(expires) ? `${expires}T23:59:59Z` : undefined;
}

/** Approvers as OSCAL parties; a name like @org/team is a group, anything else a person. */
export function approverParties(report: JsonReport, partyUuid: (name: string) => string): Json[] {
  const names = [...new Set(report.waivers.applied.map((w) => oneLine(w.approver)).filter(Boolean))].sort();
  return names.map((name) => ({
    uuid: partyUuid(name),
    type: /^@[^/\s]+\/\S+$/.test(name) ? 'organization' : 'person',
    name,
  }));
}

export interface RiskContext {
  report: JsonReport;
  repository: string;
  collected: string;
  runUuid: (name: string) => string;
  scannerUuid: (id: string) => string;
  partyUuid: (name: string) => string;
}

/** One risk per applied waiver, linked to the observations of the findings it waives. */
export function waiverRisks(ctx: RiskContext, observationUuids: ReadonlyMap<string, string>): Json[] {
  const byFingerprint = new Map(ctx.report.findings.map((f) => [f.fingerprint, f]));
  return ctx.report.waivers.applied.map((w) => {
    const key = waiverKey(w);
    const waived = w.findings.flatMap((fp) => byFingerprint.get(fp) ?? []);
    const scanners = [...new Set(waived.map((f) => f.scanner))].sort();
    const observations = [...new Set(w.findings.flatMap((fp) => observationUuids.get(fp) ?? []))];
    const criteria = [...new Set(waived.flatMap((f) => f.criteria))].sort();
    const approver = oneLine(w.approver);
    return compact({
      uuid: riskUuid(ctx.repository, w),
      title: markupLine(
        `Approved deviation (waiver ${key}): ${w.findings.length} finding(s) accepted until ${w.expires}`,
      ),
      description: markup(`Reason given: ${w.reason}`),
      statement: markup(
        `${w.findings.length} finding(s) of ${scanners.join(', ') || 'the scanners'} stay in the code while the waiver lasts${criteria.length > 0 ? `, affecting ${criteria.join(', ')}` : ''}. They do not block changes until the waiver expires on ${w.expires}; then they block again unless fixed or re-approved.`,
      ),
      props: props([
        ['waiver', key],
        ['ticket', w.ticket],
        ['approver', approver],
        ['expires', w.expires],
        ['scanner', w.scanner],
        ['rule', w.rule],
        ['path', w.path],
        ['fingerprint', w.fingerprint],
        ...criteria.map((c) => ['criterion', c] as const),
      ]),
      status: 'deviation-approved',
      origins:
        scanners.length > 0
          ? [{ actors: scanners.map((s) => ({ type: 'tool', 'actor-uuid': ctx.scannerUuid(s) })) }]
          : undefined,
      deadline: waiverDeadline(w.expires),
      'risk-log': {
        entries: [
          compact({
            uuid: ctx.runUuid(`risk-log/waiver/${key}`),
            title: markupLine(`Deviation approved by ${approver}`),
            description: markup(
              `Waiver ${key}, ticket ${w.ticket}, approved by ${approver}, expires ${w.expires}.`,
            ),
            // The waivers file records no approval date: the entry is dated at this run, when the
            // approval was seen in force, and says so.
            start: ctx.collected,
            'logged-by': approver
              ? [{ 'party-uuid': ctx.partyUuid(approver), 'role-id': APPROVER_ROLE }]
              : undefined,
            'status-change': 'deviation-approved',
            remarks:
              'Dated at this run: the waivers file does not record when the approval was given. The approval is a reviewed line of the waivers file read from the base revision.',
          }),
        ],
      },
      'related-observations': observations.map((uuid) => ({ 'observation-uuid': uuid })),
    });
  });
}
