import type { Inline } from './comparison.ts';
import type { JsonReport } from './json-report-schema.ts';

export type PolicyFacts = JsonReport['policy'];

/** A pull request can propose any number of policy edits; the report names the first ones. */
export const POLICY_CHANGES_SHOWN = 12;

export interface PolicyNote {
  /** One sentence: whose rules judged the run, and what the change proposes. */
  headline: string;
  /** One line per proposed difference (cut to POLICY_CHANGES_SHOWN, with a line saying so). */
  items: string[];
}

type PolicyChange = NonNullable<PolicyFacts['proposed']>['changes'][number];

function verb(change: PolicyChange, fmt: Inline): string {
  const key = fmt.code(change.key);
  if (change.change === 'added') return `${key} added: ${fmt.code(change.after ?? '')}`;
  if (change.change === 'removed') return `${key} removed (was ${fmt.code(change.before ?? '')})`;
  const word = change.change === 'extended' ? 'extended' : 'changed';
  return `${key} ${word}: ${fmt.code(change.before ?? '')} → ${fmt.code(change.after ?? '')}`;
}

/**
 * What the reports say first about the gate's own rules: nothing when the run was judged by its
 * checkout's policy and nobody proposed another; otherwise whose policy judged the change and what
 * the change proposes, which applies only after merge. Text from the repository goes through `fmt`.
 */
export function policyNote(policy: PolicyFacts, fmt: Inline): PolicyNote | undefined {
  const proposed = policy.proposed;
  const commit = policy.commit ? fmt.code(policy.commit.slice(0, 12)) : 'the base';
  if (policy.unverified)
    return {
      headline: `The policy could not be read from the change's base (${fmt.text(policy.unverified)}): this run used the checkout's own, which the change could have edited.`,
      items: [],
    };
  if (policy.source !== 'head' && (policy.source === 'worktree' || proposed === null)) return undefined;
  const changes = proposed?.changes ?? [];
  const items = changes.slice(0, POLICY_CHANGES_SHOWN).map((c) => verb(c, fmt));
  if (changes.length > POLICY_CHANGES_SHOWN)
    items.push(`…and ${changes.length - POLICY_CHANGES_SHOWN} more (see controlgate.json, policy.proposed)`);
  if (policy.source === 'head') {
    return {
      headline: `Judged by this change's own policy, as asked (--policy-from-head, a local experiment); CI judges every change by its base's policy (${commit})${changes.length > 0 ? ', which differs:' : '.'}`,
      items,
    };
  }
  if (proposed?.invalid) {
    return {
      headline: `This change's own policy is invalid, so it was not applied and could not apply after merge either: ${fmt.text(proposed.invalid)}. The policy at the base commit ${commit} judged this change.`,
      items: [],
    };
  }
  return {
    headline: `This change proposes ${changes.length} ${changes.length === 1 ? 'change' : 'changes'} to the gate's own policy. ${changes.length === 1 ? 'It applies' : 'They apply'} after review and merge, not to this change, which the policy at the base commit ${commit} judged:`,
    items,
  };
}
