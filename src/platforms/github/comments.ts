import type { CommentOutcome } from '../types.ts';
import type { GitHubClient } from './client.ts';

interface Target {
  owner: string;
  repo: string;
  issue: number;
}

interface MarkedComment {
  id: number;
  body: string;
}

async function markedComments(client: GitHubClient, t: Target, marker: string): Promise<MarkedComment[]> {
  const all = await client.paginate(client.rest.issues.listComments, {
    owner: t.owner,
    repo: t.repo,
    issue_number: t.issue,
    per_page: 100,
  });
  return all
    .filter((c) => (c.body ?? '').split('\n', 1)[0]?.trim() === marker)
    .map((c) => ({ id: c.id, body: c.body ?? '' }))
    .sort((a, b) => a.id - b.id);
}

/**
 * One sticky comment per marker: found by the marker on its first line, edited in place only when
 * the text changed. Two concurrent runs may both create one; each then keeps the oldest and removes
 * any newer duplicate, so the PR ends with exactly one.
 */
export async function upsertComment(
  client: GitHubClient,
  t: Target,
  marker: string,
  body: string,
): Promise<CommentOutcome> {
  const existing = await markedComments(client, t, marker);
  const [keep, ...duplicates] = existing;
  if (keep) {
    for (const extra of duplicates)
      await client.rest.issues.deleteComment({ owner: t.owner, repo: t.repo, comment_id: extra.id });
    if (keep.body === body) return 'unchanged';
    await client.rest.issues.updateComment({ owner: t.owner, repo: t.repo, comment_id: keep.id, body });
    return 'updated';
  }
  const created = await client.rest.issues.createComment({
    owner: t.owner,
    repo: t.repo,
    issue_number: t.issue,
    body,
  });
  const after = await markedComments(client, t, marker);
  const oldest = after[0];
  if (oldest && oldest.id !== created.data.id) {
    // Another run created the same comment first: ours is the duplicate.
    await client.rest.issues.deleteComment({ owner: t.owner, repo: t.repo, comment_id: created.data.id });
    if (oldest.body !== body)
      await client.rest.issues.updateComment({ owner: t.owner, repo: t.repo, comment_id: oldest.id, body });
    return 'updated';
  }
  return 'created';
}
