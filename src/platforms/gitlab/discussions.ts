import { readReviewMarker, reviewMarkerKey } from '../../report/markdown/review-comment.ts';
import type { ReviewComment, ReviewOutcome } from '../types.ts';
import type { GitlabClient } from './client.ts';
import { GitlabApiError } from './requester.ts';

/** More discussions than any merge request has; gitbeaker stops following "next" links there. */
const MAX_PAGES = 100;
const PER_PAGE = 100;

/** The merge request's diff versions: where a diff note's position is anchored. */
interface DiffRefs {
  base_sha: string;
  start_sha: string;
  head_sha: string;
}

/** One of our diff discussions as GitLab holds it (its first note is ours). */
interface Ours {
  discussionId: string;
  noteId: number;
  body: string;
  resolved: boolean;
  path: string | null;
  line: number | null;
}

interface NoteShape {
  id?: unknown;
  body?: unknown;
  author?: { id?: unknown } | null;
  resolved?: unknown;
  position?: { new_path?: unknown; new_line?: unknown } | null;
}

/**
 * Whether a stored note says what we would write. A new discussion's body goes as a form field
 * (gitbeaker sends a position as one), whose line breaks travel as CRLF, and GitLab may trim it.
 */
function sameText(stored: string, wanted: string): boolean {
  const plain = (text: string) => text.replace(/\r\n/g, '\n').trimEnd();
  return plain(stored) === plain(wanted);
}

function isSha(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{40}$/.test(value);
}

// gitbeaker's types describe what GitLab should send; what a proxy or a broken server sends is checked.
async function diffRefs(gitlab: GitlabClient, project: string | number, iid: number): Promise<DiffRefs> {
  const mr = (await gitlab.mergeRequests.show(project, iid)) as { diff_refs?: Partial<DiffRefs> | null };
  const refs = mr.diff_refs;
  if (!refs || !isSha(refs.base_sha) || !isSha(refs.start_sha) || !isSha(refs.head_sha))
    throw new GitlabApiError('GitLab answered the merge request without its diff_refs');
  return { base_sha: refs.base_sha, start_sha: refs.start_sha, head_sha: refs.head_sha };
}

/** Our discussions (our user, our marker with this key on the first note), by problem fingerprint, oldest first. */
async function listOurs(
  gitlab: GitlabClient,
  project: string | number,
  iid: number,
  key: string,
): Promise<Map<string, Ours[]>> {
  const all: unknown = await gitlab.discussions.all(project, iid, { perPage: PER_PAGE, maxPages: MAX_PAGES });
  if (!Array.isArray(all))
    throw new GitlabApiError('GitLab answered the list of discussions with something else');
  const ours = new Map<string, Ours[]>();
  let me: number | undefined;
  for (const item of all as Array<{ id?: unknown; notes?: unknown }>) {
    const first = (Array.isArray(item?.notes) ? item.notes[0] : undefined) as NoteShape | undefined;
    const marker = readReviewMarker(typeof first?.body === 'string' ? first.body : '');
    if (
      !first ||
      !marker ||
      marker.key !== key ||
      typeof item.id !== 'string' ||
      typeof first.id !== 'number'
    )
      continue;
    // Project access tokens post as a bot user: only its notes are ever edited or resolved. Who that
    // is is asked once, and only when a note carries our marker.
    me ??= ((await gitlab.users.showCurrentUser()) as { id?: unknown }).id as number;
    if (typeof me !== 'number') throw new GitlabApiError('GitLab answered "who am I" with something else');
    if (first.author?.id !== me) continue;
    const list = ours.get(marker.fingerprint) ?? [];
    list.push({
      discussionId: item.id,
      noteId: first.id,
      body: String(first.body),
      resolved: first.resolved === true,
      path: typeof first.position?.new_path === 'string' ? first.position.new_path : null,
      line: typeof first.position?.new_line === 'number' ? first.position.new_line : null,
    });
    ours.set(
      marker.fingerprint,
      list.sort((a, b) => a.noteId - b.noteId),
    );
  }
  return ours;
}

/**
 * Makes the gate's diff discussions on the merge request match `wanted`: one per problem, anchored
 * on the head's line with the merge request's diff_refs, its note edited when the text changed, and
 * resolved once the problem is gone (or moved: a new one is made where it is now). A comment sits
 * on its last line; a multi-line suggestion reaches the lines above it. Discussions without our
 * marker and key, or started by anyone else, are never touched; a rerun with the same problems only
 * reads.
 */
export async function syncGitlabDiscussions(
  gitlab: GitlabClient,
  t: { project: string | number; iid: number; headSha: string },
  commentKey: string,
  wanted: readonly ReviewComment[],
): Promise<ReviewOutcome> {
  const key = reviewMarkerKey(commentKey);
  const outcome: ReviewOutcome = { created: 0, updated: 0, unchanged: 0, resolved: 0 };
  const ours = await listOurs(gitlab, t.project, t.iid, key);
  const keep = new Set<string>();
  const refused: string[] = [];
  let refs: DiffRefs | undefined;
  for (const w of wanted) {
    const existing = (ours.get(w.fingerprint) ?? []).find(
      (c) => !c.resolved && c.path === w.path && c.line === w.endLine,
    );
    if (existing) {
      keep.add(existing.discussionId);
      if (sameText(existing.body, w.body)) {
        outcome.unchanged += 1;
        continue;
      }
      await gitlab.discussions.editNote(t.project, t.iid, existing.discussionId, existing.noteId, {
        body: w.body,
      });
      outcome.updated += 1;
      continue;
    }
    refs ??= await diffRefs(gitlab, t.project, t.iid);
    // The lines were read from the scanned head: on a newer head they may be other lines.
    if (refs.head_sha !== t.headSha)
      throw new GitlabApiError(
        `the merge request's head is ${refs.head_sha.slice(0, 12)} now, not the scanned ${t.headSha.slice(0, 12)}: its pipeline comments instead`,
      );
    try {
      await gitlab.discussions.create(t.project, t.iid, w.body, {
        position: {
          // gitbeaker sends these as position[base_sha]… form fields.
          positionType: 'text',
          baseSha: refs.base_sha,
          startSha: refs.start_sha,
          headSha: refs.head_sha,
          oldPath: w.path,
          newPath: w.path,
          newLine: String(w.endLine),
        },
      });
      outcome.created += 1;
    } catch (error) {
      // A position GitLab cannot place (a line its diff does not show): the others still go.
      if (!(error instanceof GitlabApiError && error.status === 400)) throw error;
      refused.push(`${w.path}:${w.endLine}`);
    }
  }
  for (const list of ours.values()) {
    for (const c of list) {
      if (keep.has(c.discussionId) || c.resolved) continue;
      await gitlab.discussions.resolve(t.project, t.iid, c.discussionId, true);
      outcome.resolved += 1;
    }
  }
  if (refused.length > 0)
    throw new GitlabApiError(
      `GitLab refused ${refused.length} diff discussion${refused.length === 1 ? '' : 's'} (400, not on the diff it shows: ${refused.join(', ')}); the sticky note lists every problem (${outcome.created} created, ${outcome.updated} updated, ${outcome.unchanged} unchanged, ${outcome.resolved} resolved)`,
    );
  return outcome;
}
