import { type Answer, HttpError, type RecordedRequest } from './fake-api-server.ts';
import type { CommitStatus, GitHubUser } from './fake-github.ts';

/*
 * The fake GitHub's side of change management: merged pull requests (their reviews, commits and
 * files), file contents by commit, team members, rulesets and branch protection, the search for
 * merged pull requests, and Actions artifacts whose zip is served through a redirect to a blob URL
 * on the same server (GitHub redirects to a storage host that takes no token). FakeGitHub routes to
 * it; tests seed it through `fake.changes`.
 */

const DOCS = 'https://docs.github.com/rest';

/** Where artifact zips are served, without authentication (as GitHub's signed blob URLs are). */
export const BLOB_PREFIX = '/_fake_blobs/artifacts/';

/** The most files GitHub lists for a pull request. */
const MAX_LISTED_FILES = 3000;
/** GitHub's search gives at most this many results. */
const SEARCH_LIMIT = 1000;

export interface SeedReview {
  reviewer: string;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';
  commitId: string;
  submittedAt?: string;
}

export interface SeedCommit {
  sha: string;
  /** Login of the linked author and committer accounts; null when GitHub links none. */
  author: string | null;
  committer: string | null;
  date: string;
}

export interface SeedFile {
  filename: string;
  previousFilename?: string;
  status?: 'added' | 'modified' | 'removed' | 'renamed';
}

export interface SeedPull {
  number: number;
  title?: string;
  author: string;
  baseRef?: string;
  baseSha: string;
  headSha: string;
  /** Unmerged when omitted. */
  mergedAt?: string;
  mergedBy?: string;
  mergeCommitSha?: string;
  commits?: SeedCommit[];
  reviews?: SeedReview[];
  files?: SeedFile[];
  /** What GitHub reports as `changed_files`; default: the number of `files`. */
  changedFiles?: number;
}

/** Branch protection's required status checks as the token sees them. */
export type SeedProtection =
  | { contexts: string[]; checks?: string[] }
  | 'not-protected'
  | 'checks-not-enabled'
  /** 403 Resource not accessible by integration (the token is not an admin). */
  | 'forbidden';

export interface SeedArtifact {
  name: string;
  headSha: string;
  createdAt: string;
  expired?: boolean;
  runId: number;
  bytes: Uint8Array;
}

interface StoredArtifact extends SeedArtifact {
  id: number;
  repo: string;
}

/** One page of a list with GitHub's `link` header (FakeGitHub's paging). */
export type Pager = <T>(r: RecordedRequest, items: T[]) => Answer;

function notFound(message = 'Not Found'): HttpError {
  return new HttpError(404, { message, documentation_url: DOCS, status: '404' });
}

function forbidden(): HttpError {
  return new HttpError(403, {
    message: 'Resource not accessible by integration',
    documentation_url: DOCS,
    status: '403',
  });
}

function user(login: string): GitHubUser {
  let id = 0;
  for (const ch of login) id = (id * 31 + ch.charCodeAt(0)) % 9_000_000;
  return { login, id: 1_000_000 + id, type: login.endsWith('[bot]') ? 'Bot' : 'User' };
}

export class FakeGitHubChanges {
  readonly #origin: () => string;
  readonly #page: Pager;
  readonly #statuses: CommitStatus[];
  /** `${repo}#${number}` → pull request. */
  readonly #pulls = new Map<string, SeedPull & { repo: string }>();
  /** `${repo}@${ref}:${path}` → text. */
  readonly #contents = new Map<string, string>();
  /** `${org}/${slug}` → members, or refused. */
  readonly #teams = new Map<string, string[] | 'forbidden'>();
  /** `${repo}@${branch}` → required status check contexts of the rulesets, or refused. */
  readonly #rulesets = new Map<string, string[] | 'forbidden'>();
  readonly #protection = new Map<string, SeedProtection>();
  readonly #artifacts: StoredArtifact[] = [];
  #nextArtifactId = 7_000_001;
  #nextStatusId = 6_000_001;

  constructor(origin: () => string, page: Pager, statuses: CommitStatus[]) {
    this.#origin = origin;
    this.#page = page;
    this.#statuses = statuses;
  }

  seedPull(pull: SeedPull, repo = 'octo/shop'): void {
    this.#pulls.set(`${repo}#${pull.number}`, { ...pull, repo });
  }

  /** A file's text at a commit (base or head SHA) or branch. */
  setContent(path: string, ref: string, text: string, repo = 'octo/shop'): void {
    this.#contents.set(`${repo}@${ref}:${path}`, text);
  }

  /** A team's members; 'forbidden' answers 403 as GitHub does to a token without org read access. */
  setTeam(team: string, members: string[] | 'forbidden'): void {
    this.#teams.set(team.replace(/^@/, ''), members);
  }

  /** The contexts that active rulesets require on `branch`; 'forbidden' answers 403. Default: none. */
  setRulesets(branch: string, contexts: string[] | 'forbidden', repo = 'octo/shop'): void {
    this.#rulesets.set(`${repo}@${branch}`, contexts);
  }

  /** Classic branch protection. Default: 403, as GitHub answers a token that is not an admin. */
  setProtection(branch: string, protection: SeedProtection, repo = 'octo/shop'): void {
    this.#protection.set(`${repo}@${branch}`, protection);
  }

  /** A commit status set earlier by someone (the gate's bot by default); seed oldest first. */
  seedStatus(
    sha: string,
    s: {
      context: string;
      state: CommitStatus['state'];
      description?: string;
      targetUrl?: string;
      createdAt: string;
      creator?: string;
    },
    repo = 'octo/shop',
  ): CommitStatus {
    const id = this.#nextStatusId++;
    const status: CommitStatus = {
      id,
      node_id: `SC_fake${id}`,
      url: `${this.#origin()}/repos/${repo}/statuses/${sha}`,
      sha,
      state: s.state,
      context: s.context,
      description: s.description ?? null,
      target_url: s.targetUrl ?? null,
      created_at: s.createdAt,
      updated_at: s.createdAt,
      creator: user(s.creator ?? 'github-actions[bot]'),
    };
    this.#statuses.push(status);
    return { ...status };
  }

  /** An Actions artifact; returns its id. */
  seedArtifact(artifact: SeedArtifact, repo = 'octo/shop'): number {
    const id = this.#nextArtifactId++;
    this.#artifacts.push({ ...artifact, id, repo });
    return id;
  }

  /** Whether `path` is a blob URL (served without a token). */
  isBlobPath(path: string): boolean {
    return path.startsWith(BLOB_PREFIX);
  }

  /** The answer for a path this part of the fake serves, or undefined to let FakeGitHub go on. */
  route(r: RecordedRequest, parts: string[]): Answer | undefined {
    if (r.method !== 'GET') return undefined;
    if (this.isBlobPath(r.path)) return this.#blob(r.path);
    if (parts[0] === 'search' && parts[1] === 'issues' && parts.length === 2) return this.#search(r);
    if (parts[0] === 'orgs' && parts[2] === 'teams' && parts[4] === 'members' && parts.length === 5)
      return this.#teamMembers(r, `${parts[1]}/${parts[3]}`);
    if (parts[0] !== 'repos' || parts.length < 4) return undefined;
    const repo = `${parts[1]}/${parts[2]}`;
    const rest = parts.slice(3);
    if (rest[0] === 'pulls' && /^\d+$/.test(rest[1] ?? ''))
      return this.#pullRoute(r, repo, Number(rest[1]), rest.slice(2));
    // The pull requests a commit belongs to: a merge commit names the one it merged.
    if (rest[0] === 'commits' && rest.length === 3 && rest[2] === 'pulls') {
      const sha = rest[1] ?? '';
      const pulls = [...this.#pulls.values()].filter(
        (p) => p.repo === repo && (p.mergeCommitSha === sha || p.headSha === sha),
      );
      return this.#page(
        r,
        pulls.map((p) => this.#pullPayload(p)),
      );
    }
    if (rest[0] === 'contents' && rest.length >= 2)
      return this.#content(repo, rest.slice(1).join('/'), r.query.ref);
    if (rest[0] === 'rules' && rest[1] === 'branches' && rest.length >= 3)
      return this.#rules(r, repo, rest.slice(2).join('/'));
    const protection = rest.indexOf('protection');
    if (
      rest[0] === 'branches' &&
      protection > 1 &&
      rest.slice(protection).join('/') === 'protection/required_status_checks'
    )
      return this.#requiredChecks(repo, rest.slice(1, protection).join('/'));
    if (rest[0] === 'actions' && rest[1] === 'artifacts') return this.#artifactRoute(r, repo, rest.slice(2));
    return undefined;
  }

  #pullRoute(r: RecordedRequest, repo: string, number: number, tail: string[]): Answer | undefined {
    const pull = this.#pulls.get(`${repo}#${number}`);
    // Unknown here: FakeGitHub's own pull requests (pullHeads) may still answer.
    if (!pull) return undefined;
    if (tail.length === 0) return { status: 200, payload: this.#pullPayload(pull) };
    if (tail.length !== 1) return undefined;
    if (tail[0] === 'reviews')
      return this.#page(
        r,
        (pull.reviews ?? []).map((v, i) => this.#review(pull, v, i)),
      );
    if (tail[0] === 'commits')
      return this.#page(
        r,
        (pull.commits ?? []).map((c) => this.#commit(pull.repo, c)),
      );
    if (tail[0] === 'files')
      return this.#page(
        r,
        (pull.files ?? []).slice(0, MAX_LISTED_FILES).map((f) => ({
          sha: '0'.repeat(40),
          filename: f.filename,
          status: f.status ?? (f.previousFilename ? 'renamed' : 'modified'),
          additions: 1,
          deletions: 0,
          changes: 1,
          ...(f.previousFilename ? { previous_filename: f.previousFilename } : {}),
        })),
      );
    return undefined;
  }

  #pullPayload(p: SeedPull & { repo: string }): unknown {
    const api = `${this.#origin()}/repos/${p.repo}`;
    const merged = p.mergedAt !== undefined;
    return {
      url: `${api}/pulls/${p.number}`,
      id: 90_000_000 + p.number,
      number: p.number,
      state: merged ? 'closed' : 'open',
      title: p.title ?? `Change ${p.number}`,
      html_url: `https://github.com/${p.repo}/pull/${p.number}`,
      user: user(p.author),
      created_at: p.commits?.[0]?.date ?? p.mergedAt ?? null,
      closed_at: p.mergedAt ?? null,
      merged_at: p.mergedAt ?? null,
      merge_commit_sha: p.mergeCommitSha ?? null,
      head: { ref: `change-${p.number}`, sha: p.headSha, repo: { full_name: p.repo } },
      base: { ref: p.baseRef ?? 'main', sha: p.baseSha, repo: { full_name: p.repo } },
      merged,
      merged_by: merged && p.mergedBy ? user(p.mergedBy) : null,
      commits: p.commits?.length ?? 0,
      changed_files: p.changedFiles ?? p.files?.length ?? 0,
    };
  }

  #review(p: SeedPull & { repo: string }, v: SeedReview, index: number): unknown {
    const id = 80_000_000 + p.number * 100 + index;
    return {
      id,
      node_id: `PRR_fake${id}`,
      user: user(v.reviewer),
      body: '',
      state: v.state,
      html_url: `https://github.com/${p.repo}/pull/${p.number}#pullrequestreview-${id}`,
      commit_id: v.commitId,
      ...(v.state === 'PENDING' ? {} : { submitted_at: v.submittedAt ?? null }),
      author_association: 'MEMBER',
    };
  }

  #commit(repo: string, c: SeedCommit): unknown {
    return {
      sha: c.sha,
      url: `${this.#origin()}/repos/${repo}/commits/${c.sha}`,
      commit: {
        author: { name: c.author ?? 'someone', email: 'someone@example.com', date: c.date },
        committer: { name: c.committer ?? 'someone', email: 'someone@example.com', date: c.date },
        message: `commit ${c.sha.slice(0, 7)}`,
      },
      author: c.author === null ? null : user(c.author),
      committer: c.committer === null ? null : user(c.committer),
      parents: [],
    };
  }

  #content(repo: string, path: string, ref: string | undefined): Answer {
    const text = this.#contents.get(`${repo}@${ref ?? 'main'}:${path}`);
    if (text === undefined) throw notFound();
    const content = Buffer.from(text, 'utf8').toString('base64');
    return {
      status: 200,
      payload: {
        type: 'file',
        encoding: 'base64',
        size: Buffer.byteLength(text),
        name: path.split('/').at(-1),
        path,
        // GitHub wraps the base64 at 60 characters.
        content: content.replace(/(.{60})/g, '$1\n'),
        sha: '0'.repeat(40),
      },
    };
  }

  #teamMembers(r: RecordedRequest, team: string): Answer {
    const members = this.#teams.get(team);
    if (members === undefined) throw notFound();
    if (members === 'forbidden') throw forbidden();
    return this.#page(r, members.map(user));
  }

  #rules(r: RecordedRequest, repo: string, branch: string): Answer {
    const contexts = this.#rulesets.get(`${repo}@${branch}`) ?? [];
    if (contexts === 'forbidden') throw forbidden();
    const rules =
      contexts.length === 0
        ? []
        : [
            {
              type: 'required_status_checks',
              ruleset_source_type: 'Repository',
              ruleset_source: repo,
              ruleset_id: 4242,
              parameters: {
                strict_required_status_checks_policy: false,
                required_status_checks: contexts.map((context) => ({ context })),
              },
            },
          ];
    return this.#page(r, rules);
  }

  #requiredChecks(repo: string, branch: string): Answer {
    const protection = this.#protection.get(`${repo}@${branch}`) ?? 'forbidden';
    if (protection === 'forbidden') throw forbidden();
    if (protection === 'not-protected') throw notFound('Branch not protected');
    if (protection === 'checks-not-enabled') throw notFound('Required status checks not enabled');
    return {
      status: 200,
      payload: {
        url: `${this.#origin()}/repos/${repo}/branches/${branch}/protection/required_status_checks`,
        strict: false,
        contexts: protection.contexts,
        checks: (protection.checks ?? protection.contexts).map((context) => ({ context, app_id: null })),
      },
    };
  }

  #artifactRoute(r: RecordedRequest, repo: string, tail: string[]): Answer | undefined {
    if (tail.length === 0) {
      const name = r.query.name;
      const list = this.#artifacts
        .filter((a) => a.repo === repo && (name === undefined || a.name === name))
        .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))
        .map((a) => this.#artifactPayload(a));
      const page = this.#page(r, list);
      return { ...page, payload: { total_count: list.length, artifacts: page.payload } };
    }
    const artifact = this.#artifacts.find((a) => a.repo === repo && String(a.id) === tail[0]);
    if (!artifact) throw notFound();
    if (tail.length === 1) return { status: 200, payload: this.#artifactPayload(artifact) };
    if (tail.length === 2 && tail[1] === 'zip') {
      if (artifact.expired)
        throw new HttpError(410, { message: 'Artifact has expired', documentation_url: DOCS, status: '410' });
      return {
        status: 302,
        headers: { location: `${this.#origin()}${BLOB_PREFIX}${artifact.id}.zip?sig=fake` },
      };
    }
    return undefined;
  }

  #artifactPayload(a: StoredArtifact): unknown {
    const api = `${this.#origin()}/repos/${a.repo}/actions/artifacts/${a.id}`;
    return {
      id: a.id,
      node_id: `MDg6QXJ0aWZhY3Q${a.id}`,
      name: a.name,
      size_in_bytes: a.bytes.length,
      url: api,
      archive_download_url: `${api}/zip`,
      expired: a.expired ?? false,
      created_at: a.createdAt,
      updated_at: a.createdAt,
      expires_at: new Date(Date.parse(a.createdAt) + 90 * 86_400_000).toISOString(),
      workflow_run: {
        id: a.runId,
        repository_id: 1,
        head_repository_id: 1,
        head_branch: 'main',
        head_sha: a.headSha,
      },
    };
  }

  #blob(path: string): Answer {
    const id = Number(/^(\d+)\.zip$/.exec(path.slice(BLOB_PREFIX.length))?.[1]);
    const artifact = this.#artifacts.find((a) => a.id === id);
    if (!artifact) return { status: 404, payload: Buffer.from('BlobNotFound', 'utf8') };
    return {
      status: 200,
      payload: Buffer.from(artifact.bytes),
      headers: { 'content-type': 'application/zip' },
    };
  }

  /** GET /search/issues for `repo:X is:pr is:merged merged:A..B [base:REF]`: what the audit source asks. */
  #search(r: RecordedRequest): Answer {
    const terms = (r.query.q ?? '').split(/\s+/).filter(Boolean);
    const value = (key: string): string | undefined =>
      terms.find((t) => t.startsWith(`${key}:`))?.slice(key.length + 1);
    const repo = value('repo');
    const range = value('merged')?.split('..');
    const base = value('base');
    if (!repo || !terms.includes('is:pr') || !terms.includes('is:merged') || range?.length !== 2)
      throw new HttpError(422, { message: 'Validation Failed', documentation_url: DOCS, status: '422' });
    const [from, to] = range.map((d) => Date.parse(d ?? ''));
    const hits = [...this.#pulls.values()]
      .filter((p) => p.repo === repo && p.mergedAt !== undefined)
      .filter((p) => base === undefined || (p.baseRef ?? 'main') === base)
      .filter((p) => {
        const t = Date.parse(p.mergedAt ?? '');
        return t >= (from ?? Number.NaN) && t <= (to ?? Number.NaN);
      })
      // Search orders by best match; newest first is as good as any for a client that must not rely on it.
      .sort((a, b) => Date.parse(b.mergedAt ?? '') - Date.parse(a.mergedAt ?? ''));
    const perPage = Number(r.query.per_page ?? 30);
    const page = Number(r.query.page ?? 1);
    if (page * perPage > SEARCH_LIMIT && (page - 1) * perPage >= SEARCH_LIMIT)
      throw new HttpError(422, {
        message: 'Only the first 1000 search results are available',
        documentation_url: DOCS,
        status: '422',
      });
    const answer = this.#page(
      r,
      hits.slice(0, SEARCH_LIMIT).map((p) => this.#searchItem(p)),
    );
    return {
      ...answer,
      payload: { total_count: hits.length, incomplete_results: false, items: answer.payload },
    };
  }

  #searchItem(p: SeedPull & { repo: string }): unknown {
    return {
      number: p.number,
      title: p.title ?? `Change ${p.number}`,
      html_url: `https://github.com/${p.repo}/pull/${p.number}`,
      user: user(p.author),
      state: 'closed',
      pull_request: {
        merged_at: p.mergedAt ?? null,
        url: `${this.#origin()}/repos/${p.repo}/pulls/${p.number}`,
      },
    };
  }
}
