import type { JsonReport } from '../../report/json-report-schema.ts';
import { compact, markup, markupLine, oneLine, props } from './text.ts';

type Json = Record<string, unknown>;
type ReportFinding = JsonReport['findings'][number];
type ReportControl = JsonReport['controls'][number];
type AppliedWaiver = JsonReport['waivers']['applied'][number];

/** The verdicts that get an OSCAL finding: the criteria this run could judge, or tried to. */
export const ASSESSED_VERDICTS: ReadonlySet<string> = new Set(['pass', 'fail', 'warn', 'not-evaluated']);

/** What the results builder needs besides the report: ids and where evidence lives. */
export interface ResultsContext {
  report: JsonReport;
  collected: string;
  /** Per-run UUID for a name (see oscal.ts). */
  runUuid: (name: string) => string;
  scannerUuid: (scannerId: string) => string;
  repositoryUuid: string;
  platformUuid: string;
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

function waiverText(w: AppliedWaiver): string {
  const id = w.id ?? `at line ${w.line} of the waivers file`;
  return `Waiver ${id}: approved by ${w.approver}, ticket ${w.ticket}, expires ${w.expires}. Reason: ${w.reason}`;
}

function status(c: ReportControl): Json {
  switch (c.verdict) {
    case 'pass':
      return { state: 'satisfied', reason: 'pass' };
    case 'fail':
      return { state: 'not-satisfied', reason: 'fail' };
    case 'warn':
      return {
        state: 'not-satisfied',
        reason: 'fail',
        remarks: 'The criterion is in warn mode: the failure is reported but does not block the change.',
      };
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

function verdictText(c: ReportControl): string {
  const existing =
    c.existing.length > 0 ? `, ${c.existing.length} existing before this change (not judged)` : '';
  const counts = `${c.findings.length} at or above the ${c.severity} threshold, ${c.belowThreshold.length} below it${existing}, ${c.waived.length} waived, ${c.suppressed.length} suppressed in source`;
  const covered = c.coveredBy.length > 0 ? ` Covered by: ${c.coveredBy.join(', ')}.` : '';
  return `controlgate verdict: ${c.verdict} (${c.mode} mode). Findings mapped to this criterion: ${counts}.${covered}`;
}

/** One OSCAL finding per assessed criterion, linked to the observations of its findings. */
export function criterionFindings(
  ctx: ResultsContext,
  observationUuids: ReadonlyMap<string, string>,
): Json[] {
  const { report } = ctx;
  const waiverByFinding = new Map<string, AppliedWaiver>();
  for (const w of report.waivers.applied) for (const fp of w.findings) waiverByFinding.set(fp, w);
  return report.controls
    .filter((c) => ASSESSED_VERDICTS.has(c.verdict))
    .map((c) => {
      const roles: [readonly string[], string][] = [
        [c.findings, `fails ${c.id}: at or above the ${c.severity} threshold`],
        [c.belowThreshold, `below the ${c.severity} threshold of ${c.id}`],
        [c.existing, `existed before this change: reported, not judged for ${c.id}`],
        [c.waived, 'waived'],
        [c.suppressed, 'suppressed in source'],
      ];
      const related: Json[] = [];
      for (const [fingerprints, remarks] of roles) {
        // Grouped observations stand for many findings: each is related once per role.
        const seen = new Set<string>();
        for (const fp of fingerprints) {
          const uuid = observationUuids.get(fp);
          if (!uuid || seen.has(uuid)) continue;
          seen.add(uuid);
          related.push({ 'observation-uuid': uuid, remarks });
        }
      }
      const waivers = [...new Set(c.waived.flatMap((fp) => waiverByFinding.get(fp) ?? []))];
      return compact({
        uuid: ctx.runUuid(`finding/${c.id}`),
        title: markupLine(`${c.id}: ${c.title}`),
        description: markup(verdictText(c)),
        props: props([
          ['criterion', c.id],
          ['verdict', c.verdict],
          ['mode', c.mode],
          ['threshold', c.severity],
          ['policy-source', c.policySource],
          ['blocking', c.blocking ? 'true' : 'false'],
          ...c.coveredBy.map((s) => ['covered-by', s] as const),
          ...c.failedScanners.map((s) => ['failed-scanner', s] as const),
          ...waivers.map((w) => ['waiver', w.id ?? `line ${w.line}`] as const),
        ]),
        origins: [{ actors: [{ type: 'assessment-platform', 'actor-uuid': ctx.platformUuid }] }],
        target: {
          type: 'objective-id',
          'target-id': c.id,
          title: markupLine(c.title),
          status: status(c),
        },
        'related-observations': related,
        remarks: waivers.length > 0 ? markup(waivers.map(waiverText).join('\n\n')) : undefined,
      });
    });
}

/** Why some criteria have no OSCAL finding: stated once in the result's remarks. */
export function resultRemarks(report: JsonReport): string {
  const count = (v: string) => report.controls.filter((c) => c.verdict === v).length;
  return oneLine(
    `Each assessed SOC 2 criterion has one finding: pass is satisfied; fail and warn are not-satisfied (reason fail); not-evaluated (a covering scanner failed) is not-satisfied (reason other). ` +
      `${count('not-covered')} criteria that no scanner in this run covers and ${count('out-of-scope')} criteria outside the configured scope were not assessed and have no finding. ` +
      `Gate decision: ${report.decision}.`,
    2000,
  );
}
