import type { JsonReport } from '../../report/json-report-schema.ts';
import { compact, markup, markupLine, props } from './text.ts';

type Json = Record<string, unknown>;

/*
 * The gate itself is a control activity: the check on every change that the change-management
 * criterion's gate objective (points-of-focus.yml `gate`, cc8.1_obj.3) is about. A GRC tool that
 * reads "CC6.1 not-satisfied" on a blocked change would count a control failure, when what happened
 * is the opposite: the control worked and the flawed change never merged. So the results carry one
 * more finding, about the gate:
 *
 * - decision block: satisfied. The gate operated and stopped the change; the findings that made it
 *   block are its related observations. The per-criterion findings still describe the change's
 *   content (not-satisfied where it fails), and say that the change did not merge.
 * - decision pass with every criterion evaluated: satisfied. The gate operated and let through a
 *   change that met the policy.
 * - decision pass while some criterion could not be evaluated (a scanner failed and the policy lets
 *   that through): not-satisfied, reason other. The change went through without the full check.
 *
 * Whether the block failed the CI check depends on fail-mode (report-only on CI runs with no change
 * to judge), which the step's exit status shows; the exit code here is the gate's own.
 */

function gateStatus(report: JsonReport): Json {
  const unevaluated = report.controls.filter((c) => c.verdict === 'not-evaluated').map((c) => c.id);
  if (report.decision === 'block') {
    return {
      state: 'satisfied',
      reason: 'pass',
      remarks:
        'The control operated: the gate stopped the change. The findings that made it block are observations of the proposed change, not a failure of this control.',
    };
  }
  if (unevaluated.length === 0) {
    return {
      state: 'satisfied',
      reason: 'pass',
      remarks: 'The control operated: every criterion it covers was evaluated and the change met the policy.',
    };
  }
  return {
    state: 'not-satisfied',
    reason: 'other',
    remarks: markup(
      `The gate let the change through although ${unevaluated.join(', ')} could not be evaluated (a covering scanner failed and the policy does not block on that): the change was not fully checked.`,
    ),
  };
}

/** The finding about the gate operating on this change, linked to what it blocked on. */
export function gateActivityFinding(
  report: JsonReport,
  ctx: {
    runUuid: (name: string) => string;
    platformUuid: string;
    gateUuid: string;
    objectiveId: string;
    criterion: string;
  },
  observationUuids: ReadonlyMap<string, string>,
): Json {
  const blocking = report.controls.filter((c) => c.blocking);
  const related = [
    ...new Set(blocking.flatMap((c) => c.findings.flatMap((fp) => observationUuids.get(fp) ?? []))),
  ];
  const what =
    report.decision === 'block'
      ? `blocked the change: ${blocking.map((c) => c.id).join(', ')} failed in block mode`
      : 'passed the change';
  return compact({
    uuid: ctx.runUuid('finding/change-gate'),
    title: markupLine(
      `Change gate (${ctx.criterion} control activity): ${report.decision === 'block' ? 'blocked' : 'passed'}`,
    ),
    description: markup(
      `controlgate ran on the change and ${what}. This finding is about the gate operating, the control activity for ${ctx.criterion}; the per-criterion findings are about the change's content.`,
    ),
    props: props([
      ['criterion', ctx.criterion],
      ['decision', report.decision],
      ['exit-code', report.exitCode],
      ...blocking.map((c) => ['blocked-by', c.id] as const),
    ]),
    origins: [{ actors: [{ type: 'assessment-platform', 'actor-uuid': ctx.platformUuid }] }],
    target: {
      type: 'objective-id',
      'target-id': ctx.objectiveId,
      title: markupLine(
        `${ctx.criterion}: every change is checked against security policy and stopped if it fails`,
      ),
      status: gateStatus(report),
      'implementation-status': { state: 'implemented' },
    },
    'related-observations': related.map((uuid) => ({
      'observation-uuid': uuid,
      remarks: 'A finding the gate blocked the change on.',
    })),
  });
}
