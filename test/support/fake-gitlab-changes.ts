import { type Answer, HttpError, type RecordedRequest } from './fake-api-server.ts';

/*
 * The fake GitLab's change-management data: merged merge requests with their approvals, system
 * notes, versions, commits and diffs; files by ref; groups' members; the project's settings;
 * pipelines and jobs (with artifact zips); push events. FakeGitLab asks `route()` first and serves
 * what it does not answer.
 *
 * Behaviour copied from GitLab's REST API v4 (docs.gitlab.com/api/merge_requests/, /api/jobs/, …):
 * - Lists are paginated with FakeGitLab's headers; merge requests, commits, events, pipelines and
 *   jobs come newest first; notes oldest first only when asked (sort=asc), as FakeGitLab's do.
 * - A merge request's `sha` is its head; diff_refs.base_sha its base; merged ones have merged_at,
 *   merged_by and merge_user.
 * - Approvals leave system notes ("approved this merge request", "unapproved this merge request")
 *   and GET …/approvals lists the current approvers in approved_by[].user.
 * - GET repository/files/:path answers JSON with base64 content, …/raw the text; 404
 *   `{"message":"404 File Not Found"}` when the file is not at that ref.
 * - GET groups/:id/members/all: the members (inherited included); 404 `404 Group Not Found`.
 * - GET merge_requests/:iid/pipelines: the merge request's pipelines (merged-results ones run on a
 *   merge commit, ref refs/merge-requests/:iid/merge); GET repository/commits/:sha its parent_ids.
 * - GET projects/:id/events: push events newest first, within `before` / `after` (dates, exclusive).
 * - GET projects/:id/jobs lists the project's jobs newest first (the `scope[]` filter is ignored:
 *   the fake's query keeps one value per key); GET jobs/:id/artifacts the zip, 404 when there is
 *   none or it expired.
 */

export interface FakeUser {
  id: number;
  username: string;
  name: string;
  state: 'active';
  avatar_url: null;
  web_url: string;
}

export interface MergeRequestSeed {
  iid: number;
  title?: string;
  author: string;
  targetBranch?: string;
  sourceBranch?: string;
  baseSha: string;
  headSha: string;
  /** Default 'merged'. */
  state?: 'merged' | 'opened' | 'closed';
  createdAt?: string;
  mergedAt?: string | null;
  mergedBy?: string | null;
  mergeCommitSha?: string | null;
  squashCommitSha?: string | null;
  /** Default: mergedAt, else createdAt. */
  updatedAt?: string;
}

export interface CommitSeed {
  sha: string;
  authorName?: string;
  authorEmail?: string;
  date: string;
}

export interface JobSeed {
  name: string;
  status: 'success' | 'failed' | 'canceled' | 'skipped' | 'manual' | 'running' | 'pending' | 'created';
  sha: string;
  user?: string;
  createdAt: string;
  finishedAt?: string | null;
  allowFailure?: boolean;
  /** The artifacts zip's bytes, when the job uploaded some. */
  artifacts?: Uint8Array;
  artifactsExpireAt?: string | null;
  /**
   * Where the artifacts download redirects to (object storage, as GitLab does when it does not
   * proxy downloads): GET …/artifacts answers 302 with this location.
   */
  artifactsRedirect?: string;
  /** A retried job (hidden by include_retried=false, as GitLab hides it). */
  retried?: boolean;
  /** The pipeline to put it in; default a new one for `sha`. */
  pipelineId?: number;
}

interface MergeRequestState {
  seed: MergeRequestSeed;
  approvedBy: string[];
  notes: Record<string, unknown>[];
  versions: Record<string, unknown>[];
  commits: CommitSeed[];
  diffs: { old_path: string; new_path: string }[] | null;
}

interface PipelineState {
  id: number;
  sha: string;
  createdAt: string;
  ref: string;
  /** The merge request it ran for (listed by GET merge_requests/:iid/pipelines). */
  mergeRequestIid: number | undefined;
}

interface JobState extends JobSeed {
  id: number;
  pipelineId: number;
}

/** What FakeGitLab lends the routes: its pagination and the project's path. */
export interface FakeGitLabHost {
  page<T>(r: RecordedRequest, items: T[]): Answer;
  projectPath(id: number): string;
}

const WEB = 'https://gitlab.example.com';

function userOf(username: string): FakeUser {
  let id = 0;
  for (const c of username) id = (id * 31 + c.charCodeAt(0)) % 1_000_000;
  return {
    id: 100_000 + id,
    username,
    name: username,
    state: 'active',
    avatar_url: null,
    web_url: `${WEB}/${username}`,
  };
}

function byTimeDesc<T>(items: T[], at: (item: T) => string): T[] {
  return [...items].sort((a, b) => Date.parse(at(b)) - Date.parse(at(a)));
}

export class FakeGitLabChanges {
  /** The project setting "pipelines must succeed"; undefined leaves the field out. */
  pipelinesMustSucceed: boolean | undefined = false;
  readonly #mrs = new Map<number, MergeRequestState>();
  /** `${ref}:${path}` → text. */
  readonly #files = new Map<string, string>();
  readonly #groups = new Map<string, string[]>();
  readonly #jobs: JobState[] = [];
  readonly #pipelines: PipelineState[] = [];
  /** Commit → parent commits (GET repository/commits/:sha). */
  readonly #parents = new Map<string, string[]>();
  readonly #events: Record<string, unknown>[] = [];
  #nextId = 5_000_001;

  /** A merge request (merged unless `state` says otherwise). */
  addMergeRequest(seed: MergeRequestSeed): void {
    this.#mrs.set(seed.iid, { seed, approvedBy: [], notes: [], versions: [], commits: [], diffs: null });
  }

  /** `username` approves at `at`: approved_by and the system note GitLab writes. */
  approve(iid: number, username: string, at: string): void {
    const mr = this.#mr(iid);
    if (!mr.approvedBy.includes(username)) mr.approvedBy.push(username);
    this.#systemNote(mr, username, 'approved this merge request', at);
  }

  /** `username` withdraws an approval at `at`. */
  unapprove(iid: number, username: string, at: string): void {
    const mr = this.#mr(iid);
    mr.approvedBy = mr.approvedBy.filter((u) => u !== username);
    this.#systemNote(mr, username, 'unapproved this merge request', at);
  }

  /** A push to the merge request: a new diff version with this head at `at`. */
  pushVersion(iid: number, headSha: string, at: string): void {
    const mr = this.#mr(iid);
    mr.versions.push({
      id: this.#nextId++,
      head_commit_sha: headSha,
      base_commit_sha: mr.seed.baseSha,
      start_commit_sha: mr.seed.baseSha,
      created_at: at,
      merge_request_id: 90_000 + iid,
      state: 'collected',
      real_size: '1',
      patch_id_sha: null,
    });
  }

  /** The merge request's commits, oldest first (served newest first, as GitLab does). */
  setCommits(iid: number, commits: CommitSeed[]): void {
    this.#mr(iid).commits = commits;
  }

  /** The paths the merge request changes: a path, or [old, new] for a rename. */
  setDiffs(iid: number, files: (string | [string, string])[]): void {
    this.#mr(iid).diffs = files.map((f) =>
      typeof f === 'string' ? { old_path: f, new_path: f } : { old_path: f[0], new_path: f[1] },
    );
  }

  /** A file's text at a commit (or branch). */
  setFile(ref: string, path: string, text: string): void {
    this.#files.set(`${ref}:${path}`, text);
  }

  /** A group (full path, e.g. acme/security) and its members' usernames. */
  setGroupMembers(path: string, usernames: string[]): void {
    this.#groups.set(path.toLowerCase(), usernames);
  }

  /** A push event: `author` pushed commits ending at `commitTo`. */
  addPushEvent(event: { commitTo: string; author: string; at: string; ref?: string }): void {
    const user = userOf(event.author);
    this.#events.push({
      id: this.#nextId++,
      project_id: 0,
      action_name: 'pushed to',
      target_id: null,
      target_type: null,
      author_id: user.id,
      author: user,
      author_username: event.author,
      created_at: event.at,
      push_data: {
        commit_count: 1,
        action: 'pushed',
        ref_type: 'branch',
        commit_from: null,
        commit_to: event.commitTo,
        ref: event.ref ?? 'feature',
        commit_title: 'A commit',
        ref_count: null,
      },
    });
  }

  /**
   * A pipeline for `sha`; its id. A merged-results pipeline runs on a merge commit, with ref
   * refs/merge-requests/:iid/merge and `mergeRequestIid` set.
   */
  addPipeline(
    sha: string,
    createdAt: string,
    options: { ref?: string; mergeRequestIid?: number } = {},
  ): number {
    const id = this.#nextId++;
    this.#pipelines.push({
      id,
      sha,
      createdAt,
      ref: options.ref ?? 'feature',
      mergeRequestIid: options.mergeRequestIid,
    });
    return id;
  }

  /** A commit's parents, as GET repository/commits/:sha gives them in parent_ids. */
  setCommitParents(sha: string, parents: string[]): void {
    this.#parents.set(sha, parents);
  }

  /** A job (in a new pipeline for its sha unless `pipelineId` says one); its id. */
  addJob(seed: JobSeed): number {
    const pipelineId = seed.pipelineId ?? this.addPipeline(seed.sha, seed.createdAt);
    const id = this.#nextId++;
    this.#jobs.push({ ...seed, id, pipelineId });
    return id;
  }

  /** Serves the request if it is one of these routes; undefined lets FakeGitLab serve it. */
  route(
    r: RecordedRequest,
    parts: string[],
    project: number | undefined,
    host: FakeGitLabHost,
  ): Answer | undefined {
    if (r.method !== 'GET') return undefined;
    if (parts[0] === 'groups' && parts.length === 4 && parts[2] === 'members' && parts[3] === 'all') {
      const members = this.#groups.get((parts[1] ?? '').toLowerCase());
      if (!members) throw new HttpError(404, { message: '404 Group Not Found' });
      return host.page(
        r,
        members.map((u) => ({
          ...userOf(u),
          access_level: 30,
          expires_at: null,
          membership_state: 'active',
        })),
      );
    }
    if (parts[0] !== 'projects' || project === undefined) return undefined;
    const rest = parts.slice(2);
    if (rest.length === 0) return { status: 200, payload: this.#project(project, host) };
    if (rest[0] === 'merge_requests') return this.#routeMergeRequests(r, project, rest.slice(1), host);
    if (rest[0] === 'repository' && rest[1] === 'files' && rest.length >= 3)
      return this.#file(r, rest.slice(2));
    // The merge requests a commit belongs to: its merge or squash commit, or its head.
    if (
      rest[0] === 'repository' &&
      rest[1] === 'commits' &&
      rest.length === 4 &&
      rest[3] === 'merge_requests'
    ) {
      const sha = rest[2] ?? '';
      const list = [...this.#mrs.values()]
        .filter((mr) => [mr.seed.mergeCommitSha, mr.seed.squashCommitSha, mr.seed.headSha].includes(sha))
        .map((mr) => this.#mergeRequestJson(mr.seed, project, host));
      return host.page(r, list);
    }
    if (rest[0] === 'repository' && rest[1] === 'commits' && rest.length === 3) {
      const parents = this.#parents.get(rest[2] ?? '');
      if (!parents) throw new HttpError(404, { message: '404 Commit Not Found' });
      return {
        status: 200,
        payload: { id: rest[2], short_id: rest[2]?.slice(0, 8), title: 'Merge', parent_ids: parents },
      };
    }
    if (rest[0] === 'events' && rest.length === 1) {
      // `before` / `after` are dates (YYYY-MM-DD), both exclusive.
      const before = r.query.before ? Date.parse(r.query.before) : Number.POSITIVE_INFINITY;
      const after = r.query.after ? Date.parse(r.query.after) + 86_400_000 : Number.NEGATIVE_INFINITY;
      const events = (r.query.action === 'pushed' || r.query.action === undefined ? this.#events : []).filter(
        (e) => Date.parse(String(e.created_at)) < before && Date.parse(String(e.created_at)) >= after,
      );
      return host.page(
        r,
        byTimeDesc(events, (e) => String(e.created_at)),
      );
    }
    if (rest[0] === 'pipelines' && rest.length === 1) {
      const list = this.#pipelines
        .filter((p) => r.query.sha === undefined || p.sha === r.query.sha)
        .sort((a, b) => b.id - a.id)
        .map((p) => this.#pipelineJson(p, project, host));
      return host.page(r, list);
    }
    if (rest[0] === 'pipelines' && rest[2] === 'jobs' && rest.length === 3) {
      const id = Number(rest[1]);
      if (!this.#pipelines.some((p) => p.id === id)) throw new HttpError(404, { message: '404 Not found' });
      const retried = r.query.include_retried === 'true';
      const jobs = this.#jobs.filter((j) => j.pipelineId === id && (retried || !j.retried));
      return host.page(
        r,
        jobs.sort((a, b) => b.id - a.id).map((j) => this.#jobJson(j, project, host)),
      );
    }
    if (rest[0] === 'jobs' && rest.length === 1) {
      return host.page(
        r,
        [...this.#jobs].sort((a, b) => b.id - a.id).map((j) => this.#jobJson(j, project, host)),
      );
    }
    if (rest[0] === 'jobs' && rest[2] === 'artifacts' && rest.length === 3) {
      const job = this.#jobs.find((j) => j.id === Number(rest[1]));
      const expired = job?.artifactsExpireAt ? Date.parse(job.artifactsExpireAt) <= Date.now() : false;
      if (!job?.artifacts || expired) throw new HttpError(404, { message: '404 Not found' });
      if (job.artifactsRedirect) return { status: 302, headers: { location: job.artifactsRedirect } };
      return {
        status: 200,
        payload: job.artifacts,
        headers: { 'content-disposition': 'attachment; filename="artifacts.zip"' },
      };
    }
    return undefined;
  }

  #mr(iid: number): MergeRequestState {
    const mr = this.#mrs.get(iid);
    if (!mr) throw new Error(`FakeGitLabChanges: no merge request !${iid}`);
    return mr;
  }

  #systemNote(mr: MergeRequestState, username: string, body: string, at: string): void {
    mr.notes.push({
      id: this.#nextId++,
      type: null,
      body,
      attachment: null,
      author: userOf(username),
      created_at: at,
      updated_at: at,
      system: true,
      noteable_id: 90_000 + mr.seed.iid,
      noteable_type: 'MergeRequest',
      project_id: 0,
      resolvable: false,
      confidential: false,
      internal: false,
      noteable_iid: mr.seed.iid,
    });
  }

  #project(project: number, host: FakeGitLabHost): Record<string, unknown> {
    const path = host.projectPath(project);
    return {
      id: project,
      name: path.split('/').at(-1),
      path_with_namespace: path,
      default_branch: 'main',
      web_url: `${WEB}/${path}`,
      merge_method: 'merge',
      ...(this.pipelinesMustSucceed === undefined
        ? {}
        : { only_allow_merge_if_pipeline_succeeds: this.pipelinesMustSucceed }),
      allow_merge_on_skipped_pipeline: false,
      only_allow_merge_if_all_discussions_are_resolved: false,
    };
  }

  #mergeRequestJson(mr: MergeRequestSeed, project: number, host: FakeGitLabHost): Record<string, unknown> {
    const state = mr.state ?? 'merged';
    const createdAt = mr.createdAt ?? '2026-01-01T00:00:00.000Z';
    const mergedAt = state === 'merged' ? (mr.mergedAt ?? null) : null;
    const mergedBy = state === 'merged' && mr.mergedBy ? userOf(mr.mergedBy) : null;
    return {
      id: 90_000 + mr.iid,
      iid: mr.iid,
      project_id: project,
      title: mr.title ?? `Change ${mr.iid}`,
      description: '',
      state,
      created_at: createdAt,
      updated_at: mr.updatedAt ?? mergedAt ?? createdAt,
      merged_by: mergedBy,
      merge_user: mergedBy,
      merged_at: mergedAt,
      closed_by: null,
      closed_at: null,
      target_branch: mr.targetBranch ?? 'main',
      source_branch: mr.sourceBranch ?? `feature/${mr.iid}`,
      author: userOf(mr.author),
      source_project_id: project,
      target_project_id: project,
      sha: mr.headSha,
      merge_commit_sha: state === 'merged' ? (mr.mergeCommitSha ?? null) : null,
      squash_commit_sha: mr.squashCommitSha ?? null,
      diff_refs: { base_sha: mr.baseSha, start_sha: mr.baseSha, head_sha: mr.headSha },
      web_url: `${WEB}/${host.projectPath(project)}/-/merge_requests/${mr.iid}`,
    };
  }

  #routeMergeRequests(
    r: RecordedRequest,
    project: number,
    rest: string[],
    host: FakeGitLabHost,
  ): Answer | undefined {
    if (rest.length === 0) {
      const since = r.query.updated_after ? Date.parse(r.query.updated_after) : Number.NEGATIVE_INFINITY;
      const list = [...this.#mrs.values()]
        .map((mr) => this.#mergeRequestJson(mr.seed, project, host))
        .filter(
          (mr) =>
            (r.query.state === undefined || r.query.state === 'all' || mr.state === r.query.state) &&
            (r.query.target_branch === undefined || mr.target_branch === r.query.target_branch) &&
            Date.parse(String(mr.updated_at)) >= since,
        );
      return host.page(
        r,
        byTimeDesc(list, (mr) => String(mr.created_at)),
      );
    }
    const mr = this.#mrs.get(Number(rest[0]));
    // Merge requests this class does not hold are FakeGitLab's own (review comments' tests).
    if (!mr || !/^\d+$/.test(rest[0] ?? '')) return undefined;
    const what = rest[1];
    if (rest.length === 1) return { status: 200, payload: this.#mergeRequestJson(mr.seed, project, host) };
    if (rest.length !== 2) return undefined;
    if (what === 'pipelines') {
      const list = this.#pipelines
        .filter((p) => p.mergeRequestIid === mr.seed.iid)
        .sort((a, b) => b.id - a.id)
        .map((p) => this.#pipelineJson(p, project, host));
      return host.page(r, list);
    }
    if (what === 'approvals') {
      return {
        status: 200,
        payload: {
          id: 90_000 + mr.seed.iid,
          iid: mr.seed.iid,
          project_id: project,
          state: mr.seed.state ?? 'merged',
          approved: mr.approvedBy.length > 0,
          approved_by: mr.approvedBy.map((u) => ({ user: userOf(u) })),
        },
      };
    }
    if (what === 'notes') {
      const asc = (r.query.sort ?? 'desc') === 'asc';
      const notes = byTimeDesc(mr.notes, (n) => String(n.created_at));
      return host.page(r, asc ? notes.reverse() : notes);
    }
    if (what === 'versions')
      return host.page(
        r,
        byTimeDesc(mr.versions, (v) => String(v.created_at)),
      );
    if (what === 'commits') {
      const commits = [...mr.commits].reverse().map((c) => ({
        id: c.sha,
        short_id: c.sha.slice(0, 8),
        title: `Commit ${c.sha.slice(0, 8)}`,
        author_name: c.authorName ?? 'A Developer',
        author_email: c.authorEmail ?? 'dev@example.com',
        authored_date: c.date,
        committer_name: c.authorName ?? 'A Developer',
        committer_email: c.authorEmail ?? 'dev@example.com',
        committed_date: c.date,
        created_at: c.date,
        web_url: `${WEB}/${host.projectPath(project)}/-/commit/${c.sha}`,
      }));
      return host.page(r, commits);
    }
    if (what === 'diffs' || what === 'changes') {
      const files = (mr.diffs ?? []).map((d) => ({
        ...d,
        a_mode: '100644',
        b_mode: '100644',
        new_file: false,
        renamed_file: d.old_path !== d.new_path,
        deleted_file: false,
        diff: '@@ -1 +1 @@\n-a\n+b\n',
      }));
      if (what === 'diffs') return host.page(r, files);
      return {
        status: 200,
        payload: { ...this.#mergeRequestJson(mr.seed, project, host), changes: files, overflow: false },
      };
    }
    return undefined;
  }

  #file(r: RecordedRequest, rest: string[]): Answer {
    const raw = rest.at(-1) === 'raw' && rest.length === 2;
    const path = rest[0] ?? '';
    const ref = r.query.ref;
    if (!ref) throw new HttpError(400, { error: 'ref is missing' });
    const text = this.#files.get(`${ref}:${path}`);
    if (text === undefined) throw new HttpError(404, { message: '404 File Not Found' });
    if (raw) return { status: 200, payload: text };
    const content = Buffer.from(text, 'utf8');
    return {
      status: 200,
      payload: {
        file_name: path.split('/').at(-1),
        file_path: path,
        size: content.length,
        encoding: 'base64',
        content: content.toString('base64'),
        ref,
        blob_id: 'f'.repeat(40),
        commit_id: ref,
        last_commit_id: ref,
      },
    };
  }

  #pipelineJson(p: PipelineState, project: number, host: FakeGitLabHost) {
    return {
      id: p.id,
      iid: p.id - 5_000_000,
      project_id: project,
      sha: p.sha,
      ref: p.ref,
      status: 'success',
      source: 'merge_request_event',
      created_at: p.createdAt,
      updated_at: p.createdAt,
      web_url: `${WEB}/${host.projectPath(project)}/-/pipelines/${p.id}`,
    };
  }

  #jobJson(j: JobState, project: number, host: FakeGitLabHost): Record<string, unknown> {
    const pipeline = this.#pipelines.find((p) => p.id === j.pipelineId);
    return {
      id: j.id,
      name: j.name,
      status: j.status,
      stage: 'test',
      ref: 'feature',
      allow_failure: j.allowFailure ?? false,
      created_at: j.createdAt,
      started_at: j.createdAt,
      finished_at: j.finishedAt ?? null,
      user: j.user ? userOf(j.user) : null,
      commit: { id: j.sha, short_id: j.sha.slice(0, 8), title: 'A commit' },
      pipeline: pipeline ? this.#pipelineJson(pipeline, project, host) : null,
      web_url: `${WEB}/${host.projectPath(project)}/-/jobs/${j.id}`,
      // GitLab leaves artifacts_file out of a job that has none.
      ...(j.artifacts ? { artifacts_file: { filename: 'artifacts.zip', size: j.artifacts.length } } : {}),
      artifacts: j.artifacts
        ? [{ file_type: 'archive', size: j.artifacts.length, filename: 'artifacts.zip' }]
        : [],
      artifacts_expire_at: j.artifactsExpireAt ?? null,
    };
  }
}
