import { describe, expect, it } from 'vitest';
import { type CommentStore, upsertStickyComment } from '../../../src/platforms/sticky-comment.ts';

/** A store in memory: the comments, and what was written. */
function store(comments: { id: number; body: string; mine: boolean }[]) {
  const writes: string[] = [];
  const s: CommentStore = {
    list: async () => comments.map((c) => ({ ...c })),
    async create(body) {
      writes.push(`create ${body}`);
      comments.push({ id: 99, body, mine: true });
      return 99;
    },
    async update(id, body) {
      writes.push(`update ${id} ${body}`);
      const c = comments.find((x) => x.id === id);
      if (c) c.body = body;
      return c !== undefined;
    },
    async remove(id) {
      writes.push(`remove ${id}`);
    },
  };
  return { s, writes };
}

const MARKER = '<!-- controlgate:comment key=default -->';

describe('upsertStickyComment with create: false', () => {
  it('starts no comment', async () => {
    const { s, writes } = store([]);
    expect(await upsertStickyComment(s, MARKER, `${MARKER}\nnew`, { create: false })).toEqual({
      outcome: 'skipped',
      id: null,
    });
    expect(writes).toEqual([]);
  });

  it('still brings an earlier comment up to date', async () => {
    const { s, writes } = store([{ id: 1, body: `${MARKER}\nold`, mine: true }]);
    expect(await upsertStickyComment(s, MARKER, `${MARKER}\nnew`, { create: false })).toEqual({
      outcome: 'updated',
      id: 1,
    });
    expect(writes).toEqual([`update 1 ${MARKER}\nnew`]);
  });
});
