import type { JsonReport } from '../report/json-report-schema.ts';
import type { RunFacts } from '../report/run-facts.ts';
import { OSCAL_VERSION, uuidV5 } from './oscal/ids.ts';
import { ASSESSED_VERDICTS, criterionFindings, observations, resultRemarks } from './oscal/results.ts';
import { compact, markup, markupLine, oneLine, props } from './oscal/text.ts';

export { OSCAL_VERSION } from './oscal/ids.ts';

type Json = Record<string, unknown>;

export interface OscalDocuments {
  assessmentPlan: Record<string, unknown>;
  assessmentResults: Record<string, unknown>;
}

export interface OscalOptions {
  /** How the results document refers to the plan (import-ap), e.g. "assessment-plan.json". */
  planHref: string;
  /** Fingerprint → href of the finding's SARIF result, e.g. from mergedResultPointers(). */
  sarifHrefs?: ReadonlyMap<string, string>;
  /** Href of the JSON report whose findings[] the observations cite by JSON pointer. */
  findingsHref?: string;
}

/** Ids shared by both documents: stable ones for lasting things, per-run ones for this run's records. */
function identities(report: JsonReport, facts: RunFacts) {
  const runKey = JSON.stringify([facts.repository, facts.commit, facts.changeNumber, facts.startedAt]);
  const repository = facts.repository ?? report.root;
  return {
    runUuid: (name: string) => uuidV5(`run ${runKey} ${name}`),
    scannerUuid: (id: string) => uuidV5(`component scanner ${id}`),
    repositoryUuid: uuidV5(`component repository ${repository}`),
    platformUuid: uuidV5(`assessment-platform controlgate`),
  };
}

/** OSCAL date-times must carry a time zone; one without is read as local time and written in UTC. */
function timestamp(value: string): string {
  if (/(Z|[+-]\d{2}:\d{2})$/i.test(value)) return value;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new Error(`OSCAL export: not a date-time: ${value}`);
  return date.toISOString();
}

function subjectName(facts: RunFacts): string {
  return `${facts.repository ?? 'unknown repository'}@${facts.commit ?? 'unknown commit'}`;
}

function metadata(facts: RunFacts, title: string): Json {
  return compact({
    title: markupLine(title),
    'last-modified': timestamp(facts.finishedAt),
    version: oneLine(facts.controlgateVersion) || 'unknown',
    'oscal-version': OSCAL_VERSION,
    props: props([
      ['repository', facts.repository],
      ['commit', facts.commit],
      ['base-commit', facts.baseCommit],
      ['merge-commit', facts.mergeCommit],
      ['branch', facts.branch],
      ['change-number', facts.changeNumber],
      ['actor', facts.actor],
      ['decision', facts.decision],
    ]),
    links: facts.runUrl ? [{ href: oneLine(facts.runUrl), rel: 'related', text: 'CI run' }] : undefined,
  });
}

function reviewedControls(report: JsonReport): Json {
  const assessed = report.controls.filter((c) => ASSESSED_VERDICTS.has(c.verdict));
  const description =
    'SOC 2 Trust Services Criteria (2017 TSC) that a scanner of this run covers and that are in the configured scope. Control ids are the criterion ids as the AICPA writes them (e.g. CC6.1).';
  // With no criterion to assess, the selection says so: all controls, every one excluded.
  const selection =
    assessed.length > 0
      ? { 'include-controls': assessed.map((c) => ({ 'control-id': c.id })) }
      : compact({
          'include-all': {},
          'exclude-controls': report.controls.map((c) => ({ 'control-id': c.id })),
        });
  return { description, 'control-selections': [selection] };
}

function scannerComponents(report: JsonReport, facts: RunFacts, scannerUuid: (id: string) => string): Json[] {
  return report.scanners.map((s) => {
    const fact = facts.scanners.find((f) => f.id === s.id);
    const version = s.version ?? fact?.version ?? null;
    return compact({
      uuid: scannerUuid(s.id),
      type: 'software',
      title: markupLine(s.name),
      description: markup(
        `${s.name}${version ? ` ${version}` : ''}, a scanner controlgate runs on the change.`,
      ),
      purpose: 'Security scanning of source code, dependencies and configuration',
      props: props([
        ['scanner', s.id],
        ['version', version],
        ['run-status', s.status],
        ['exit-code', s.exitCode],
        ['findings', s.findings],
        ['files-scanned', s.filesScanned],
        ['duration-ms', s.durationMs],
      ]),
      status: compact({
        state: 'operational',
        remarks: s.error ? markup(`This run: ${s.status}. ${s.error}`) : undefined,
      }),
    });
  });
}

function assessmentPlan(report: JsonReport, facts: RunFacts, ids: ReturnType<typeof identities>): Json {
  const subject = subjectName(facts);
  return {
    'assessment-plan': {
      uuid: ids.runUuid('assessment-plan'),
      metadata: metadata(facts, `controlgate assessment plan for ${subject}`),
      // OSCAL requires an SSP reference, but a repository has none; "#" is a same-document
      // placeholder. (A back-matter resource saying so would be better, but trestle only counts
      // version-4 UUIDs as references and warns about the resource.)
      'import-ssp': {
        href: '#',
        remarks:
          'Placeholder: controlgate assesses a source repository, not an authorized system, and no system security plan is published for it. The assessed repository is described in this plan’s local definitions.',
      },
      'local-definitions': {
        components: [
          compact({
            uuid: ids.repositoryUuid,
            type: 'this-system',
            title: markupLine(facts.repository ?? 'Scanned repository'),
            description: markup(
              `The source repository ${subject}, as changed by this pull or merge request.`,
            ),
            props: props([
              ['repository', facts.repository],
              ['commit', facts.commit],
              ['branch', facts.branch],
              ['change-number', facts.changeNumber],
              ['target', report.target],
            ]),
            status: { state: 'under-development' },
          }),
        ],
      },
      'reviewed-controls': reviewedControls(report),
      'assessment-subjects': [
        {
          type: 'component',
          description: markup(`The repository ${subject}.`),
          'include-subjects': [{ 'subject-uuid': ids.repositoryUuid, type: 'component' }],
        },
      ],
      'assessment-assets': {
        components: scannerComponents(report, facts, ids.scannerUuid),
        'assessment-platforms': [
          compact({
            uuid: ids.platformUuid,
            title: markupLine(`controlgate ${facts.controlgateVersion}`),
            props: props([
              ['os', `${facts.host.os} ${facts.host.release} ${facts.host.arch}`],
              ['node', facts.host.node],
              ['catalog', `${facts.hashes.catalog.version} sha256:${facts.hashes.catalog.sha256}`],
              ['mapping', `${facts.hashes.mapping.version} sha256:${facts.hashes.mapping.sha256}`],
            ]),
            'uses-components': report.scanners.map((s) => ({ 'component-uuid': ids.scannerUuid(s.id) })),
          }),
        ],
      },
    },
  };
}

/** OSCAL assessment plan + results for one run; deterministic: same inputs → same bytes. */
export function oscalDocuments(report: JsonReport, facts: RunFacts, options: OscalOptions): OscalDocuments {
  const ids = identities(report, facts);
  const ctx = {
    report,
    collected: timestamp(facts.finishedAt),
    ...ids,
    sarifHrefs: options.sarifHrefs ?? new Map<string, string>(),
    findingsHref: options.findingsHref,
  };
  const observed = observations(ctx);
  const result = compact({
    uuid: ids.runUuid('result'),
    title: markupLine(`controlgate scan of ${subjectName(facts)}`),
    description: markup(
      `Findings of ${report.scanners.map((s) => `${s.name} (${s.status})`).join(', ')} on ${subjectName(facts)}, mapped to SOC 2 criteria by controlgate ${facts.controlgateVersion}.`,
    ),
    start: timestamp(facts.startedAt),
    end: timestamp(facts.finishedAt),
    props: props([
      ['decision', report.decision],
      ['exit-code', report.exitCode],
    ]),
    'reviewed-controls': reviewedControls(report),
    observations: observed.list,
    findings: criterionFindings(ctx, observed.uuids),
    remarks: resultRemarks(report),
  });
  const assessmentResults = {
    'assessment-results': {
      uuid: ids.runUuid('assessment-results'),
      metadata: metadata(facts, `controlgate assessment results for ${subjectName(facts)}`),
      'import-ap': { href: options.planHref },
      results: [result],
    },
  };
  return { assessmentPlan: assessmentPlan(report, facts, ids), assessmentResults };
}
