import type {
  ChangeFacts,
  ChangeFactsRequest,
  CommitFact,
  PolicyFileFact,
} from '../../change-management/facts.ts';
import { isJson, type Json, listOf, objectOf, reason, statusOf, text, username } from './api-values.ts';
import { approvalReviews, lastPushOf } from './approval-history.ts';
import type { GitlabClient } from './client.ts';
import { codeOwnersAt, fileAt, ownerGroups, ownerNames } from './code-owners.ts';
import { gateJobsOn, requiredCheckOf, requiredForGate } from './gate-jobs.ts';
import { GitlabApiError } from './requester.ts';

/*
 * What GitLab's API says about one merge request, for its merge record. Only the merge request
 * itself must be readable; every other part the token cannot read becomes a gap (and that part of
 * the record "unknown") rather than a failure, since an auditor learns from a partial record too.
 */

const PER_PAGE = 100;
const MAX_PAGES = 100;
/** Push events are listed newest first; the head's push is recent when the record is made at merge. */
const EVENT_PAGES = 10;

/** Reads parts that may fail, keeping their gaps in the order the parts were asked for. */
class Parts {
  readonly #slots: string[][] = [];

  async read<T>(what: string, read: () => Promise<T>): Promise<T | undefined> {
    const slot: string[] = [];
    this.#slots.push(slot);
    try {
      return await read();
    } catch (error) {
      slot.push(`${what}: ${reason(error)}`);
      return undefined;
    }
  }

  /** A slot for gaps a part records itself. */
  slot(): string[] {
    const slot: string[] = [];
    this.#slots.push(slot);
    return slot;
  }

  gaps(): string[] {
    return this.#slots.flat();
  }
}

/** The UTC date (YYYY-MM-DD) of the day after `iso`; undefined when it is not a time. */
function dayAfter(iso: string): string | undefined {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? undefined : new Date(at + 86_400_000).toISOString().slice(0, 10);
}

function usernames(approvals: unknown): string[] {
  const list = objectOf(approvals, "the merge request's approvals").approved_by;
  if (!Array.isArray(list)) return [];
  return list
    .map((a: unknown) => (isJson(a) ? username(a.user) : null))
    .filter((u): u is string => u !== null);
}

function commitOf(commit: Json): CommitFact | null {
  const sha = text(commit.id);
  if (sha === null) return null;
  // GitLab names commit authors by name and email only; it links no account to them.
  return {
    sha,
    author: null,
    committer: null,
    date: text(commit.committed_date) ?? text(commit.authored_date) ?? text(commit.created_at),
  };
}

function pathsOf(diffs: readonly Json[]): string[] {
  const paths = new Set<string>();
  for (const d of diffs) {
    for (const p of [text(d.old_path), text(d.new_path)]) if (p !== null) paths.add(p);
  }
  return [...paths];
}

/** Every path the change touched: the paginated diffs, or /changes on a GitLab older than 15.7. */
async function changedFilesOf(
  gitlab: GitlabClient,
  project: string | number,
  iid: number,
): Promise<string[]> {
  try {
    const diffs = await gitlab.mergeRequests.allDiffs(project, iid, {
      perPage: PER_PAGE,
      maxPages: MAX_PAGES,
    });
    return pathsOf(listOf(diffs, "the merge request's diffs"));
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
  }
  const changes = objectOf(
    await gitlab.mergeRequests.showChanges(project, iid),
    "the merge request's changes",
  );
  // Past GitLab's diff limits the list is cut short; a partial list would hide a policy change.
  if (changes.overflow === true)
    throw new GitlabApiError('GitLab lists only part of the changed files (overflow)');
  return pathsOf(listOf(changes.changes, "the merge request's changes"));
}

async function policyFilesOf(
  gitlab: GitlabClient,
  project: string | number,
  request: ChangeFactsRequest,
  refs: { base: string | null; head: string },
  changed: readonly string[] | null,
  gaps: string[],
): Promise<PolicyFileFact[]> {
  const facts: PolicyFileFact[] = [];
  for (const { path, kind } of request.policyPaths) {
    if (changed !== null && !changed.includes(path)) continue;
    const read = async (ref: string | null, side: string): Promise<string | null> => {
      if (ref === null) {
        gaps.push(`policy file ${path} at the ${side}: GitLab gave no ${side} commit`);
        return null;
      }
      try {
        return await fileAt(gitlab, project, path, ref);
      } catch (error) {
        gaps.push(`policy file ${path} at the ${side}: ${reason(error)}`);
        return null;
      }
    };
    const base = await read(refs.base, 'base');
    const head = await read(refs.head, 'head');
    // Without the list of changed files, a file the same at both ends is taken as untouched.
    if (changed === null && base === head) continue;
    facts.push({ path, kind, base, head });
  }
  return facts;
}

/**
 * The facts of merge request `request.number` of `project` (its id or its path). Throws only when
 * the merge request itself cannot be read.
 */
export async function readGitlabChangeFacts(
  gitlab: GitlabClient,
  project: string | number,
  request: ChangeFactsRequest,
): Promise<ChangeFacts> {
  const iid = request.number;
  const mr = objectOf(await gitlab.mergeRequests.show(project, iid), 'the merge request');
  const refs = isJson(mr.diff_refs) ? mr.diff_refs : {};
  const baseSha = text(refs.base_sha);
  const headSha = text(mr.sha) ?? text(refs.head_sha);
  if (headSha === null) throw new GitlabApiError(`GitLab gave no head commit for merge request !${iid}`);

  const mergedAt = text(mr.merged_at);
  // Events are listed newest first: for a change merged long ago, start at its merge (GitLab's
  // `before` is a date, exclusive: the day after).
  const before = mergedAt === null ? undefined : dayAfter(mergedAt);
  const parts = new Parts();
  const pages = { perPage: PER_PAGE, maxPages: MAX_PAGES };
  const requiredGaps = parts.slot();
  const gateGaps = parts.slot();
  const [approvedBy, notes, versions, commits, events, changedFiles, gate, codeOwners, settings] =
    await Promise.all([
      parts.read('approvals', async () =>
        usernames(await gitlab.approvals.showConfiguration(project, { mergerequestIId: iid })),
      ),
      parts.read('approval times (system notes)', async () =>
        listOf(
          await gitlab.notes.all(project, iid, { sort: 'asc', orderBy: 'created_at', ...pages }),
          'the notes',
        ),
      ),
      parts.read('merge request versions', async () =>
        listOf(await gitlab.mergeRequests.allDiffVersions(project, iid), 'the versions'),
      ),
      parts.read('commits', async () =>
        listOf(await gitlab.mergeRequests.allCommits(project, iid, pages), 'the commits'),
      ),
      parts.read('push events', async () =>
        listOf(
          await gitlab.events.all({
            projectId: project,
            action: 'pushed',
            ...(before === undefined ? {} : { before }),
            perPage: PER_PAGE,
            maxPages: EVENT_PAGES,
          }),
          'the push events',
        ),
      ),
      parts.read('changed files', () => changedFilesOf(gitlab, project, iid)),
      parts.read(`gate job ${request.gateCheckName}`, () =>
        gateJobsOn(gitlab, project, iid, headSha, request.gateCheckName, gateGaps),
      ),
      parts.read('code owners', async () => {
        if (baseSha === null) throw new GitlabApiError('GitLab gave no base commit');
        return codeOwnersAt(gitlab, project, baseSha);
      }),
      requiredCheckOf(gitlab, project, requiredGaps),
    ]);
  const policyFiles = await policyFilesOf(
    gitlab,
    project,
    request,
    { base: baseSha, head: headSha },
    changedFiles ?? null,
    parts.slot(),
  );
  const unresolvedOwners: string[] = [];
  const ownerTeams = codeOwners
    ? await ownerGroups(gitlab, ownerNames(codeOwners.text), parts.slot(), unresolvedOwners)
    : {};

  return {
    platform: 'gitlab',
    repository: settings.path ?? String(project),
    number: iid,
    title: text(mr.title) ?? '',
    url: text(mr.web_url),
    author: username(mr.author),
    baseRef: text(mr.target_branch) ?? '',
    baseSha,
    headSha,
    mergeCommitSha: text(mr.merge_commit_sha) ?? text(mr.squash_commit_sha),
    merged: mr.state === 'merged',
    mergedBy: username(mr.merge_user) ?? username(mr.merged_by),
    mergedAt,
    // GitLab lists a merge request's commits newest first.
    commits: (commits ?? [])
      .map(commitOf)
      .filter((c): c is CommitFact => c !== null)
      .reverse(),
    lastPush: lastPushOf(headSha, text(mr.source_branch), events, versions),
    reviews: approvalReviews(approvedBy, notes, versions),
    changedFiles: changedFiles ?? null,
    policyFiles,
    codeOwners: codeOwners ?? null,
    ownerTeams,
    ...(unresolvedOwners.length > 0 ? { unresolvedOwners } : {}),
    gateChecks: gate?.checks ?? [],
    requiredCheck: requiredForGate(settings.required, gate, request.gateCheckName),
    gaps: parts.gaps(),
  };
}
