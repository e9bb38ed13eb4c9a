import { clip, encodePath, escapeMarkdown, inlineCode } from './escape.ts';
import type { Context, Control, ReportFinding } from './model.ts';
import { findingsOf, plural } from './model.ts';

const MESSAGE_CHARS = 200;
const RULE_CHARS = 80;
const PATH_CHARS = 120;

/** Keeps the end of a long path (the file name), which says more than its start. */
function clipPath(path: string): string {
  return path.length > PATH_CHARS ? `…${path.slice(path.length - PATH_CHARS + 1)}` : path;
}

function place(f: ReportFinding): string {
  if (!f.path) return '(no location)';
  if (f.line <= 0) return clipPath(f.path);
  return `${clipPath(f.path)}:${f.line}${f.endLine > f.line ? `-${f.endLine}` : ''}`;
}

/** A link to the lines at the head commit when we know both and the file is in the repository. */
function location(f: ReportFinding, ctx: Context): string {
  if (!f.path) return '(no location)';
  if (!ctx.repoUrl || !ctx.headSha || !f.inWorkspace) return inlineCode(place(f));
  const anchor = f.line > 0 ? `#L${f.line}${f.endLine > f.line ? `-L${f.endLine}` : ''}` : '';
  const url = `${ctx.repoUrl}/blob/${ctx.headSha}/${encodePath(f.path)}${anchor}`;
  return `[${escapeMarkdown(place(f))}](${url})`;
}

function row(f: ReportFinding, ctx: Context): string {
  const rule = `${escapeMarkdown(f.scanner)} ${inlineCode(clip(f.ruleName ?? f.ruleId, RULE_CHARS))}`;
  const flags = [f.unmapped ? 'unmapped' : '', f.suppressionRefused ? 'suppression refused' : '']
    .filter(Boolean)
    .map((flag) => ` _(${flag})_`)
    .join('');
  const message = escapeMarkdown(clip(f.message, MESSAGE_CHARS)) || '—';
  return `| ${f.severity} | ${rule} | ${location(f, ctx)} | ${message}${flags} |`;
}

/** The criterion's heading and policy line. */
function heading(c: Control, count: number): string[] {
  const icon = c.verdict === 'fail' ? '❌' : '⚠️';
  return [
    `#### ${icon} ${escapeMarkdown(c.id)} ${escapeMarkdown(c.title)}`,
    '',
    `${plural(count, 'finding')} at or above **${c.severity}** (mode ${c.mode}${c.policySource === 'default' ? '' : `, policy ${escapeMarkdown(c.policySource)}`}).`,
  ];
}

export interface Block {
  text: string;
  shown: number;
  total: number;
}

/** One failing or warning criterion with a table of at most `rows` findings, whole rows only. */
export function criterionTable(
  c: Control,
  index: ReadonlyMap<string, ReportFinding[]>,
  ctx: Context,
  rows: number,
): Block {
  const all = findingsOf(c, index);
  const shown = all.slice(0, rows);
  const lines = heading(c, all.length);
  if (shown.length > 0) {
    lines.push(
      '',
      '| Severity | Rule | Location | Message |',
      '| --- | --- | --- | --- |',
      ...shown.map((f) => row(f, ctx)),
    );
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
