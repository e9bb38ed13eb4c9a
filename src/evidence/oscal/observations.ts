import type { JsonReport } from '../../report/json-report-schema.ts';
import { compact, markup, markupLine, props } from './text.ts';

type Json = Record<string, unknown>;
type ReportFinding = JsonReport['findings'][number];

/** What the results builder needs besides the report: ids and where evidence lives. */
export interface ResultsContext {
  report: JsonReport;
  collected: string;
  /** Per-run UUID for a name (see oscal.ts). */
  runUuid: (name: string) => string;
  scannerUuid: (scannerId: string) => string;
  repositoryUuid: string;
  platformUuid: string;
  /** The repository's name, for risk UUIDs that last from run to run. */
  repository: string;
  sarifHrefs: ReadonlyMap<string, string>;
  findingsHref: string | undefined;
}

function location(f: ReportFinding): string {
  return f.line > 0 ? `${f.path}:${f.line}` : f.path;
}

function evidenceFor(f: ReportFinding, index: number, ctx: ResultsContext): Json[] {
  const evidence: Json[] = [];
  const sarif = ctx.sarifHrefs.get(f.fingerprint);
  if (sarif) evidence.push({ href: sarif, description: 'The SARIF result in the merged log of this run.' });
  if (ctx.findingsHref) {
    evidence.push({
      href: `${ctx.findingsHref}#/findings/${index}`,
      description: 'The normalized finding in the controlgate report of this run.',
    });
  }
  if (evidence.length === 0) {
    evidence.push({
      description: markup(
        `Finding ${f.fingerprint} of this run's controlgate report (no evidence file linked).`,
      ),
    });
  }
  return evidence;
}

/** Above this many findings, observations are one per scanner rule rather than one per finding. */
export const GROUPED_OBSERVATIONS_ABOVE = 10_000;
/** Locations named in a grouped observation; the rest are in the linked report. */
const GROUP_LOCATIONS = 20;

const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low', 'info'];

/**
 * One observation per scanner rule, for very large runs: an assessment-results document with a
 * few hundred thousand observations is more than any OSCAL tool or reader handles. Each one gives
 * the count, the most severe level, the criteria, the first locations and links to its results.
 */
function groupedObservations(ctx: ResultsContext): { list: Json[]; uuids: Map<string, string> } {
  const groups = new Map<string, { first: number; members: ReportFinding[] }>();
  ctx.report.findings.forEach((f, index) => {
    const key = `${f.scanner}\u0000${f.ruleId}`;
    const group = groups.get(key);
    if (group) group.members.push(f);
    else groups.set(key, { first: index, members: [f] });
  });
  const uuids = new Map<string, string>();
  const list = [...groups.values()].map(({ first, members }) => {
    const head = members[0] as ReportFinding;
    const uuid = ctx.runUuid(`observation-group/${head.scanner}/${head.ruleId}`);
    for (const f of members) if (!uuids.has(f.fingerprint)) uuids.set(f.fingerprint, uuid);
    const severity = SEVERITY_ORDER.find((s) => members.some((f) => f.severity === s)) ?? head.severity;
    const criteria = [...new Set(members.flatMap((f) => f.criteria))].sort();
    const cwes = [...new Set(members.flatMap((f) => f.cwe))].sort();
    const shown = members.slice(0, GROUP_LOCATIONS).map(location);
    const more = members.length > shown.length ? ` and ${members.length - shown.length} more` : '';
    return compact({
      uuid,
      title: markupLine(`${head.ruleId} (${severity}): ${members.length} results`),
      description: markup(
        `${members.length} results of ${head.scanner} rule ${head.ruleId}, for example: ${head.message}\n\nAt ${shown.join(', ')}${more}. Every result is in the linked report and merged SARIF log.`,
      ),
      props: props([
        ['scanner', head.scanner],
        ['scanner-version', head.scannerVersion],
        ['rule-id', head.ruleId],
        ['rule-name', head.ruleName],
        ['severity', severity],
        ['result-count', members.length],
        ['new-count', members.filter((f) => f.baselineState === 'new').length || null],
        ...cwes.map((cwe) => ['cwe', cwe] as const),
        ...criteria.map((c) => ['criterion', c] as const),
      ]),
      methods: ['TEST'],
      types: ['finding'],
      origins: [{ actors: [{ type: 'tool', 'actor-uuid': ctx.scannerUuid(head.scanner) }] }],
      subjects: [{ 'subject-uuid': ctx.repositoryUuid, type: 'component' }],
      'relevant-evidence': evidenceFor(head, first, ctx),
      collected: ctx.collected,
    });
  });
  return { list, uuids };
}

/**
 * One observation per finding of the report, in report order, with the UUID of each; for very
 * large runs, one per scanner rule (see groupedObservations).
 */
export function observations(ctx: ResultsContext): { list: Json[]; uuids: Map<string, string> } {
  if (ctx.report.findings.length > GROUPED_OBSERVATIONS_ABOVE) return groupedObservations(ctx);
  const uuids = new Map<string, string>();
  const list = ctx.report.findings.map((f, index) => {
    // Fingerprints are unique per run; the index only guards against a repeated one.
    const key = uuids.has(f.fingerprint) ? `${f.fingerprint}#${index}` : f.fingerprint;
    const uuid = ctx.runUuid(`observation/${key}`);
    if (!uuids.has(f.fingerprint)) uuids.set(f.fingerprint, uuid);
    const scanner = ctx.report.scanners.find((s) => s.id === f.scanner);
    return compact({
      uuid,
      title: markupLine(`${f.ruleId} (${f.severity}) at ${location(f)}`),
      description: markup(f.message) || 'The scanner gave no message.',
      props: props([
        ['scanner', f.scanner],
        ['scanner-version', f.scannerVersion ?? scanner?.version],
        ['rule-id', f.ruleId],
        ['rule-name', f.ruleName],
        ['severity', f.severity],
        ['scanner-severity', f.scannerSeverity === f.severity ? null : f.scannerSeverity],
        ...f.cwe.map((cwe) => ['cwe', cwe] as const),
        ['category', f.category],
        ['location', location(f)],
        ['fingerprint', f.fingerprint],
        ...f.criteria.map((c) => ['criterion', c] as const),
        ['advisory', f.advisory],
        ['unmapped', f.unmapped],
        ['suppressed', f.suppressed],
        ['waiver', f.waiver],
        ['secret', f.secret],
        // new: introduced by the change; unchanged: existed at its base (debt, not judged in diff mode).
        ['baseline-state', f.baselineState],
      ]),
      methods: ['TEST'],
      types: ['finding'],
      origins: [{ actors: [{ type: 'tool', 'actor-uuid': ctx.scannerUuid(f.scanner) }] }],
      subjects: [{ 'subject-uuid': ctx.repositoryUuid, type: 'component' }],
      'relevant-evidence': evidenceFor(f, index, ctx),
      collected: ctx.collected,
    });
  });
  return { list, uuids };
}
