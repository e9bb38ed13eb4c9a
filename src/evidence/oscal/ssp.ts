import type { JsonReport } from '../../report/json-report-schema.ts';
import type { RunFacts } from '../../report/run-facts.ts';
import { controlId } from './catalog.ts';
import { OSCAL_FILES } from './files.ts';
import type { RunIdentities } from './ids.ts';
import { runMetadata, subjectName } from './metadata.ts';
import { compact, markup, markupLine, props } from './text.ts';

type Json = Record<string, unknown>;

/** The repository under the gate, as the SSP and the assessment plan both describe it. */
export function repositoryComponent(report: JsonReport, facts: RunFacts, ids: RunIdentities): Json {
  return compact({
    uuid: ids.repositoryUuid,
    type: 'this-system',
    title: markupLine(facts.repository ?? 'Scanned repository'),
    description: markup(
      `The source repository ${subjectName(facts)}, as changed by this pull or merge request.`,
    ),
    props: props([
      ['repository', facts.repository],
      ['commit', facts.commit],
      ['branch', facts.branch],
      ['change-number', facts.changeNumber],
      ['target', report.target],
    ]),
    status: { state: 'under-development' },
  });
}

/** controlgate's gate as a component: the control activity CC8.1's gate objective is about. */
export function gateComponent(facts: RunFacts, ids: RunIdentities): Json {
  return {
    uuid: ids.gateUuid,
    type: 'service',
    title: 'controlgate change gate',
    description:
      'A required check on every pull or merge request: it runs the configured scanners on the change, maps their findings to SOC 2 criteria, and fails the check (blocking the merge) when a criterion in block mode has a finding at or above its threshold that no current waiver covers.',
    props: props([['version', facts.controlgateVersion]]),
    status: { state: 'operational' },
  };
}

/**
 * A minimal system security plan for "the repository under the gate", so that the assessment plan's
 * import-ssp resolves inside the bundle and chains on to the profile and catalog. It claims one
 * implemented requirement, the gate on changes; every other criterion is for the organisation's own
 * SSP to describe, and this document says so rather than guess.
 */
export function systemSecurityPlan(
  report: JsonReport,
  facts: RunFacts,
  ids: RunIdentities,
  gate: { criterion: string },
): Json {
  const subject = subjectName(facts);
  return {
    'system-security-plan': {
      uuid: ids.runUuid('system-security-plan'),
      metadata: runMetadata(facts, `System security plan (minimal) for the repository ${subject}`),
      'import-profile': { href: OSCAL_FILES.profile },
      'system-characteristics': {
        'system-ids': [{ 'identifier-type': 'https://ietf.org/rfc/rfc4122', id: ids.repositoryUuid }],
        'system-name': markupLine(facts.repository ?? 'Scanned repository'),
        description: markup(
          `The source repository ${facts.repository ?? report.root}: its code, dependency manifests and infrastructure configuration, which changes reach only through reviewed pull or merge requests that controlgate checks. Written by controlgate for its own evidence; not an authorization package.`,
        ),
        'system-information': {
          'information-types': [
            {
              uuid: ids.runUuid('information-type source'),
              title: 'Source code and configuration',
              description:
                'Application code, dependency manifests and infrastructure-as-code kept in the repository.',
            },
          ],
        },
        status: { state: 'operational' },
        'authorization-boundary': {
          description: markup(
            `The files of ${subject} that controlgate's coverage ledger lists (coverage.json in the bundle). Runtime infrastructure, people and processes are outside this plan.`,
          ),
        },
      },
      'system-implementation': {
        components: [repositoryComponent(report, facts, ids), gateComponent(facts, ids)],
      },
      'control-implementation': {
        description:
          'Only the change gate is described here. Other criteria are implemented (or not) by the organisation; its own system security plan is where they belong.',
        'implemented-requirements': [
          {
            uuid: ids.runUuid(`implemented-requirement ${gate.criterion}`),
            'control-id': controlId(gate.criterion),
            'by-components': [
              {
                'component-uuid': ids.gateUuid,
                uuid: ids.runUuid(`by-component gate ${gate.criterion}`),
                description:
                  'Every pull or merge request is scanned before it can merge; a change that fails the policy read from the base branch is stopped until it is fixed or a named approver records a time-limited waiver.',
                'implementation-status': { state: 'implemented' },
              },
            ],
          },
        ],
      },
    },
  };
}
