import type { JsonReport } from '../json-report-schema.ts';
import { buildBody, COMMENT_SHAPES, makeContext } from './build.ts';
import { safeUrl, trustedInline } from './escape.ts';
import type { CommentOptions, Shape } from './model.ts';

/** GitHub's job summary limit is 1 MiB per step; we stay under it counting UTF-8 bytes. */
export const JOB_SUMMARY_LIMIT = 1_000_000;

/** Where the run's evidence is, said only as far as it is true. */
export interface EvidenceLink {
  /** Trusted Markdown, e.g. the artifact's name and digests, or the folder the bundle was written to. */
  text: string;
  /** The artifact's page, when the platform stored it and said its id. */
  url?: string;
}

export interface SummaryOptions extends Omit<CommentOptions, 'commentKey'> {
  /** Absent when the run kept no evidence anyone can reach: then the summary says nothing of it. */
  evidence?: EvidenceLink;
}

/**
 * The summary has room the comment has not: every list in full first (the comment's readable budget
 * does not apply), then the comment's shapes should a report outgrow even 1 MiB.
 */
const SUMMARY_SHAPES: readonly Shape[] = [
  {
    rows: Number.POSITIVE_INFINITY,
    fixes: true,
    snippets: 'all',
    sideRows: Number.POSITIVE_INFINITY,
    details: 'full',
    named: Number.POSITIVE_INFINITY,
    readable: false,
  },
  ...COMMENT_SHAPES.map((shape) => ({ ...shape, readable: false })),
];

/** The artifact's page on GitHub: the run's address, then `/artifacts/<id>`. */
export function artifactUrl(runUrl: string | undefined, id: number | null): string | undefined {
  return runUrl && id !== null ? `${runUrl.replace(/\/+$/, '')}/artifacts/${id}` : undefined;
}

function evidenceLine(evidence: EvidenceLink | undefined): string | undefined {
  if (!evidence) return undefined;
  const text = trustedInline(evidence.text);
  const url = safeUrl(evidence.url);
  return `**Evidence:** ${url ? `[${text}](${url})` : text}`;
}

/**
 * The GitHub job summary: the decision first, then the whole list of what blocks and everything the
 * comment folds or leaves out (up to ~1 MiB), waiver entries for every blocking problem, and where
 * the evidence is only when it is somewhere. No marker: it is not found again, it is rewritten.
 */
export function renderJobSummary(report: JsonReport, options: SummaryOptions): string {
  const evidence = evidenceLine(options.evidence);
  const ctx = makeContext(
    options,
    (c) => c.detailsHint ?? (evidence ? 'the evidence (below)' : 'the JSON report (`--format json`)'),
  );
  const limit = options.maxChars ?? JOB_SUMMARY_LIMIT;
  // Bytes are never fewer than UTF-16 characters, so this also keeps the body under `limit` characters.
  const measure = (text: string) => Buffer.byteLength(text, 'utf8');
  return buildBody(
    report,
    { ...ctx, ...(evidence ? { evidence } : {}) },
    {
      limit,
      readable: limit,
      measure,
      shapes: SUMMARY_SHAPES,
    },
  );
}
