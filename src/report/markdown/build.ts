import type { JsonReport } from '../json-report-schema.ts';
import { existingSection, fixedSection } from './comparison.ts';
import { type Block, criterionBullet, criterionTable } from './criteria.ts';
import { detailSections } from './details.ts';
import { flatten, safeUrl, trustedInline } from './escape.ts';
import { footer, headline, shortenedNote } from './headline.ts';
import type { CommentOptions, Context, ReportFinding, Shape } from './model.ts';
import { findingsOf, flagged, indexFindings } from './model.ts';

export type RenderOptions = Omit<CommentOptions, 'commentKey' | 'maxChars'>;

const ALL = Number.POSITIVE_INFINITY;
/** Existing debt and fixed findings are context: a short list at most, the rest in the full report. */
const SIDE_ROWS = 20;
const SHORT = { list: false, details: 'short', titles: true, named: ALL, sideRows: 0 } as const;
const NONE = { rows: 0, list: false, details: 'none', sideRows: 0 } as const;

/**
 * From the most to the least detail; the first shape that fits is used. The lists of existing and
 * fixed findings go first, so every new finding stays listed as long as anything is.
 */
const SHAPES: readonly Shape[] = [
  { rows: ALL, list: false, details: 'full', titles: true, named: ALL, sideRows: SIDE_ROWS },
  { rows: ALL, list: false, details: 'full', titles: true, named: ALL, sideRows: 0 },
  { ...SHORT, rows: ALL },
  { ...SHORT, rows: 25 },
  { ...SHORT, rows: 10 },
  { ...SHORT, rows: 3 },
  { ...SHORT, rows: 0, list: true },
  { ...NONE, titles: true, named: ALL },
  { ...NONE, titles: false, named: ALL },
  { ...NONE, titles: false, named: 10 },
];

/** Sanitizes the caller's options once; `elsewhere` says where the full list is when this is shortened. */
export function makeContext(options: RenderOptions, elsewhere: (ctx: Context) => string): Context {
  const repoUrl = safeUrl(options.repoUrl)?.replace(/\/+$/, '');
  const headSha = options.headSha ? encodeURIComponent(flatten(options.headSha)) : undefined;
  const ctx: Context = {
    ...(repoUrl ? { repoUrl } : {}),
    ...(headSha ? { headSha } : {}),
    ...(safeUrl(options.runUrl) ? { runUrl: safeUrl(options.runUrl) } : {}),
    ...(options.detailsHint && flatten(options.detailsHint)
      ? { detailsHint: trustedInline(options.detailsHint) }
      : {}),
    ...(options.unverified ? { unverified: trustedInline(options.unverified) } : {}),
    elsewhere: '',
  };
  return { ...ctx, elsewhere: elsewhere(ctx) };
}

/** Whether shortening can drop a list of existing or fixed findings (then the note says so). */
function hasSideLists(report: JsonReport): boolean {
  return report.controls.some((c) => c.existing.length > 0) || report.fixed.length > 0;
}

function render(
  report: JsonReport,
  index: ReadonlyMap<string, ReportFinding[]>,
  ctx: Context,
  shape: Shape,
  marker: string | undefined,
  shortened: boolean,
): string {
  const labels = report.baseline?.status === 'compared';
  const blocks: Block[] = flagged(report).map((c) =>
    shape.rows > 0
      ? criterionTable(c, index, ctx, shape.rows, labels)
      : shape.list
        ? criterionBullet(c, index)
        : { text: '', shown: 0, total: findingsOf(c, index).length },
  );
  const shown = blocks.reduce((n, b) => n + b.shown, 0);
  const total = blocks.reduce((n, b) => n + b.total, 0);
  const side =
    shape.details === 'none'
      ? []
      : [
          existingSection(report, index, ctx, shape.sideRows),
          fixedSection(report, ctx, shape.sideRows),
        ].filter((s): s is string => s !== undefined);
  const parts = [...(marker ? [marker] : []), ...headline(report, shape, ctx)];
  if (shortened) parts.push('', shortenedNote(shape, shown, total, ctx, hasSideLists(report)));
  if (shape.rows > 0) for (const b of blocks) parts.push('', b.text);
  else if (shape.list && blocks.length > 0) parts.push('', blocks.map((b) => b.text).join('\n'));
  for (const section of side) parts.push('', section);
  if (shape.details !== 'none') {
    for (const section of detailSections(report, shape.details === 'full')) parts.push('', section);
  }
  parts.push('', footer(report, ctx));
  return `${parts.join('\n')}\n`;
}

/** Whole lines from the start that fit; only reached when even the smallest shape is too long. */
function firstLines(body: string, limit: number, measure: (text: string) => number): string {
  const lines = body.split('\n');
  while (lines.length > 1 && measure(`${lines.join('\n')}\n`) > limit) lines.pop();
  const text = `${lines.join('\n')}\n`;
  return measure(text) <= limit ? text : '';
}

/**
 * Renders the report with the most detail that fits in `limit` (as counted by `measure`), dropping
 * detail in a fixed order, so a huge scan still yields a valid body that says where the rest is.
 */
export function buildBody(
  report: JsonReport,
  ctx: Context,
  limit: number,
  measure: (text: string) => number,
  marker?: string,
): string {
  const index = indexFindings(report);
  for (const [i, shape] of SHAPES.entries()) {
    const body = render(report, index, ctx, shape, marker, i > 0);
    if (measure(body) <= limit) return body;
  }
  // Nothing fits (a tiny limit or a huge details hint): the decision and the note, then whole lines.
  const last = SHAPES[SHAPES.length - 1] as Shape;
  const [title = ''] = headline(report, last, ctx);
  const total = flagged(report).reduce((n, c) => n + findingsOf(c, index).length, 0);
  const note = shortenedNote(last, 0, total, ctx);
  return firstLines([...(marker ? [marker] : []), title, '', note].join('\n'), limit, measure);
}
