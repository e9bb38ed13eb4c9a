import type { JsonReport } from '../json-report-schema.ts';
import { buildBody, makeContext } from './build.ts';
import type { CommentOptions } from './model.ts';

/** GitHub's job summary limit is 1 MiB per step; we stay under it counting UTF-8 bytes. */
export const JOB_SUMMARY_LIMIT = 1_000_000;

/** The GitHub job summary (same content, more room: up to ~1 MiB; no marker). */
export function renderJobSummary(report: JsonReport, options: Omit<CommentOptions, 'commentKey'>): string {
  const ctx = makeContext(options, (c) => c.detailsHint ?? 'the JSON report (`--format json`)');
  const limit = options.maxChars ?? JOB_SUMMARY_LIMIT;
  // Bytes are never fewer than UTF-16 characters, so this also keeps the body under `limit` characters.
  const measure = (text: string) => Buffer.byteLength(text, 'utf8');
  return buildBody(report, ctx, { limit, readable: limit, measure });
}
