import type { CommentStore } from '../sticky-comment.ts';
import { type GitlabApi, GitlabApiError } from './api.ts';

/** More notes than any merge request has; a server whose "next page" never ends stops here. */
const MAX_PAGES = 100;

interface NoteShape {
  id?: unknown;
  body?: unknown;
  author?: { id?: unknown } | null;
}

function noteId(data: unknown, what: string): number {
  const id = (data as NoteShape | null)?.id;
  if (typeof id !== 'number')
    throw new GitlabApiError(`GitLab answered ${what} with something that is not a note`);
  return id;
}

/** The notes of one merge request. */
export function gitlabNoteStore(api: GitlabApi, project: string | number, iid: number): CommentStore {
  const notes = `projects/${encodeURIComponent(String(project))}/merge_requests/${iid}/notes`;
  let me: Promise<number> | undefined;
  return {
    async list() {
      // Project access tokens post as a bot user; only its notes are ever edited or removed. Who
      // that is must be known: guessing could delete a person's note that quotes our marker.
      me ??= api.call('GET', 'user').then(({ data }) => noteId(data, 'who am I'));
      const self = await me;
      const all: NoteShape[] = [];
      let page = '1';
      for (let n = 0; n < MAX_PAGES && page !== ''; n++) {
        const { data, headers } = await api.call('GET', notes, { query: { per_page: '100', page } });
        if (!Array.isArray(data))
          throw new GitlabApiError('GitLab answered the list of notes with something else');
        all.push(...(data as NoteShape[]));
        const next = headers.get('x-next-page') ?? '';
        page = /^\d+$/.test(next) && Number(next) > Number(page) ? next : '';
      }
      return all.map((note) => ({
        id: noteId(note, 'the list of notes'),
        body: typeof note.body === 'string' ? note.body : '',
        mine: note.author?.id === self,
      }));
    },
    async create(body) {
      return noteId((await api.call('POST', notes, { body: { body } })).data, 'the new note');
    },
    async update(id, body) {
      try {
        await api.call('PUT', `${notes}/${id}`, { body: { body } });
        return true;
      } catch (error) {
        if (error instanceof GitlabApiError && error.status === 404) return false;
        throw error;
      }
    },
    async remove(id) {
      try {
        await api.call('DELETE', `${notes}/${id}`);
      } catch (error) {
        if (!(error instanceof GitlabApiError && error.status === 404)) throw error;
      }
    },
  };
}
