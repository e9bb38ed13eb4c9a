import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Gitlab } from '@gitbeaker/rest';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { REPO_ROOT } from '../../support/cli.ts';
import {
  BOT_USERNAME,
  type FakeGitLab,
  MAX_NOTE_BODY,
  type Note,
  startFakeGitLab,
} from '../../support/fake-gitlab.ts';

const TOKEN = 'glpat-unitTestToken01234';
const JOB_TOKEN = 'glcbt-64_unitTestJobToken';
const NOTES = '/api/v4/projects/123/merge_requests/7/notes';
const NOTES_BY_PATH = '/api/v4/projects/octo%2Fshop/merge_requests/7/notes';
const SHA = 'a'.repeat(40);

let gl: FakeGitLab;

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

async function call(
  method: string,
  pathOrUrl: string,
  body?: unknown,
  headers: Record<string, string> = { 'private-token': TOKEN },
): Promise<Answer> {
  const h: Record<string, string> = { ...headers };
  let payload: string | undefined;
  if (body instanceof URLSearchParams) {
    h['content-type'] = 'application/x-www-form-urlencoded';
    payload = body.toString();
  } else if (body !== undefined) {
    h['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${gl.url}${pathOrUrl}`;
  const res = await fetch(url, { method, headers: h, ...(payload !== undefined ? { body: payload } : {}) });
  const text = await res.text();
  const json =
    (res.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) : undefined;
  return { status: res.status, headers: res.headers, text, json: json as unknown };
}

function ids(json: unknown): number[] {
  return (json as Note[]).map((n) => n.id);
}

/** A link header as rel → URL. */
function links(value: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (value ?? '').split(',')) {
    const m = /<([^>]+)>;\s*rel="([^"]+)"/.exec(part.trim());
    if (m?.[1] && m[2]) out[m[2]] = m[1];
  }
  return out;
}

beforeEach(async () => {
  gl = await startFakeGitLab();
});

afterEach(async () => {
  await gl.stop();
});

describe('fake GitLab: merge request notes', () => {
  it('creates a note as the project bot, lists, updates and deletes it', async () => {
    const created = await call('POST', NOTES, { body: 'hello' });
    expect(created.status).toBe(201);
    const note = created.json as Note;
    expect(note).toMatchObject({
      body: 'hello',
      author: { username: BOT_USERNAME },
      system: false,
      noteable_iid: 7,
      noteable_type: 'MergeRequest',
      project_id: 123,
    });
    expect(Date.parse(note.created_at)).not.toBeNaN();
    expect(note.updated_at).toBe(note.created_at);

    const second = await call('POST', NOTES_BY_PATH, { body: 'again' });
    expect((second.json as Note).id).toBeGreaterThan(note.id);

    const put = await call('PUT', `${NOTES}/${note.id}`, { body: 'edited' });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ id: note.id, body: 'edited' });
    expect(gl.notes(7).map((n) => n.body)).toEqual(['edited', 'again']);
    expect(gl.notes(7, 'octo/shop')).toEqual(gl.notes(7));

    const deleted = await call('DELETE', `${NOTES_BY_PATH}/${note.id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect(gl.notes(7).map((n) => n.body)).toEqual(['again']);

    expect((await call('DELETE', `${NOTES}/${note.id}`)).status).toBe(404);
    expect(gl.notes(8)).toEqual([]);
    expect(gl.writes().map((r) => `${r.method} ${r.status}`)).toEqual([
      'POST 201',
      'POST 201',
      'PUT 200',
      'DELETE 204',
      'DELETE 404',
    ]);
  });

  it('answers with every field of a real GitLab note', async () => {
    const fixture = JSON.parse(
      readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'gitlab', 'note.json'), 'utf8'),
    ) as Record<string, unknown>;
    const created = (await call('POST', NOTES, { body: 'x' })).json as Record<string, unknown>;
    expect(Object.keys(created).sort()).toEqual(Object.keys(fixture).sort());
    expect(Object.keys(created.author as object).sort()).toEqual(
      expect.arrayContaining(Object.keys(fixture.author as object).sort()),
    );
    for (const [key, value] of Object.entries(fixture)) {
      if (value !== null) expect(typeof created[key], key).toBe(typeof value);
    }
  });

  it('takes the body as JSON, a form or the query string; a missing or too long body is a 400', async () => {
    expect((await call('POST', NOTES, new URLSearchParams({ body: 'from a form' }))).status).toBe(201);
    expect((await call('POST', `${NOTES}?body=${encodeURIComponent('from the query')}`)).status).toBe(201);
    expect(gl.notes(7).map((n) => n.body)).toEqual(['from a form', 'from the query']);

    const missing = await call('POST', NOTES, { note: 'no body' });
    expect(missing.status).toBe(400);
    expect(missing.json).toEqual({ error: 'body is missing' });
    expect((await call('POST', NOTES, { body: '' })).status).toBe(400);

    const tooLong = await call('POST', NOTES, { body: 'x'.repeat(MAX_NOTE_BODY + 1) });
    expect(tooLong.status).toBe(400);
    expect(JSON.stringify(tooLong.json)).toContain('is too long');
    expect((await call('POST', NOTES, { body: 'x'.repeat(MAX_NOTE_BODY) })).status).toBe(201);

    const [first] = gl.notes(7);
    expect((await call('PUT', `${NOTES}/${first?.id}`, {})).status).toBe(400);
    expect(
      (await call('PUT', `${NOTES}/${first?.id}`, new URLSearchParams({ body: 'form edit' }))).status,
    ).toBe(200);
    expect(gl.notes(7)[0]?.body).toBe('form edit');
  });

  it('rejects a body that is not valid JSON', async () => {
    const res = await fetch(`${gl.url}${NOTES}`, {
      method: 'POST',
      headers: { 'private-token': TOKEN, 'content-type': 'application/json' },
      body: '{"body": ',
    });
    expect(res.status).toBe(400);
    expect(gl.notes(7)).toEqual([]);
  });

  it("lets the bot edit only its own notes, and not system notes; it may delete others' notes", async () => {
    const human = gl.seedNote(7, 'LGTM');
    const system = gl.seedNote(7, 'added 1 commit', { system: true, author: { username: 'dev.alice' } });
    expect(human.author.username).toBe('dev.alice');
    expect((await call('PUT', `${NOTES}/${human.id}`, { body: 'hijacked' })).status).toBe(403);
    expect((await call('PUT', `${NOTES}/${system.id}`, { body: 'x' })).status).toBe(403);
    expect((await call('DELETE', `${NOTES}/${system.id}`)).status).toBe(403);
    expect(gl.notes(7).map((n) => n.body)).toEqual(['LGTM', 'added 1 commit']);
    expect((await call('DELETE', `${NOTES}/${human.id}`)).status).toBe(204);
  });

  it('keeps notes per project and merge request; numeric id and encoded path are the same project', async () => {
    await call('POST', '/api/v4/projects/456/merge_requests/7/notes', { body: 'fork' });
    await call('POST', '/api/v4/projects/123/merge_requests/8/notes', { body: 'other MR' });
    await call('POST', NOTES_BY_PATH, { body: 'seven' });
    expect(gl.notes(7).map((n) => n.body)).toEqual(['seven']);
    expect(gl.notes(7, 456).map((n) => n.body)).toEqual(['fork']);
    expect(gl.notes(7, 'forker/shop').map((n) => n.body)).toEqual(['fork']);
    expect(gl.notes(8).map((n) => n.body)).toEqual(['other MR']);
    expect((await call('GET', '/api/v4/projects/OCTO%2FSHOP/merge_requests/7/notes')).status).toBe(200);
    // Unencoded, the path is not a project: GitLab cannot route it either.
    expect((await call('GET', '/api/v4/projects/octo/shop/merge_requests/7/notes')).status).toBe(404);
    const unknown = await call('GET', '/api/v4/projects/999/merge_requests/7/notes');
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual({ message: '404 Project Not Found' });
  });
});

describe('fake GitLab: pagination and order', () => {
  it('lists newest first, 20 a page, with x-* headers and a link header', async () => {
    for (let i = 0; i < 45; i++) gl.seedNote(7, `note ${i}`);
    const all = gl.notes(7);

    const first = await call('GET', NOTES);
    expect(first.status).toBe(200);
    expect(ids(first.json)).toEqual(
      all
        .map((n) => n.id)
        .reverse()
        .slice(0, 20),
    );
    expect(first.headers.get('x-page')).toBe('1');
    expect(first.headers.get('x-per-page')).toBe('20');
    expect(first.headers.get('x-next-page')).toBe('2');
    expect(first.headers.get('x-prev-page')).toBe('');
    expect(first.headers.get('x-total')).toBe('45');
    expect(first.headers.get('x-total-pages')).toBe('3');
    const rels = links(first.headers.get('link'));
    expect(Object.keys(rels).sort()).toEqual(['first', 'last', 'next']);
    expect(rels.next).toBe(`${gl.url}${NOTES}?page=2&per_page=20`);
    expect(rels.last).toContain('page=3');

    const last = await call('GET', `${NOTES}?page=3`);
    expect((last.json as unknown[]).length).toBe(5);
    expect(last.headers.get('x-next-page')).toBe('');
    expect(last.headers.get('x-prev-page')).toBe('2');
    expect(links(last.headers.get('link')).next).toBeUndefined();

    const beyond = await call('GET', `${NOTES}?page=9`);
    expect(beyond.json).toEqual([]);
  });

  it('follows rel="next" to the end, keeping sort and per_page; per_page is capped at 100', async () => {
    for (let i = 0; i < 250; i++) gl.seedNote(7, `note ${i}`);
    const seen: number[] = [];
    let next: string | undefined = `${NOTES_BY_PATH}?sort=asc&per_page=100`;
    let pages = 0;
    while (next) {
      const page = await call('GET', next);
      expect(page.status).toBe(200);
      seen.push(...ids(page.json));
      next = links(page.headers.get('link')).next;
      pages += 1;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(gl.notes(7).map((n) => n.id));
    expect(gl.requests.every((r) => r.query.sort === 'asc')).toBe(true);

    const capped = await call('GET', `${NOTES}?per_page=500`);
    expect((capped.json as unknown[]).length).toBe(100);
    expect(capped.headers.get('x-per-page')).toBe('100');
  });

  it('orders by updated_at when asked', async () => {
    gl.seedNote(7, 'a');
    const mine = (await call('POST', NOTES, { body: 'mine' })).json as Note;
    gl.seedNote(7, 'c');
    await new Promise((r) => setTimeout(r, 5));
    await call('PUT', `${NOTES}/${mine.id}`, { body: 'mine, edited' });
    const byUpdate = await call('GET', `${NOTES}?order_by=updated_at&sort=desc`);
    expect((byUpdate.json as Note[])[0]?.body).toBe('mine, edited');
    expect((await call('GET', `${NOTES}?sort=sideways`)).status).toBe(400);
  });

  it("works with gitbeaker's own pagination, create, edit and remove", async () => {
    for (let i = 0; i < 230; i++) gl.seedNote(7, `note ${i}`);
    const api = new Gitlab({ host: gl.url, token: TOKEN });
    const all = await api.MergeRequestNotes.all('octo/shop', 7, { perPage: 100 });
    expect(all.map((n) => n.id).sort((a, b) => a - b)).toEqual(gl.notes(7).map((n) => n.id));
    expect(gl.requests.map((r) => r.query.page ?? '1')).toEqual(['1', '2', '3']);
    expect(gl.requests[0]?.path).toBe(NOTES_BY_PATH);
    expect(gl.requests[0]?.headers['private-token']).toBe(TOKEN);

    const created = await api.MergeRequestNotes.create(123, 7, 'from gitbeaker');
    expect(created.author.username).toBe(BOT_USERNAME);
    const edited = await api.MergeRequestNotes.edit(123, 7, created.id, { body: 'edited by gitbeaker' });
    expect(edited.body).toBe('edited by gitbeaker');
    await api.MergeRequestNotes.remove('octo/shop', 7, created.id);
    expect(gl.notes(7)).toHaveLength(230);

    const withJobToken = new Gitlab({ host: gl.url, jobToken: JOB_TOKEN });
    await expect(withJobToken.MergeRequestNotes.create(123, 7, 'nope')).rejects.toThrow(/403 Forbidden/);
    expect(gl.jobTokens).toEqual([JOB_TOKEN]);
    expect(gl.tokens).toEqual([TOKEN]);
  });
});

describe('fake GitLab: authentication and other routes', () => {
  it('needs PRIVATE-TOKEN, Bearer or private_token; refuses JOB-TOKEN with 403; records both kinds', async () => {
    const none = await call('GET', NOTES, undefined, {});
    expect(none.status).toBe(401);
    expect(none.json).toEqual({ message: '401 Unauthorized' });
    expect((await call('GET', NOTES, undefined, { authorization: 'Bearer oauth-token' })).status).toBe(200);
    expect((await call('GET', `${NOTES}?private_token=query-token`, undefined, {})).status).toBe(200);
    expect((await call('GET', NOTES)).status).toBe(200);

    const job = await call('POST', NOTES, { body: 'x' }, { 'job-token': JOB_TOKEN });
    expect(job.status).toBe(403);
    expect(job.json).toEqual({ message: '403 Forbidden' });
    // A job token is refused even next to a private token.
    expect(
      (await call('GET', NOTES, undefined, { 'job-token': JOB_TOKEN, 'private-token': TOKEN })).status,
    ).toBe(403);
    expect(gl.notes(7)).toEqual([]);
    expect(gl.tokens).toEqual(['oauth-token', 'query-token', TOKEN]);
    expect(gl.jobTokens).toEqual([JOB_TOKEN]);
  });

  it('accepts only the configured tokens when given some', async () => {
    const strict = await startFakeGitLab({ tokens: [TOKEN] });
    try {
      const res = await fetch(`${strict.url}${NOTES}`, { headers: { 'private-token': 'glpat-wrong' } });
      expect(res.status).toBe(401);
      const ok = await fetch(`${strict.url}${NOTES}`, { headers: { 'private-token': TOKEN } });
      expect(ok.status).toBe(200);
      expect(strict.tokens).toEqual(['glpat-wrong', TOKEN]);
    } finally {
      await strict.stop();
    }
  });

  it('serves a merge request, commit statuses and /user; 404 for anything else', async () => {
    gl.mergeRequestSources.set(9, 456);
    expect((await call('GET', '/api/v4/projects/123/merge_requests/7')).json).toMatchObject({
      iid: 7,
      source_project_id: 123,
      target_project_id: 123,
    });
    expect((await call('GET', '/api/v4/projects/123/merge_requests/9')).json).toMatchObject({
      source_project_id: 456,
    });
    expect((await call('GET', '/api/v4/user')).json).toMatchObject({ username: BOT_USERNAME, bot: true });

    const status = await call('POST', `/api/v4/projects/123/statuses/${SHA}`, {
      state: 'failed',
      name: 'controlgate',
      description: 'CC7.1 fails',
    });
    expect(status.status).toBe(201);
    expect(gl.statuses).toMatchObject([{ sha: SHA, status: 'failed', name: 'controlgate' }]);
    expect((await call('POST', `/api/v4/projects/123/statuses/${SHA}`, { state: 'green' })).status).toBe(400);

    expect((await call('GET', '/api/v4/projects/123/issues')).status).toBe(404);
    expect((await call('GET', '/projects/123/merge_requests/7/notes')).status).toBe(404);
    expect((await call('PATCH', `${NOTES}/1`, { body: 'x' })).status).toBe(404);
    expect((await call('PATCH', NOTES, { body: 'x' })).status).toBe(405);
  });

  it('records method, path, query, body and headers', async () => {
    await call('POST', `${NOTES_BY_PATH}?foo=bar`, { body: 'hi' });
    expect(gl.requests[0]).toMatchObject({
      method: 'POST',
      path: NOTES_BY_PATH,
      query: { foo: 'bar' },
      body: { body: 'hi' },
      status: 201,
      faulted: false,
    });
    expect(gl.requests[0]?.headers['private-token']).toBe(TOKEN);
  });
});

describe('fake GitLab: faults and timing', () => {
  it('fails the next n matching requests (a filter or a predicate), then serves normally', async () => {
    gl.failNext(1, 502, { method: 'POST', path: NOTES });
    gl.failNext(1, 503, (r) => r.method === 'POST');
    expect((await call('GET', NOTES)).status).toBe(200); // matches neither
    const bad = await call('POST', NOTES, { body: 'x' });
    expect(bad.status).toBe(502);
    expect(bad.headers.get('content-type')).toContain('text/html');
    expect(bad.text).toContain('GitLab is taking too much time to respond');
    const unavailable = await call('POST', NOTES, { body: 'x' });
    expect(unavailable.status).toBe(503);
    expect(gl.notes(7)).toHaveLength(0);
    expect((await call('POST', NOTES, { body: 'x' })).status).toBe(201);
    expect(gl.notes(7)).toHaveLength(1);
    expect(gl.requests.map((r) => r.faulted)).toEqual([false, true, true, false]);
  });

  it('answers faults like GitLab: JSON 500, text 429 with Retry-After, or a custom body', async () => {
    gl.failNext(1, 500);
    gl.failNext(1, 429, { retryAfter: 2 });
    gl.failNext(1, 403, { body: { message: '403 Forbidden - custom' } });
    const internal = await call('GET', NOTES);
    expect(internal).toMatchObject({ status: 500, json: { message: '500 Internal Server Error' } });
    const limited = await call('GET', NOTES);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    expect(limited.text).toBe('Retry later\n');
    expect((await call('GET', NOTES)).json).toEqual({ message: '403 Forbidden - custom' });
    expect((await call('GET', NOTES)).status).toBe(200);
  });

  it('faults come before authentication, as from a proxy', async () => {
    gl.failNext(1, 502);
    expect((await call('GET', NOTES, undefined, {})).status).toBe(502);
    expect((await call('GET', NOTES, undefined, {})).status).toBe(401);
  });

  it('holds matching requests for the delay: a later request overtakes a held one', async () => {
    gl.delay(1_000, { method: 'GET', times: 1 });
    const done: string[] = [];
    const held = call('GET', NOTES).then((r) => done.push(`held GET ${r.status}`));
    await vi.waitFor(() => expect(gl.requests).toHaveLength(1));
    // times: 1 — the second list is not held, so it is answered while the first still waits.
    done.push(`second GET ${(await call('GET', NOTES)).status}`);
    await held;
    expect(done).toEqual(['second GET 200', 'held GET 200']);

    // A predicate, until cleared: a held POST is overtaken by a GET; after clearDelays none is held.
    gl.delay(1_000, (r) => r.method === 'POST');
    const order: string[] = [];
    const post = call('POST', NOTES, { body: 'slow' }).then((r) => order.push(`POST ${r.status}`));
    await vi.waitFor(() => expect(gl.requests).toHaveLength(3));
    order.push(`GET ${(await call('GET', NOTES)).status}`);
    await post;
    expect(order).toEqual(['GET 200', 'POST 201']);
    expect(gl.requests.filter((r) => r.method === 'POST').map((r) => r.status)).toEqual([201]);
    gl.clearDelays();
    expect((await call('POST', NOTES, { body: 'fast' })).status).toBe(201);
  });

  it('a barrier answers two lists together, so both see the state before either write', async () => {
    gl.barrier(2, { method: 'GET', path: NOTES, timeoutMs: 5000 });
    const first = call('GET', NOTES);
    await vi.waitFor(() => expect(gl.requests).toHaveLength(1));
    expect(gl.requests[0]?.status).toBe(0); // still held
    const written = await call('POST', NOTES, { body: 'written while held' });
    expect(written.status).toBe(201);
    const second = call('GET', NOTES);
    const [a, b] = await Promise.all([first, second]);
    expect((a.json as unknown[]).length).toBe(1);
    expect((b.json as unknown[]).length).toBe(1);
  });

  it('a barrier that never fills answers after its timeout', async () => {
    gl.barrier(3, { path: NOTES, timeoutMs: 300 });
    // Without the timeout this call would wait for two more lists that never come.
    expect((await call('GET', NOTES)).status).toBe(200);
  });
});

describe('fake GitLab: dropped connections, hangs and hooks', () => {
  it('drops the connection before, after the change, or mid-body', async () => {
    gl.resetNext(1, { method: 'POST', path: NOTES });
    await expect(call('POST', NOTES, { body: 'lost' })).rejects.toThrow(TypeError);
    expect(gl.notes(7)).toEqual([]);

    gl.resetNext(1, { method: 'POST', path: NOTES, when: 'after-apply' });
    await expect(call('POST', NOTES, { body: 'made, answer lost' })).rejects.toThrow(TypeError);
    expect(gl.notes(7).map((n) => n.body)).toEqual(['made, answer lost']);

    gl.resetNext(1, { method: 'GET', path: NOTES, when: 'mid-body' });
    const res = await fetch(`${gl.url}${NOTES}`, { headers: { 'private-token': TOKEN } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-total')).toBe('1');
    await expect(res.text()).rejects.toThrow();

    expect(gl.requests.map((r) => [r.status, r.interrupted])).toEqual([
      [0, 'reset'],
      [201, 'reset'],
      [200, 'reset'],
    ]);
    expect(ids((await call('GET', NOTES)).json)).toHaveLength(1);
  });

  it('a reset comes before authentication, as from a proxy', async () => {
    gl.resetNext(1, { when: 'after-apply' });
    await expect(call('GET', NOTES, undefined, {})).rejects.toThrow(TypeError);
    expect(gl.requests[0]).toMatchObject({ status: 401, interrupted: 'reset' });
  });

  it('never answers a hung request; a client timeout ends it and the next is served', async () => {
    gl.hangNext(1, { method: 'PUT' });
    const note = gl.seedNote(7, 'mine', { author: { id: gl.bot.id, username: BOT_USERNAME } });
    const hung = fetch(`${gl.url}${NOTES}/${note.id}`, {
      method: 'PUT',
      headers: { 'private-token': TOKEN, 'content-type': 'application/json' },
      body: JSON.stringify({ body: 'never' }),
      signal: AbortSignal.timeout(300),
    });
    await expect(hung).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(gl.requests[0]).toMatchObject({ status: 0, faulted: true, interrupted: 'hang' });
    expect(gl.notes(7).map((n) => n.body)).toEqual(['mine']);
    expect((await call('PUT', `${NOTES}/${note.id}`, { body: 'served' })).status).toBe(200);
  });

  it('runs a hook after a matching request was served: a note deleted between list and edit', async () => {
    const note = gl.seedNote(7, 'sticky', { author: { id: gl.bot.id, username: BOT_USERNAME } });
    gl.afterServed(() => gl.removeNote(7, note.id), { method: 'GET', path: NOTES });
    expect(ids((await call('GET', NOTES)).json)).toEqual([note.id]);
    expect((await call('PUT', `${NOTES}/${note.id}`, { body: 'x' })).status).toBe(404);
    expect(gl.removeNote(7, note.id)).toBe(false);
  });

  it('edits and removes notes as someone else would', async () => {
    const n = gl.seedNote(7, 'first');
    expect(gl.editNote(7, n.id, 'edited elsewhere')).toBe(true);
    expect(gl.notes(7).map((x) => x.body)).toEqual(['edited elsewhere']);
    expect(gl.editNote(8, n.id, 'other MR')).toBe(false);
    expect(gl.removeNote(7, n.id)).toBe(true);
    expect(gl.editNote(7, n.id, 'gone')).toBe(false);
    expect(gl.notes(7)).toEqual([]);
  });
});
