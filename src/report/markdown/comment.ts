import type { JsonReport } from '../json-report.ts';
import { buildBody, makeContext } from './build.ts';

export interface CommentOptions {
  /** Identifies this comment among several jobs/components; goes into the hidden marker. */
  commentKey: string;
  /** e.g. "https://github.com/octo/shop" — file links are `${repoUrl}/blob/${headSha}/${path}#L${line}-L${endLine}`. */
  repoUrl?: string;
  headSha?: string;
  /** Where the full details are, e.g. "the `controlgate-evidence` artifact of this run" and a link to the run. */
  detailsHint?: string;
  runUrl?: string;
  /** Hard limit on the body length in characters; GitHub's is 65,536. */
  maxChars?: number;
}

/** GitHub rejects comment bodies longer than this many characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;

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
  const limit = options.maxChars ?? GITHUB_COMMENT_LIMIT;
  return buildBody(report, ctx, limit, (text) => text.length, commentMarker(options.commentKey));
}
