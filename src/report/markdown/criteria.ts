import { otherSources, ruleDocsUrl, ruleLabel } from '../rule-label.ts';
import { clip, encodePath, escapeMarkdown, inlineCode, safeUrl } from './escape.ts';
import type { Context, Control, ReportFinding } from './model.ts';
import { findingsOf, plural } from './model.ts';

/** The place fields every finding row shows, head findings and fixed (base) ones alike. */
type Located = Pick<ReportFinding, 'path' | 'line' | 'endLine'>;

const MESSAGE_CHARS = 200;
const RULE_CHARS = 80;
const PATH_CHARS = 120;

/** Keeps the end of a long path (the file name), which says more than its start. */
function clipPath(path: string): string {
  return path.length > PATH_CHARS ? `…${path.slice(path.length - PATH_CHARS + 1)}` : path;
}

function place(f: Located): string {
  if (!f.path) return '(no location)';
  if (f.line <= 0) return clipPath(f.path);
  return `${clipPath(f.path)}:${f.line}${f.endLine > f.line ? `-${f.endLine}` : ''}`;
}

/**
 * A link to the lines at `commit` (already URL-safe) when we know it, the repository, and the file is
 * in it; otherwise the place as code.
 */
export function locationCell(
  f: Located,
  ctx: Context,
  commit: string | undefined,
  linkable: boolean,
): string {
  if (!f.path) return '(no location)';
  if (!ctx.repoUrl || !commit || !linkable) return inlineCode(place(f));
  const anchor = f.line > 0 ? `#L${f.line}${f.endLine > f.line ? `-L${f.endLine}` : ''}` : '';
  const url = `${ctx.repoUrl}/blob/${commit}/${encodePath(f.path)}${anchor}`;
  return `[${escapeMarkdown(place(f))}](${url})`;
}

type RuleFacts = Pick<ReportFinding, 'scanner' | 'ruleId' | 'ruleName'> & { helpUri?: string | null };

/** Scanner and rule as its users know it, as code (its punctuation shows as written), linked to its docs. */
function oneRule(f: RuleFacts): string {
  const label = inlineCode(clip(ruleLabel(f), RULE_CHARS));
  const url = safeUrl(ruleDocsUrl(f.helpUri));
  return `${escapeMarkdown(f.scanner)} ${url ? `[${label}](${url})` : label}`;
}

/** The rule of a finding, and of every other tool that reported the same problem. */
export function ruleCell(
  f: RuleFacts & { fingerprint: string; sources?: readonly (RuleFacts & { fingerprint: string })[] },
): string {
  return [f, ...otherSources(f)].map(oneRule).join(' + ');
}

/** The scanner's message on one escaped line, short enough that a table row stays readable. */
export function messageCell(message: string): string {
  return escapeMarkdown(clip(message, MESSAGE_CHARS)) || '—';
}

/** New or existing, for a table of findings compared with a base; new is bold because it can block. */
function stateCell(f: ReportFinding): string {
  return f.baselineState === 'unchanged' ? 'existing' : '**new**';
}

/** One finding as a table row; `labels` adds the new/existing column first. */
export function findingRow(f: ReportFinding, ctx: Context, labels = false): string {
  const refused = f.suppressions.some((s) => s.addedByChange)
    ? 'suppression added by this change: refused'
    : 'suppression refused';
  const flags = [f.unmapped ? 'unmapped' : '', f.suppressionRefused ? refused : '']
    .filter(Boolean)
    .map((flag) => ` _(${flag})_`)
    .join('');
  const state = labels ? `${stateCell(f)} | ` : '';
  return `| ${state}${f.severity} | ${ruleCell(f)} | ${locationCell(f, ctx, ctx.headSha, f.inWorkspace)} | ${messageCell(f.message)}${flags} |`;
}

/** The header of a findings table, with the state column when rows carry labels. */
export function findingsTableHead(labels = false): string[] {
  return labels
    ? ['| State | Severity | Rule | Location | Message |', '| --- | --- | --- | --- | --- |']
    : ['| Severity | Rule | Location | Message |', '| --- | --- | --- | --- |'];
}

/** The criterion's heading and policy line, and the existing debt it holds but does not judge. */
function heading(c: Control, count: number): string[] {
  const icon = c.verdict === 'fail' ? '❌' : '⚠️';
  const debt =
    c.existing.length > 0
      ? ` ${plural(c.existing.length, 'existing finding')} predating this change ${c.existing.length === 1 ? 'is' : 'are'} not judged.`
      : '';
  return [
    `#### ${icon} ${escapeMarkdown(c.id)} ${escapeMarkdown(c.title)}`,
    '',
    `${plural(count, 'finding')} at or above **${c.severity}** (mode ${c.mode}${c.policySource === 'default' ? '' : `, policy ${escapeMarkdown(c.policySource)}`}).${debt}`,
  ];
}

export interface Block {
  text: string;
  shown: number;
  total: number;
}

/**
 * One failing or warning criterion with a table of at most `rows` findings, whole rows only; new
 * findings come first, so shortening drops existing ones (judged only in mode full) before them.
 */
export function criterionTable(
  c: Control,
  index: ReadonlyMap<string, ReportFinding[]>,
  ctx: Context,
  rows: number,
  labels = false,
): Block {
  const all = findingsOf(c, index);
  const shown = all.slice(0, rows);
  const lines = heading(c, all.length);
  if (shown.length > 0) {
    lines.push('', ...findingsTableHead(labels), ...shown.map((f) => findingRow(f, ctx, labels)));
  }
  if (all.length > shown.length) lines.push('', `_…and ${all.length - shown.length} more not shown._`);
  return { text: lines.join('\n'), shown: shown.length, total: all.length };
}

/** Without tables: one bullet per criterion with its count and most severe finding's severity. */
export function criterionBullet(c: Control, index: ReadonlyMap<string, ReportFinding[]>): Block {
  const all = findingsOf(c, index);
  const icon = c.verdict === 'fail' ? '❌' : '⚠️';
  const worst = all[0] ? `, worst ${all[0].severity}` : '';
  return {
    text: `- ${icon} **${escapeMarkdown(c.id)}** ${escapeMarkdown(c.title)}: ${plural(all.length, 'finding')}${worst}`,
    shown: 0,
    total: all.length,
  };
}
