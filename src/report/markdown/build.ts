import type { JsonReport } from '../json-report-schema.ts';
import { FixTexts, fileTables, type Listed } from './blocking.ts';
import { existingSection, fixedSection } from './comparison.ts';
import { collapsed, detailSections } from './details.ts';
import { flatten, safeUrl, trustedInline } from './escape.ts';
import { footer, headline, runFacts, shortenedNote } from './headline.ts';
import type { CommentOptions, Context, ReportFinding, Shape } from './model.ts';
import { indexFindings, plural, problemsOf } from './model.ts';
import { RefLinks } from './refs.ts';
import { waiverSnippet } from './waiver-snippet.ts';

export type RenderOptions = Omit<CommentOptions, 'commentKey' | 'maxChars'>;

const ALL = Number.POSITIVE_INFINITY;
/** Non-blocking, existing and fixed problems are context: a short list at most, the rest elsewhere. */
const SIDE_ROWS = 20;

/**
 * From the most to the least detail; the first shape that fits is used. The first ones must also fit
 * the readable budget: their extras (every waiver entry, the side lists) are folded, but a comment
 * several screens long is not read. Past the budget every blocking problem stays listed, with its
 * fix, as long as the hard limit allows; then rows go, most severe kept.
 */
export const COMMENT_SHAPES: readonly Shape[] = [
  {
    rows: ALL,
    fixes: true,
    snippets: 'all',
    sideRows: SIDE_ROWS,
    details: 'full',
    named: ALL,
    readable: true,
  },
  {
    rows: ALL,
    fixes: true,
    snippets: 'first',
    sideRows: SIDE_ROWS,
    details: 'full',
    named: ALL,
    readable: true,
  },
  { rows: ALL, fixes: true, snippets: 'first', sideRows: 0, details: 'full', named: ALL, readable: true },
  { rows: ALL, fixes: true, snippets: 'first', sideRows: 0, details: 'short', named: ALL, readable: false },
  { rows: ALL, fixes: false, snippets: 'first', sideRows: 0, details: 'short', named: ALL, readable: false },
  { rows: 100, fixes: false, snippets: 'first', sideRows: 0, details: 'short', named: ALL, readable: false },
  { rows: 25, fixes: false, snippets: 'none', sideRows: 0, details: 'short', named: ALL, readable: false },
  { rows: 5, fixes: false, snippets: 'none', sideRows: 0, details: 'none', named: ALL, readable: false },
  { rows: 0, fixes: false, snippets: 'none', sideRows: 0, details: 'none', named: 10, readable: false },
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

/** What one rendering works from: the report, its findings by fingerprint, and the lists to show. */
export interface Prepared {
  report: JsonReport;
  index: ReadonlyMap<string, ReportFinding[]>;
  /** Problems of failing criteria, each once. */
  blocking: Listed[];
  /** Problems of warning criteria that do not also block. */
  warning: Listed[];
  /**
   * Problems under every threshold they meet, introduced by the change (all of them without a
   * base): they block nothing, and a developer may still fix them while the code is fresh.
   */
  below: Listed[];
}

/** Indexes the report and picks out its blocking and warning problems, once for every shape tried. */
export function prepare(report: JsonReport): Prepared {
  const index = indexFindings(report);
  const blocking = problemsOf(report, index, 'fail');
  const listed = new Set(
    [...blocking, ...problemsOf(report, index, 'warn')].map((l) => l.finding.fingerprint),
  );
  const warning = problemsOf(report, index, 'warn', new Set(blocking.map((l) => l.finding.fingerprint)));
  const compared = report.baseline?.status === 'compared';
  const below = problemsOf(report, index, 'below', listed).filter(
    (l) => !compared || l.finding.baselineState === 'new',
  );
  return { report, index, blocking, warning, below };
}

/**
 * A folded list of problems that block nothing: its tables, then its own "How to fix" (the numbers
 * its rows point to are this section's, not the blocking list's).
 */
function foldedProblems(
  title: string,
  listed: readonly Listed[],
  ctx: Context,
  refs: RefLinks,
  rows: number,
  always: boolean,
): string | undefined {
  if (listed.length === 0) return undefined;
  const fixes = new FixTexts();
  const table = fileTables(listed, ctx, refs, fixes, { state: false, rows });
  // A fold with no row repeats the count "Other findings" already gives; only lists earn one.
  if (!always && table.shown === 0) return undefined;
  const rest = listed.length - table.shown;
  const how = fixes.section(refs);
  return collapsed(title, [
    ...table.lines,
    ...(rest > 0 ? [...(table.shown > 0 ? [''] : []), `_…and ${rest} more in ${ctx.elsewhere}._`] : []),
    ...(how.length > 0 ? ['', ...how] : []),
  ]);
}

/** The problems of warning criteria: they do not block, so they are folded. */
function warningSection(p: Prepared, ctx: Context, refs: RefLinks, rows: number): string | undefined {
  const title = `Not blocking: ${plural(p.warning.length, 'problem')} of criteria in warn mode`;
  // Warn-mode problems are named nowhere else: the fold stays, with a count, when rows do not fit.
  return foldedProblems(title, p.warning, ctx, refs, rows, true);
}

/** New problems under the blocking threshold: folded, so the change's author sees them without a hunt. */
function belowSection(p: Prepared, ctx: Context, refs: RefLinks, rows: number): string | undefined {
  const fresh = p.report.baseline?.status === 'compared' ? 'new ' : '';
  const title = `Below the blocking threshold: ${plural(p.below.length, `${fresh}problem`)}`;
  return foldedProblems(title, p.below, ctx, refs, rows, false);
}

function render(
  p: Prepared,
  ctx: Context,
  shape: Shape,
  marker: string | undefined,
  shortened: boolean,
): string {
  const { report } = p;
  const refs = new RefLinks();
  const fixes = new FixTexts();
  const problems = p.blocking.map((l) => l.finding);
  const parts = [...(marker ? [marker] : []), ...headline(report, problems, shape, ctx)];
  if (problems.length === 0 && p.warning.length > 0) {
    parts.push(
      '',
      `⚠️ ${plural(p.warning.length, 'problem')} of criteria in warn mode: not blocking, folded below.`,
    );
  }
  if (problems.length === 0 && p.below.length > 0) {
    const fresh = report.baseline?.status === 'compared' ? 'new ' : '';
    parts.push(
      '',
      `${plural(p.below.length, `${fresh}problem`)} below the blocking threshold, folded below: worth fixing while the code is fresh.`,
    );
  }
  // Existing problems are listed as blocking only when the policy judges them (mode full).
  const mixed = p.blocking.some((l) => l.finding.baselineState === 'unchanged');
  const table = fileTables(p.blocking, ctx, refs, fixes, { state: mixed, rows: shape.rows });
  if (shortened) parts.push('', shortenedNote(shape, table.shown, p.blocking.length, ctx));
  if (table.shown > 0) parts.push('', ...table.lines);
  const rest = p.blocking.length - table.shown;
  if (rest > 0 && table.shown > 0) parts.push('', `_…and ${rest} more not shown._`);
  if (shape.fixes) {
    const how = fixes.section(refs);
    if (how.length > 0) parts.push('', ...how);
  }
  const folded: (string | undefined)[] = [];
  if (shape.snippets !== 'none' && problems.length > 0) {
    folded.push(waiverSnippet(problems.slice(0, shape.rows), shape.snippets === 'all', ctx.elsewhere));
  }
  if (shape.details !== 'none') {
    folded.push(
      warningSection(p, ctx, refs, shape.sideRows),
      belowSection(p, ctx, refs, shape.sideRows),
      existingSection(report, p.index, ctx, shape.sideRows),
      fixedSection(report, ctx, shape.sideRows),
      ...detailSections(report, shape.details === 'full', runFacts(report, shape)),
    );
  }
  for (const section of folded) if (section) parts.push('', section);
  if (ctx.evidence) parts.push('', ctx.evidence);
  const definitions = refs.definitions();
  if (definitions.length > 0) parts.push('', ...definitions);
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

export interface Limits {
  /** Hard: the platform refuses a longer body. */
  limit: number;
  /** Soft: past it, folded extras give way (see Shape.readable). */
  readable: number;
  measure: (text: string) => number;
  /** From the most to the least detail; the comment's by default. */
  shapes?: readonly Shape[];
}

/**
 * Renders the report with the most detail that fits, dropping detail in a fixed order, so a huge
 * scan still yields a valid body that says where the rest is.
 */
export function buildBody(report: JsonReport, ctx: Context, limits: Limits, marker?: string): string {
  const p = prepare(report);
  const { limit, readable, measure, shapes = COMMENT_SHAPES } = limits;
  let shortened = false;
  for (const shape of shapes) {
    const cap = shape.readable ? Math.min(limit, readable) : limit;
    // Past the readable budget is not "shortened": nothing is missing that the list needs.
    const body = render(p, ctx, shape, marker, shortened);
    if (measure(body) <= cap) return body;
    if (!shape.readable) shortened = true;
  }
  // Nothing fits (a tiny limit or a huge details hint): the decision and the note, then whole lines.
  const last = shapes[shapes.length - 1] as Shape;
  const [title = ''] = headline(
    report,
    p.blocking.map((l) => l.finding),
    last,
    ctx,
  );
  const note = shortenedNote(last, 0, p.blocking.length, ctx);
  return firstLines([...(marker ? [marker] : []), title, '', note].join('\n'), limit, measure);
}
