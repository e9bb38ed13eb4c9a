import type { CommentOutcome } from './types.ts';

/** What the upsert did, and the id of the comment that stands (none when it was not written). */
export interface StickyResult {
  outcome: CommentOutcome;
  id: number | null;
}

/** The four calls a platform offers on the comments (notes) of one pull/merge request. */
export interface CommentStore {
  /** `mine`: written by the identity we post as; only those are ever edited or removed. */
  list(): Promise<{ id: number; body: string; mine: boolean }[]>;
  create(body: string): Promise<number>;
  /** False when the comment no longer exists (someone deleted it since it was listed). */
  update(id: number, body: string): Promise<boolean>;
  /** Succeeds when the comment is already gone too. */
  remove(id: number): Promise<void>;
}

/** How often the comments may change under us (deleted, duplicated) before we give up. */
const ATTEMPTS = 3;

async function marked(store: CommentStore, marker: string): Promise<{ id: number; body: string }[]> {
  // A person quoting our marker must not capture (or get deleted as) the sticky comment.
  return (await store.list())
    .filter((c) => c.mine && c.body.split('\n', 1)[0]?.trim() === marker)
    .sort((a, b) => a.id - b.id);
}

/**
 * One sticky comment per marker: found by the marker on its first line, edited in place only when
 * the text changed. Two concurrent runs may both create one; each then keeps the oldest and removes
 * any newer duplicate, so the change ends with exactly one. A comment deleted between the list and
 * the edit (a person, or a concurrent run removing its duplicate) sends us back to the list. With
 * `create: false`, only an existing comment is brought up to date.
 */
export async function upsertStickyComment(
  store: CommentStore,
  marker: string,
  body: string,
  options: { create?: boolean } = {},
): Promise<StickyResult> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const [keep, ...duplicates] = await marked(store, marker);
    if (keep) {
      for (const extra of duplicates) await store.remove(extra.id);
      if (keep.body === body) return { outcome: 'unchanged', id: keep.id };
      if (await store.update(keep.id, body)) return { outcome: 'updated', id: keep.id };
      continue;
    }
    // Everything this comment said is said elsewhere now (inline review comments): none is started.
    if (options.create === false) return { outcome: 'skipped', id: null };
    const created = await store.create(body);
    const oldest = (await marked(store, marker))[0];
    if (!oldest || oldest.id === created) return { outcome: 'created', id: created };
    // Another run created the same comment first: ours is the duplicate.
    await store.remove(created);
    if (oldest.body === body || (await store.update(oldest.id, body)))
      return { outcome: 'updated', id: oldest.id };
  }
  throw new Error(`the comment kept changing under us (${ATTEMPTS} attempts); not posted`);
}
