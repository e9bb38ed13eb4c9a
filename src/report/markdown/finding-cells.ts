import { otherSources, ruleDocsUrl, ruleLabel } from '../rule-label.ts';
import { clip, encodePath, escapeMarkdown, inlineCode, safeUrl } from './escape.ts';
import type { Context, ReportFinding } from './model.ts';

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

/** One finding as a table row of the folded lists (existing debt): severity, rule, place, message. */
export function findingRow(f: ReportFinding, ctx: Context): string {
  return `| ${f.severity} | ${ruleCell(f)} | ${locationCell(f, ctx, ctx.headSha, f.inWorkspace)} | ${messageCell(f.message)} |`;
}

/** The header of a findings table of the folded lists. */
export function findingsTableHead(): string[] {
  return ['| Severity | Rule | Location | Message |', '| --- | --- | --- | --- |'];
}
