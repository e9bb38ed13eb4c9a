import { Gitlab } from '@gitbeaker/rest';
import pRetry, { AbortError } from 'p-retry';
import type { CommentStore } from '../sticky-comment.ts';

type GitlabClient = InstanceType<typeof Gitlab>;

/** The HTTP status gitbeaker attaches to a failed request, if any. */
function statusOf(error: unknown): number | undefined {
  const cause = (error as { cause?: { response?: { status?: unknown } } } | null)?.cause;
  const status = cause?.response?.status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * gitbeaker retries only 429 and 502; a merge-request note must survive any 5xx or a dropped
 * connection too, so every call goes through this (exponential back-off, 4 attempts).
 */
async function withRetry<T>(call: () => Promise<T>): Promise<T> {
  return pRetry(
    async () => {
      try {
        return await call();
      } catch (error) {
        const status = statusOf(error);
        if (status !== undefined && status < 500 && status !== 429)
          throw new AbortError(error instanceof Error ? error : String(error));
        throw error;
      }
    },
    { retries: 3, minTimeout: 300, factor: 2 },
  );
}

export function gitlabClient(host: string, token: string): GitlabClient {
  return new Gitlab({ host, token });
}

/** The notes of one merge request, through gitbeaker, with retries on 5xx. */
export function gitlabNoteStore(client: GitlabClient, project: string | number, iid: number): CommentStore {
  let me: Promise<number | undefined> | undefined;
  return {
    async list() {
      // Project access tokens post as a bot user; only its notes are ever edited or removed.
      me ??= withRetry(() => client.Users.showCurrentUser()).then(
        (u) => u.id,
        () => undefined,
      );
      const self = await me;
      const notes = await withRetry(() => client.MergeRequestNotes.all(project, iid, { perPage: 100 }));
      return notes.map((n) => ({
        id: n.id,
        body: n.body ?? '',
        mine: self === undefined || n.author?.id === self,
      }));
    },
    async create(body) {
      return (await withRetry(() => client.MergeRequestNotes.create(project, iid, body))).id;
    },
    async update(id, body) {
      await withRetry(() => client.MergeRequestNotes.edit(project, iid, id, { body }));
    },
    async remove(id) {
      await withRetry(() => client.MergeRequestNotes.remove(project, iid, id));
    },
  };
}
