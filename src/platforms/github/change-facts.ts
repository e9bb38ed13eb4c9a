import type {
  ChangeFacts,
  ChangeFactsRequest,
  CommitFact,
  GateCheckFact,
  LastPushFact,
  PolicyFileFact,
  ReviewFact,
} from '../../change-management/facts.ts';
import { readOrGap, splitRepo } from './api-refusal.ts';
import type { GitHubClient } from './client.ts';
import { CODEOWNERS_PATHS, ownerTeams } from './code-owners.ts';
import { readRequiredCheck } from './required-check.ts';

/*
 * What GitHub's REST API says about one merged pull request (see ChangeFacts). The pull request,
 * its reviews and its commits are the core of the record: if GitHub will not give them the read
 * fails. Everything else the token may be refused (team members, branch protection, …): that part
 * is left unknown and the refusal written in `gaps`.
 */

/** The most files GitHub lists for a pull request. */
const MAX_LISTED_FILES = 3000;

/** GitHub's merge button commits as "web-flow": the person is then the commit's author. */
const WEB_FLOW = 'web-flow';

const REVIEW_STATES: Record<string, ReviewFact['state']> = {
  APPROVED: 'approved',
  CHANGES_REQUESTED: 'changes_requested',
  COMMENTED: 'commented',
  DISMISSED: 'dismissed',
};

const STATUS_STATES: Record<string, GateCheckFact['state']> = {
  success: 'success',
  failure: 'failure',
  error: 'error',
  pending: 'pending',
};

type Owner = { owner: string; repo: string };

/** A file's text at `ref`; null when it is not there (404) or is not a file. */
async function fileText(
  client: GitHubClient,
  where: Owner,
  path: string,
  ref: string,
): Promise<string | null> {
  try {
    const { data } = await client.rest.repos.getContent({ ...where, path, ref });
    if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) return null;
    return Buffer.from(data.content, 'base64').toString('utf8');
  } catch (error) {
    if ((error as { status?: unknown }).status === 404) return null;
    throw error;
  }
}

async function readReviews(client: GitHubClient, where: Owner, pull: number): Promise<ReviewFact[]> {
  const reviews = await client.paginate(client.rest.pulls.listReviews, {
    ...where,
    pull_number: pull,
    per_page: 100,
  });
  return reviews.flatMap((r) => {
    const state = REVIEW_STATES[r.state];
    if (!state) return []; // PENDING: a draft only its writer sees, never given.
    return [
      {
        // GitHub shows a deleted account as "ghost".
        reviewer: r.user?.login ?? 'ghost',
        state,
        commitSha: r.commit_id ?? null,
        submittedAt: r.submitted_at ?? null,
      },
    ];
  });
}

async function readCommits(client: GitHubClient, where: Owner, pull: number): Promise<CommitFact[]> {
  const commits = await client.paginate(client.rest.pulls.listCommits, {
    ...where,
    pull_number: pull,
    per_page: 100,
  });
  return commits.map((c) => ({
    sha: c.sha,
    author: c.author?.login ?? null,
    committer: c.committer?.login ?? null,
    date: c.commit.committer?.date ?? null,
  }));
}

function lastPush(commits: CommitFact[], headSha: string): LastPushFact | null {
  const head = commits.find((c) => c.sha === headSha) ?? commits.at(-1);
  if (!head) return null;
  return {
    sha: headSha,
    at: head.date,
    by: head.committer === WEB_FLOW || head.committer === null ? head.author : head.committer,
    source: "the head commit's committer (GitHub does not record who pushed)",
  };
}

/** Every path touched (renames: both names), or null (and a gap) when GitHub did not list them all. */
async function readChangedFiles(
  client: GitHubClient,
  where: Owner,
  pull: number,
  count: number,
  gaps: string[],
): Promise<string[] | null> {
  const files = await readOrGap(gaps, `the files of pull request #${pull}`, () =>
    client.paginate(client.rest.pulls.listFiles, { ...where, pull_number: pull, per_page: 100 }),
  );
  if (files === null) return null;
  if (count > files.length) {
    gaps.push(
      `the files of pull request #${pull}: GitHub listed ${files.length} of its ${count} files (it lists at most ${MAX_LISTED_FILES})`,
    );
    return null;
  }
  return [
    ...new Set(
      files.flatMap((f) => (f.previous_filename ? [f.previous_filename, f.filename] : [f.filename])),
    ),
  ];
}

async function readPolicyFiles(
  client: GitHubClient,
  where: Owner,
  request: ChangeFactsRequest,
  changed: string[] | null,
  refs: { base: string | null; head: string },
): Promise<PolicyFileFact[]> {
  const facts: PolicyFileFact[] = [];
  for (const { path, kind } of request.policyPaths) {
    if (changed !== null && !changed.includes(path)) continue;
    const base = refs.base === null ? null : await fileText(client, where, path, refs.base);
    const head = await fileText(client, where, path, refs.head);
    // Without the list of files, a policy file counts as touched when its text differs.
    if (changed === null && base === head) continue;
    facts.push({ path, kind, base, head });
  }
  return facts;
}

async function readCodeOwners(
  client: GitHubClient,
  where: Owner,
  baseSha: string | null,
): Promise<{ path: string; text: string } | null> {
  if (baseSha === null) return null;
  for (const path of CODEOWNERS_PATHS) {
    const text = await fileText(client, where, path, baseSha);
    if (text !== null) return { path, text };
  }
  return null;
}

async function readOwnerTeams(
  client: GitHubClient,
  text: string,
  gaps: string[],
): Promise<Record<string, string[]>> {
  const teams: Record<string, string[]> = {};
  for (const team of ownerTeams(text)) {
    const [org = '', slug = ''] = team.slice(1).split('/');
    const members = await readOrGap(gaps, `the members of ${team}`, () =>
      client.paginate(client.rest.teams.listMembersInOrg, { org, team_slug: slug, per_page: 100 }),
    );
    if (members !== null) teams[team] = members.map((m) => m.login);
  }
  return teams;
}

async function readGateChecks(
  client: GitHubClient,
  where: Owner,
  headSha: string,
  name: string,
  gaps: string[],
): Promise<GateCheckFact[]> {
  const statuses = await readOrGap(gaps, `the commit statuses of ${headSha}`, () =>
    client.paginate(client.rest.repos.listCommitStatusesForRef, { ...where, ref: headSha, per_page: 100 }),
  );
  // GitHub lists a commit's statuses newest first.
  return (statuses ?? [])
    .filter((s) => s.context === name)
    .map((s) => ({
      name: s.context,
      state: STATUS_STATES[s.state] ?? 'error',
      description: s.description ?? null,
      targetUrl: s.target_url ?? null,
      createdAt: s.created_at ?? null,
      creator: s.creator?.login ?? null,
    }));
}

export async function readGithubChangeFacts(
  client: GitHubClient,
  repo: string,
  request: ChangeFactsRequest,
): Promise<ChangeFacts> {
  const where = splitRepo(repo);
  const pull_number = request.number;
  const { data: pr } = await client.rest.pulls.get({ ...where, pull_number });
  const gaps: string[] = [];
  const headSha = pr.head.sha;
  const baseSha = pr.base.sha ?? null;
  const [reviews, commits] = await Promise.all([
    readReviews(client, where, pull_number),
    readCommits(client, where, pull_number),
  ]);
  const changedFiles = await readChangedFiles(client, where, pull_number, pr.changed_files, gaps);
  const policyFiles = await readPolicyFiles(client, where, request, changedFiles, {
    base: baseSha,
    head: headSha,
  });
  const codeOwners = await readCodeOwners(client, where, baseSha);
  const ownerTeamMembers = codeOwners ? await readOwnerTeams(client, codeOwners.text, gaps) : {};
  const gateChecks = await readGateChecks(client, where, headSha, request.gateCheckName, gaps);
  const required = await readRequiredCheck(client, repo, pr.base.ref, request.gateCheckName);
  gaps.push(...required.gaps);
  return {
    platform: 'github',
    repository: repo,
    number: pr.number,
    title: pr.title,
    url: pr.html_url ?? null,
    author: pr.user?.login ?? null,
    baseRef: pr.base.ref,
    baseSha,
    headSha,
    mergeCommitSha: pr.merge_commit_sha ?? null,
    merged: pr.merged,
    mergedBy: pr.merged_by?.login ?? null,
    mergedAt: pr.merged_at ?? null,
    commits,
    lastPush: lastPush(commits, headSha),
    reviews,
    changedFiles,
    policyFiles,
    codeOwners,
    ownerTeams: ownerTeamMembers,
    gateChecks,
    requiredCheck: required.fact,
    gaps,
  };
}
