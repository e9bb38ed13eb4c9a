import type { JsonReport } from '../../report/json-report-schema.ts';
import type { RunFacts } from '../../report/run-facts.ts';
import { controlId } from './catalog.ts';
import { OSCAL_FILES } from './files.ts';
import type { RunIdentities } from './ids.ts';
import { runMetadata, subjectName } from './metadata.ts';
import { assessedControls } from './results.ts';
import { gateComponent, repositoryComponent } from './ssp.ts';
import { compact, markup, markupLine, props } from './text.ts';

type Json = Record<string, unknown>;

/** The criteria the run reviews: those it can make a claim about, and the gate's own criterion. */
export function reviewedControls(report: JsonReport, gateCriterion: string): Json {
  const ids = [...new Set([...assessedControls(report).map((c) => c.id), gateCriterion])];
  const order = new Map(report.controls.map((c, i) => [c.id, i]));
  ids.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  return {
    description:
      'SOC 2 Trust Services Criteria (catalog.json, through profile.json) that a scanner of this run judged, and the change-management criterion whose gate this run is. Criteria no scanner judged are left out: no claim is made about them.',
    'control-selections': [{ 'include-controls': ids.map((id) => ({ 'control-id': controlId(id) })) }],
  };
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

/** The assessment plan: what the run set out to judge, with what, importing the run's SSP. */
export function assessmentPlan(
  report: JsonReport,
  facts: RunFacts,
  ids: RunIdentities,
  gateCriterion: string,
): Json {
  const subject = subjectName(facts);
  return {
    'assessment-plan': {
      uuid: ids.runUuid('assessment-plan'),
      metadata: runMetadata(facts, `controlgate assessment plan for ${subject}`),
      'import-ssp': { href: OSCAL_FILES.ssp },
      'local-definitions': {
        components: [repositoryComponent(report, facts, ids), gateComponent(facts, ids)],
      },
      'reviewed-controls': reviewedControls(report, gateCriterion),
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
