import type { LastPushFact, ReviewFact } from '../../change-management/facts.ts';
import { int, isJson, type Json, text, timeOf, username } from './api-values.ts';

/*
 * GitLab keeps no review objects: an approval is a flag on the merge request, and the only record
 * of when it was given is the system note GitLab writes ("approved this merge request"). The head
 * it was given on is not recorded either; the merge request's diff versions (one per push) say
 * which head was current at that moment.
 */

const APPROVED = 'approved this merge request';
const UNAPPROVED = 'unapproved this merge request';

interface Approval {
  at: string | null;
}

function byTime(a: Json, b: Json): number {
  const diff = timeOf(text(a.created_at)) - timeOf(text(b.created_at));
  return Number.isNaN(diff) || diff === 0 ? (int(a.id) ?? 0) - (int(b.id) ?? 0) : diff;
}

/** Each user's standing approval from the system notes: the last approval not since withdrawn. */
function approvalsFromNotes(notes: readonly Json[]): Map<string, Approval> {
  const standing = new Map<string, Approval>();
  for (const note of [...notes].sort(byTime)) {
    if (note.system !== true) continue;
    const who = username(note.author);
    const body = text(note.body)?.trim();
    if (who === null) continue;
    if (body === APPROVED) standing.set(who, { at: text(note.created_at) });
    else if (body === UNAPPROVED) standing.delete(who);
  }
  return standing;
}

/**
 * The head of the newest version created at or before `at`; null when no version is that old.
 * When the time is unknown, only a merge request that never had another head says which.
 */
function headAt(versions: readonly Json[] | undefined, at: string | null): string | null {
  if (versions === undefined) return null;
  if (at === null) {
    const heads = new Set(versions.map((v) => text(v.head_commit_sha)));
    return heads.size === 1 ? ([...heads][0] ?? null) : null;
  }
  const when = timeOf(at);
  let head: string | null = null;
  let newest = Number.NEGATIVE_INFINITY;
  for (const v of versions) {
    const created = timeOf(text(v.created_at));
    if (Number.isNaN(created) || created > when || created < newest) continue;
    newest = created;
    head = text(v.head_commit_sha);
  }
  return head;
}

/**
 * The approvals as reviews. `approvedBy` (the approvals API) says who approves now; the notes say
 * since when; the versions, on which head. Without the approvals API the notes alone say who,
 * which misses approvals GitLab reset on a push (it writes no note for those).
 */
export function approvalReviews(
  approvedBy: readonly string[] | undefined,
  notes: readonly Json[] | undefined,
  versions: readonly Json[] | undefined,
): ReviewFact[] {
  const fromNotes = approvalsFromNotes(notes ?? []);
  const who = approvedBy ?? (notes ? [...fromNotes.keys()] : []);
  const reviews = [...new Set(who)].map((reviewer): ReviewFact => {
    const at = fromNotes.get(reviewer)?.at ?? null;
    return { reviewer, state: 'approved', commitSha: headAt(versions, at), submittedAt: at };
  });
  // Oldest first, as a platform lists reviews; those with no known time last.
  return reviews.sort((a, b) => {
    const ta = timeOf(a.submittedAt);
    const tb = timeOf(b.submittedAt);
    if (Number.isNaN(ta) !== Number.isNaN(tb)) return Number.isNaN(ta) ? 1 : -1;
    return ta - tb || 0 || a.reviewer.localeCompare(b.reviewer);
  });
}

/**
 * Who pushed the merged head: the project's push event whose last commit is the head. Events
 * expire (GitLab keeps them three years) and a token may not see them; then the merge request's
 * newest version says when, but not who.
 */
export function lastPushOf(
  headSha: string,
  sourceBranch: string | null,
  events: readonly Json[] | undefined,
  versions: readonly Json[] | undefined,
): LastPushFact | null {
  // Only pushes to the merge request's branch: a fast-forward merge puts the same head on the
  // target branch, and that push is the merger's.
  const pushes = (events ?? []).filter(
    (e) =>
      isJson(e.push_data) &&
      e.push_data.commit_to === headSha &&
      (sourceBranch === null || e.push_data.ref === sourceBranch),
  );
  const push = pushes.sort(byTime).at(-1);
  if (push) {
    return {
      sha: headSha,
      at: text(push.created_at),
      by: text(push.author_username) ?? username(push.author),
      source: 'push event',
    };
  }
  const version = [...(versions ?? [])].sort(byTime).at(-1);
  if (!version) return null;
  return {
    sha: headSha,
    at: text(version.created_at),
    by: null,
    source:
      "the merge request's newest version (no push event for the head: GitLab does not say who pushed it)",
  };
}
