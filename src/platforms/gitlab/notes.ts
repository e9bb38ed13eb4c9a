import type { CommentStore } from '../sticky-comment.ts';
import type { GitlabClient } from './client.ts';
import { GitlabApiError } from './requester.ts';

/** More notes than any merge request has; gitbeaker stops following "next" links there. */
const MAX_PAGES = 100;
const PER_PAGE = 100;

interface NoteShape {
  id?: unknown;
  body?: unknown;
  author?: { id?: unknown } | null;
}

// gitbeaker's types describe what GitLab should send; what a proxy or a broken server sends is checked.
function noteId(data: unknown, what: string): number {
  const id = (data as NoteShape | null)?.id;
  if (typeof id !== 'number')
    throw new GitlabApiError(`GitLab answered ${what} with something that is not a note`);
  return id;
}

/** The notes of one merge request. */
export function gitlabNoteStore(gitlab: GitlabClient, project: string | number, iid: number): CommentStore {
  let me: Promise<number> | undefined;
  return {
    async list() {
      // Project access tokens post as a bot user; only its notes are ever edited or removed. Who
      // that is must be known: guessing could delete a person's note that quotes our marker.
      me ??= gitlab.users.showCurrentUser().then((user) => noteId(user, 'who am I'));
      const self = await me;
      const all: unknown = await gitlab.notes.all(project, iid, { perPage: PER_PAGE, maxPages: MAX_PAGES });
      if (!Array.isArray(all))
        throw new GitlabApiError('GitLab answered the list of notes with something else');
      return (all as NoteShape[]).map((note) => ({
        id: noteId(note, 'the list of notes'),
        body: typeof note.body === 'string' ? note.body : '',
        mine: note.author?.id === self,
      }));
    },
    async create(body) {
      return noteId(await gitlab.notes.create(project, iid, body), 'the new note');
    },
    async update(id, body) {
      try {
        await gitlab.notes.edit(project, iid, id, { body });
        return true;
      } catch (error) {
        if (error instanceof GitlabApiError && error.status === 404) return false;
        throw error;
      }
    },
    async remove(id) {
      try {
        await gitlab.notes.remove(project, iid, id);
      } catch (error) {
        if (!(error instanceof GitlabApiError && error.status === 404)) throw error;
      }
    },
  };
}
