import type { JsonReport } from '../json-report-schema.ts';
import { buildBody, makeContext } from './build.ts';
import type { CommentOptions } from './model.ts';

/** The body limit when the caller gives none: GitHub's, which rejects comment bodies longer than this. */
export const DEFAULT_COMMENT_CHARS = 65_536;

/** The hidden marker that finds this comment again: `<!-- controlgate:comment key=<key> -->`. */
export function commentMarker(commentKey: string): string {
  // Only these characters, so a key can never end the HTML comment or forge another marker.
  const key = commentKey.replace(/[^A-Za-z0-9._/-]/g, '-').slice(0, 100) || 'default';
  return `<!-- controlgate:comment key=${key} -->`;
}

/** The sticky PR/MR comment body: decision and failing criteria first, details collapsed, always under maxChars. */
export function renderComment(report: JsonReport, options: CommentOptions): string {
  const ctx = makeContext(options, (c) =>
    [c.detailsHint, c.runUrl ? `the job summary of [this run](${c.runUrl})` : 'the job summary of this run']
      .filter(Boolean)
      .join(' and '),
  );
  const limit = options.maxChars ?? DEFAULT_COMMENT_CHARS;
  return buildBody(report, ctx, limit, (text) => text.length, commentMarker(options.commentKey));
}
