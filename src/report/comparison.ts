import type { JsonReport } from './json-report-schema.ts';

/** The comparison facts of a report that was compared with (or failed to reach) a base. */
export type BaselineFacts = NonNullable<JsonReport['baseline']>;
export type FixedFinding = JsonReport['fixed'][number];
type Control = JsonReport['controls'][number];

/**
 * How a channel makes outside text safe: `text` for prose (reasons, error messages), `code` for
 * names shown as code (refs, commits, scanner ids, paths). The wording below is shared so the
 * terminal, the comment and the HTML report say the same thing; only the escaping differs.
 */
export interface Inline {
  text(value: string): string;
  code(value: string): string;
}

/** What a finding is relative to the base, for people: the change added it, or it predates it. */
export type ChangeState = 'new' | 'existing';

/** The label of a head finding, or null when there was nothing to compare with. */
export function changeState(
  f: Pick<JsonReport['findings'][number], 'baselineState'>,
  baseline: JsonReport['baseline'],
): ChangeState | null {
  if (baseline?.status !== 'compared' || f.baselineState === null) return null;
  return f.baselineState === 'unchanged' ? 'existing' : 'new';
}

/** New first: what the change adds is what a reviewer must act on. */
export function stateRank(state: ChangeState | null): number {
  return state === 'existing' ? 1 : 0;
}

/** The first 8 hex digits, as `git log --oneline` users recognise a commit. */
export function shortSha(sha: string): string {
  return sha.slice(0, 8);
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** What the findings were compared with: the base ref and merge base, and/or an earlier bundle. */
function comparedWith(b: BaselineFacts, fmt: Inline): string {
  const ref =
    b.baseRef !== null
      ? `${fmt.code(b.baseRef)}${b.mergeBase ? ` (merge base ${fmt.code(shortSha(b.mergeBase))})` : ''}`
      : '';
  const bundle = b.bundle ? `the baseline bundle ${fmt.code(b.bundle.location)}` : '';
  if (ref && bundle) return `${ref}, base findings from ${bundle}`;
  return ref || bundle || 'the base';
}

/**
 * The one-line header: "Compared with main (merge base 1a2b3c4d): 3 changed files · 2 new ·
 * 5 existing · 1 fixed." or, when the base could not be had, why and that everything was judged.
 */
export function comparisonHeadline(b: BaselineFacts, fmt: Inline): string {
  if (b.status === 'unavailable') {
    const reason = b.reason ? `: ${fmt.text(b.reason)}` : '';
    return `Not compared with the base${reason}. Every finding was judged, as without a base.`;
  }
  const parts = [
    // Without a ref (a bundle alone) git was not asked what changed, so no file count.
    ...(b.baseRef !== null ? [count(b.changedFiles.length, 'changed file')] : []),
    `${b.counts.new} new`,
    `${b.counts.unchanged} existing`,
    `${b.counts.fixed} fixed`,
  ];
  return `Compared with ${comparedWith(b, fmt)}: ${parts.join(' · ')}.`;
}

/** What the gate judged, in our words only; empty when the base was unavailable (the headline says it). */
export function judgedNote(b: BaselineFacts): string {
  if (b.status === 'unavailable') return '';
  return b.judged === 'new'
    ? 'Only new findings can fail a criterion; existing ones are reported, not judged.'
    : 'Mode full: every finding is judged, new and existing alike; the labels only say what this change added.';
}

/**
 * Warnings under the headline: one sentence per scanner whose base could not be scanned (its
 * findings all count as new). The change's edits to the gate's own policy are said first, by
 * policy-notes.ts: the base's policy judged it, and the edits apply after merge.
 */
export function comparisonNotes(b: BaselineFacts, fmt: Inline): string[] {
  if (b.status !== 'compared') return [];
  const notCompared = b.scanners
    .filter((s) => !s.compared)
    .map(
      (s) =>
        `${fmt.code(s.id)} was not compared${s.reason ? ` (${fmt.text(s.reason)})` : ''}: all its findings count as new.`,
    );
  return notCompared;
}

/** Criteria with findings at or above their threshold that predate the change, with how many. */
export function existingPerCriterion(controls: readonly Control[]): { control: Control; count: number }[] {
  return controls
    .map((control) => ({ control, count: new Set(control.existing).size }))
    .filter((e) => e.count > 0);
}

/** The fingerprints of existing debt over all criteria, each once. */
export function existingFingerprints(controls: readonly Control[]): Set<string> {
  return new Set(controls.flatMap((c) => c.existing));
}
