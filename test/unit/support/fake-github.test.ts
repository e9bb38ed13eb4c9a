import { getOctokit } from '@actions/github';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BOT_LOGIN, type FakeGitHub, MAX_COMMENT_BODY, startFakeGitHub } from '../../support/fake-github.ts';

const TOKEN = 'ghs_unitTestToken0123456789';
const COMMENTS = '/repos/octo/shop/issues/7/comments';
const SHA = 'a'.repeat(40);

let gh: FakeGitHub;

interface Answer {
  status: number;
  headers: Headers;
  json: unknown;
}

async function call(
  method: string,
  pathOrUrl: string,
  body?: unknown,
  auth: string | null = `token ${TOKEN}`,
): Promise<Answer> {
  const headers: Record<string, string> = { accept: 'application/vnd.github+json' };
  if (auth !== null) headers.authorization = auth;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${gh.url}${pathOrUrl}`;
  const res = await fetch(url, {
    method,
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as unknown) : undefined };
}

function ids(json: unknown): number[] {
  return (json as Array<{ id: number }>).map((c) => c.id);
}

/** GitHub's link header as rel → URL. */
function links(header: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(',')) {
    const m = /<([^>]+)>;\s*rel="([^"]+)"/.exec(part.trim());
    if (m?.[1] && m[2]) out[m[2]] = m[1];
  }
  return out;
}

beforeEach(async () => {
  gh = await startFakeGitHub();
});

afterEach(async () => {
  await gh.stop();
});

describe('fake GitHub: issue comments', () => {
  it('creates a comment as the Actions bot, lists, updates and deletes it', async () => {
    const created = await call('POST', COMMENTS, { body: 'hello' });
    expect(created.status).toBe(201);
    const comment = created.json as { id: number; body: string; user: { login: string; type: string } };
    expect(comment).toMatchObject({ body: 'hello', user: { login: BOT_LOGIN, type: 'Bot' } });
    expect(created.json).toHaveProperty('html_url');
    expect(created.json).toHaveProperty('created_at');

    const second = await call('POST', COMMENTS, { body: 'again' });
    expect((second.json as { id: number }).id).toBeGreaterThan(comment.id);

    const patched = await call('PATCH', `/repos/octo/shop/issues/comments/${comment.id}`, { body: 'edited' });
    expect(patched.status).toBe(200);
    expect(gh.comments(7).map((c) => c.body)).toEqual(['edited', 'again']);

    const deleted = await call('DELETE', `/repos/octo/shop/issues/comments/${comment.id}`);
    expect(deleted.status).toBe(204);
    expect(gh.comments(7).map((c) => c.body)).toEqual(['again']);

    expect((await call('DELETE', `/repos/octo/shop/issues/comments/${comment.id}`)).status).toBe(404);
    expect(gh.comments(8)).toEqual([]);
    expect(gh.writes().map((r) => `${r.method} ${r.status}`)).toEqual([
      'POST 201',
      'POST 201',
      'PATCH 200',
      'DELETE 204',
      'DELETE 404',
    ]);
  });

  it('pages the list like GitHub: per_page, page and a link header with rel="next"', async () => {
    for (let i = 0; i < 65; i++) gh.seedComment(7, `comment ${i}`);

    const first = await call('GET', COMMENTS);
    expect((first.json as unknown[]).length).toBe(30); // GitHub's default page size
    expect(links(first.headers.get('link'))).toHaveProperty('next');

    const seen: number[] = [];
    let next: string | undefined = `${COMMENTS}?per_page=20`;
    let pages = 0;
    while (next) {
      const page = await call('GET', next);
      expect(page.status).toBe(200);
      seen.push(...ids(page.json));
      next = links(page.headers.get('link')).next;
      pages += 1;
    }
    expect(pages).toBe(4);
    expect(seen).toEqual(gh.comments(7).map((c) => c.id));

    const last = await call('GET', `${COMMENTS}?per_page=20&page=4`);
    expect((last.json as unknown[]).length).toBe(5);
    const rels = links(last.headers.get('link'));
    expect(rels.next).toBeUndefined();
    expect(rels.prev).toContain('page=3');

    const big = await call('GET', `${COMMENTS}?per_page=500`);
    expect((big.json as unknown[]).length).toBe(65);
    expect(big.headers.get('link')).toBeNull();

    const beyond = await call('GET', `${COMMENTS}?per_page=100&page=9`);
    expect(beyond.json).toEqual([]);
  });

  it('is paged to the end by Octokit\'s own paginate, which follows rel="next"', async () => {
    for (let i = 0; i < 250; i++) gh.seedComment(7, `comment ${i}`);
    const octokit = getOctokit(TOKEN, { baseUrl: gh.url });
    const all = await octokit.paginate(octokit.rest.issues.listComments, {
      owner: 'octo',
      repo: 'shop',
      issue_number: 7,
      per_page: 100,
    });
    expect(all.map((c) => c.id)).toEqual(gh.comments(7).map((c) => c.id));
    expect(gh.requests.map((r) => r.query.page ?? '1')).toEqual(['1', '2', '3']);
    const created = await octokit.rest.issues.createComment({
      owner: 'octo',
      repo: 'shop',
      issue_number: 7,
      body: 'hi',
    });
    expect(created.status).toBe(201);
    expect(created.data.user?.login).toBe(BOT_LOGIN);
  });

  it('rejects a body over 65,536 characters as GitHub does', async () => {
    const tooLong = await call('POST', COMMENTS, { body: 'x'.repeat(MAX_COMMENT_BODY + 1) });
    expect(tooLong.status).toBe(422);
    expect(JSON.stringify(tooLong.json)).toContain('body is too long');
    expect((await call('POST', COMMENTS, { body: 'x'.repeat(MAX_COMMENT_BODY) })).status).toBe(201);
    expect((await call('POST', COMMENTS, { text: 'no body' })).status).toBe(422);
  });
});

describe('fake GitHub: statuses', () => {
  it('records statuses and serves them back per commit', async () => {
    const created = await call('POST', `/repos/octo/shop/statuses/${SHA}`, {
      state: 'failure',
      context: 'controlgate / SOC 2',
      description: 'CC7.1 fails',
      target_url: 'https://github.com/octo/shop/actions/runs/1',
    });
    expect(created.status).toBe(201);
    expect(gh.statuses).toMatchObject([{ sha: SHA, state: 'failure', context: 'controlgate / SOC 2' }]);

    expect((await call('POST', `/repos/octo/shop/statuses/${SHA}`, { state: 'green' })).status).toBe(422);
    expect(
      (
        await call('POST', `/repos/octo/shop/statuses/${SHA}`, {
          state: 'success',
          description: 'd'.repeat(141),
        })
      ).status,
    ).toBe(422);

    await call('POST', `/repos/octo/shop/statuses/${SHA}`, {
      state: 'success',
      context: 'controlgate / SOC 2',
    });
    const list = await call('GET', `/repos/octo/shop/commits/${SHA}/statuses`);
    expect((list.json as Array<{ state: string }>).map((s) => s.state)).toEqual(['success', 'failure']);
    const combined = await call('GET', `/repos/octo/shop/commits/${SHA}/status`);
    expect(combined.json).toMatchObject({ state: 'success', total_count: 1 });
  });
});

describe('fake GitHub: authentication and unknown routes', () => {
  it('requires a token, accepts "token" and "Bearer", and records it', async () => {
    expect((await call('GET', COMMENTS, undefined, null)).status).toBe(401);
    expect((await call('GET', COMMENTS, undefined, 'Bearer other-token')).status).toBe(200);
    expect((await call('GET', COMMENTS)).status).toBe(200);
    expect(gh.tokens).toEqual(['other-token', TOKEN]);
    expect(gh.requests[2]?.headers.authorization).toBe(`token ${TOKEN}`);
  });

  it('refuses a wrong token when it expects one', async () => {
    const strict = await startFakeGitHub({ token: TOKEN });
    try {
      const res = await fetch(`${strict.url}${COMMENTS}`, { headers: { authorization: 'token nope' } });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ message: 'Bad credentials' });
    } finally {
      await strict.stop();
    }
  });

  it('answers 404 Not Found for anything else', async () => {
    const res = await call('GET', '/repos/octo/shop/pulls/7');
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ message: 'Not Found' });
    expect((await call('PUT', COMMENTS, { body: 'x' })).status).toBe(404);
  });

  it('records method, path, query, body and headers', async () => {
    await call('POST', `${COMMENTS}?foo=bar`, { body: 'hi' });
    expect(gh.requests[0]).toMatchObject({
      method: 'POST',
      path: COMMENTS,
      query: { foo: 'bar' },
      body: { body: 'hi' },
      status: 201,
      faulted: false,
    });
    expect(gh.requests[0]?.headers.accept).toBe('application/vnd.github+json');
  });
});

describe('fake GitHub: faults and timing', () => {
  it('fails the next n matching requests, then serves normally', async () => {
    gh.failNext(1, 502, { method: 'POST', path: COMMENTS });
    expect((await call('GET', COMMENTS)).status).toBe(200); // does not match: untouched
    const failed = await call('POST', COMMENTS, { body: 'x' });
    expect(failed.status).toBe(502);
    expect(gh.comments(7)).toHaveLength(0);
    expect((await call('POST', COMMENTS, { body: 'x' })).status).toBe(201);
    expect(gh.comments(7)).toHaveLength(1);
    expect(gh.requests.map((r) => r.faulted)).toEqual([false, true, false]);
  });

  it('sends retry-after and a custom body (secondary rate limit, fork token)', async () => {
    gh.failNext(1, 403, {
      retryAfter: 1,
      body: { message: 'You have exceeded a secondary rate limit.' },
    });
    gh.failNext(2, 403, { path: /\/comments$/ });
    const limited = await call('GET', COMMENTS);
    expect(limited.status).toBe(403);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.json).toEqual({ message: 'You have exceeded a secondary rate limit.' });

    const fork = await call('POST', COMMENTS, { body: 'x' });
    expect(fork.json).toMatchObject({ message: 'Resource not accessible by integration' });
    expect((await call('POST', COMMENTS, { body: 'x' })).status).toBe(403);
    expect((await call('POST', COMMENTS, { body: 'x' })).status).toBe(201);
  });

  it('holds matching requests for the delay: a later request overtakes a held one', async () => {
    gh.delay(1_000, { method: 'GET', times: 1 });
    const done: string[] = [];
    const held = call('GET', COMMENTS).then((r) => done.push(`held GET ${r.status}`));
    await vi.waitFor(() => expect(gh.requests).toHaveLength(1));
    // times: 1 — the second list is not held, so it is answered while the first still waits.
    done.push(`second GET ${(await call('GET', COMMENTS)).status}`);
    await held;
    expect(done).toEqual(['second GET 200', 'held GET 200']);
  });

  it('a barrier answers two lists together, so both see the state before either write', async () => {
    gh.barrier(2, { method: 'GET', path: COMMENTS, timeoutMs: 5000 });
    const first = call('GET', COMMENTS);
    await vi.waitFor(() => expect(gh.requests).toHaveLength(1));
    // The first list is still held; a write gets through meanwhile, and both lists see it.
    const written = await call('POST', COMMENTS, { body: 'written while held' });
    expect(written.status).toBe(201);
    const second = call('GET', COMMENTS);
    const [a, b] = await Promise.all([first, second]);
    expect((a.json as unknown[]).length).toBe(1);
    expect((b.json as unknown[]).length).toBe(1);
  });
});

describe('fake GitHub: dropped connections, hangs and hooks', () => {
  it('drops the connection before doing anything: the client gets a network error, nothing changes', async () => {
    gh.resetNext(1, { method: 'POST', path: COMMENTS });
    await expect(call('POST', COMMENTS, { body: 'lost' })).rejects.toThrow(TypeError);
    expect(gh.comments(7)).toEqual([]);
    expect(gh.requests[0]).toMatchObject({ method: 'POST', status: 0, faulted: true, interrupted: 'reset' });
    expect((await call('POST', COMMENTS, { body: 'kept' })).status).toBe(201);
    expect(gh.comments(7).map((c) => c.body)).toEqual(['kept']);
  });

  it('drops the connection after the change: the comment exists though the client saw an error', async () => {
    gh.resetNext(1, { method: 'POST', when: 'after-apply' });
    await expect(call('POST', COMMENTS, { body: 'made, answer lost' })).rejects.toThrow(TypeError);
    expect(gh.comments(7).map((c) => c.body)).toEqual(['made, answer lost']);
    expect(gh.requests[0]).toMatchObject({ status: 201, faulted: true, interrupted: 'reset' });
  });

  it('drops the connection mid-body: status and headers arrive, reading the body fails', async () => {
    gh.seedComment(7, 'a comment long enough to be cut in half');
    gh.resetNext(1, { method: 'GET', path: COMMENTS, when: 'mid-body' });
    const res = await fetch(`${gh.url}${COMMENTS}`, { headers: { authorization: `token ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    await expect(res.text()).rejects.toThrow();
    expect(gh.requests[0]).toMatchObject({ status: 200, interrupted: 'reset' });
    expect((await call('GET', COMMENTS)).json).toHaveLength(1);
  });

  it('never answers a hung request until stop(); only a client timeout ends it', async () => {
    gh.hangNext(1, { method: 'POST', path: COMMENTS });
    const hung = fetch(`${gh.url}${COMMENTS}`, {
      method: 'POST',
      headers: { authorization: `token ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ body: 'never' }),
      signal: AbortSignal.timeout(300),
    });
    await expect(hung).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(gh.requests[0]).toMatchObject({ status: 0, faulted: true, interrupted: 'hang' });
    expect(gh.comments(7)).toEqual([]);
    // Only that one request hangs; the next is served.
    expect((await call('POST', COMMENTS, { body: 'served' })).status).toBe(201);

    // A request still held when the server stops gets its connection closed, not left open.
    gh.hangNext(1);
    const held = call('GET', COMMENTS);
    await expect.poll(() => gh.requests.length).toBe(3);
    await gh.stop();
    await expect(held).rejects.toThrow(TypeError);
  });

  it('faults of every kind share one queue, consumed in the order they were added', async () => {
    gh.resetNext(1, { path: COMMENTS });
    gh.failNext(1, 500, { path: COMMENTS });
    await expect(call('GET', COMMENTS)).rejects.toThrow(TypeError);
    expect((await call('GET', COMMENTS)).status).toBe(500);
    expect((await call('GET', COMMENTS)).status).toBe(200);
  });

  it('runs a hook right after a matching request was served, before the next request', async () => {
    const mine = gh.seedComment(7, 'sticky', { user: { login: BOT_LOGIN, id: 41898282, type: 'Bot' } });
    const seen: number[] = [];
    gh.afterServed(
      (r) => {
        seen.push(r.seq);
        gh.removeComment(mine.id);
      },
      { method: 'GET', path: COMMENTS },
    );
    // Not for a faulted request, nor for one that does not match.
    gh.failNext(1, 502, { method: 'GET', path: COMMENTS });
    expect((await call('GET', COMMENTS)).status).toBe(502);
    expect((await call('GET', '/repos/octo/shop/commits/abc/statuses')).status).toBe(200);
    expect(seen).toEqual([]);

    const listed = await call('GET', COMMENTS);
    expect(ids(listed.json)).toEqual([mine.id]);
    expect(seen).toEqual([3]);
    const patched = await call('PATCH', `/repos/octo/shop/issues/comments/${mine.id}`, { body: 'x' });
    expect(patched.status).toBe(404);
    // Once by default.
    expect((await call('GET', COMMENTS)).json).toEqual([]);
    expect(seen).toEqual([3]);
  });

  it('edits and removes comments as someone else would', async () => {
    const c = gh.seedComment(7, 'first');
    expect(gh.editComment(c.id, 'edited elsewhere')).toBe(true);
    expect(gh.comments(7).map((x) => x.body)).toEqual(['edited elsewhere']);
    expect(gh.removeComment(c.id)).toBe(true);
    expect(gh.removeComment(c.id)).toBe(false);
    expect(gh.editComment(c.id, 'gone')).toBe(false);
    expect(gh.comments(7)).toEqual([]);
  });
});
