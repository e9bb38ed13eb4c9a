import type { JsonReport } from '../json-report-schema.ts';
import { buildBody, makeContext } from './build.ts';
import type { CommentOptions } from './model.ts';

/** The body limit when the caller gives none: GitHub's, which rejects comment bodies longer than this. */
export const DEFAULT_COMMENT_CHARS = 65_536;

/**
 * What a comment aims at: about two screens at GitHub's width. Past it the folded extras (every
 * waiver entry, the lists of other problems) are left to the job summary; the blocking list is not.
 */
export const READABLE_COMMENT_CHARS = 8_000;

/** The hidden marker that finds this comment again: `<!-- controlgate:comment key=<key> -->`. */
export function commentMarker(commentKey: string): string {
  // Only these characters, so a key can never end the HTML comment or forge another marker.
  const key = commentKey.replace(/[^A-Za-z0-9._/-]/g, '-').slice(0, 100) || 'default';
  return `<!-- controlgate:comment key=${key} -->`;
}

/**
 * The sticky PR/MR comment body, written for the developer whose change it judges: the decision and
 * what to do, each blocking problem once by file with its fix, the rest folded; always under maxChars.
 */
export function renderComment(report: JsonReport, options: CommentOptions): string {
  const ctx = makeContext(options, (c) =>
    [c.detailsHint, c.runUrl ? `the job summary of [this run](${c.runUrl})` : 'the job summary of this run']
      .filter(Boolean)
      .join(' and '),
  );
  const limit = options.maxChars ?? DEFAULT_COMMENT_CHARS;
  return buildBody(
    report,
    ctx,
    { limit, readable: READABLE_COMMENT_CHARS, measure: (text) => text.length },
    commentMarker(options.commentKey),
  );
}
