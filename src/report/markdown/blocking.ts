import { otherSources, ruleDocsUrl, ruleLabel } from '../rule-label.ts';
import { clip, encodePath, escapeMarkdown, inlineCode, safeUrl } from './escape.ts';
import type { Context, ReportFinding } from './model.ts';
import type { RefLinks } from './refs.ts';

/**
 * A message up to this long is the finding's own words and stays in its row ("SSH (TCP:22) is
 * allowed"); a longer one is the rule's explanation and fix, the same for every finding of the rule,
 * and is written once under the tables.
 */
const ROW_MESSAGE_CHARS = 130;
/** A rule's fix text is shown whole, but a scanner could send a book: this is where it stops. */
const FIX_CHARS = 600;
const RULE_CHARS = 80;

/** One problem to show: the finding and the ids of the criteria it fails (or warns). */
export interface Listed {
  finding: ReportFinding;
  criteria: string[];
}

type RuleFacts = Pick<ReportFinding, 'scanner' | 'ruleId' | 'ruleName' | 'helpUri'>;

/** A rule as its users know it, as code, linked to its documentation through a reference. */
function ruleRef(f: RuleFacts, refs: RefLinks, scanner: boolean): string {
  const label = inlineCode(clip(ruleLabel(f), RULE_CHARS));
  const url = safeUrl(ruleDocsUrl(f.helpUri));
  const linked = url ? `[${label}][${refs.label(url)}]` : label;
  return scanner ? `${escapeMarkdown(f.scanner)} ${linked}` : linked;
}

/** The problem's rule and every other tool's rule for it; the scanner's name only where asked. */
export function rulesOf(f: ReportFinding, refs: RefLinks, scanner = false): string {
  return [f, ...otherSources(f)].map((s) => ruleRef(s, refs, scanner)).join(' + ');
}

/** The explanations written once under the tables: text → its number and the rules that use it. */
export class FixTexts {
  readonly #texts = new Map<string, { n: number; rules: ReportFinding[] }>();

  /** The row's message cell: the message itself when short, else a pointer to its numbered text. */
  cell(f: ReportFinding): string {
    const text = clip(f.message, FIX_CHARS);
    if (text.length <= ROW_MESSAGE_CHARS) return escapeMarkdown(text) || '—';
    let entry = this.#texts.get(text);
    if (entry === undefined) {
      entry = { n: this.#texts.size + 1, rules: [] };
      this.#texts.set(text, entry);
    }
    const key = `${f.scanner}\u0000${f.ruleId}`;
    if (!entry.rules.some((r) => `${r.scanner}\u0000${r.ruleId}` === key)) entry.rules.push(f);
    return `see fix ${entry.n}`;
  }

  /** "How to fix", one numbered item per distinct text, naming its rules; nothing when none was long. */
  section(refs: RefLinks): string[] {
    if (this.#texts.size === 0) return [];
    return [
      '**How to fix**',
      '',
      ...[...this.#texts].map(
        ([text, { n, rules }]) =>
          `${n}. ${rules.map((r) => ruleRef(r, refs, false)).join(', ')}: ${escapeMarkdown(text)}`,
      ),
    ];
  }
}

function flags(f: ReportFinding): string {
  const refused = f.suppressions.some((s) => s.addedByChange)
    ? 'suppression added by this change: refused'
    : 'suppression refused';
  return [f.unmapped ? 'unmapped' : '', f.suppressionRefused ? refused : '']
    .filter(Boolean)
    .map((flag) => ` _(${flag})_`)
    .join('');
}

/** The line cell: a link to the lines at the head commit when the file is in the repository. */
function lineCell(f: ReportFinding, ctx: Context): string {
  if (f.line <= 0) return '—';
  const lines = `${f.line}${f.endLine > f.line ? `-${f.endLine}` : ''}`;
  if (!ctx.repoUrl || !ctx.headSha || !f.inWorkspace || !f.path) return lines;
  const anchor = `#L${f.line}${f.endLine > f.line ? `-L${f.endLine}` : ''}`;
  return `[${lines}](${ctx.repoUrl}/blob/${ctx.headSha}/${encodePath(f.path)}${anchor})`;
}

/** Problems by file, in the report's order of files (the most severe problem's file first). */
function byFile(listed: readonly Listed[]): Map<string, Listed[]> {
  const files = new Map<string, Listed[]>();
  for (const l of listed) files.set(l.finding.path, [...(files.get(l.finding.path) ?? []), l]);
  // Within a file, in the order of its lines: the order the developer goes through it.
  for (const items of files.values()) items.sort((a, b) => a.finding.line - b.finding.line);
  return files;
}

export interface TableOptions {
  /** Adds the New/Existing column: only when the list mixes both. */
  state: boolean;
  /** At most this many rows in all; the caller says how many were left out. */
  rows: number;
}

/**
 * The problems grouped by file: a bold line names the file once (on one line, where a row in a
 * table would wrap it), then a table of its problems by line, with the criteria each fails.
 */
export function fileTables(
  listed: readonly Listed[],
  ctx: Context,
  refs: RefLinks,
  fixes: FixTexts,
  options: TableOptions,
): { lines: string[]; shown: number } {
  const head = options.state
    ? ['| Line | State | Severity | Rule | Criteria | Problem |', '| --- | --- | --- | --- | --- | --- |']
    : ['| Line | Severity | Rule | Criteria | Problem |', '| --- | --- | --- | --- | --- |'];
  const lines: string[] = [];
  let shown = 0;
  for (const [path, items] of byFile(listed)) {
    if (shown >= options.rows) break;
    const rows = items.slice(0, options.rows - shown);
    shown += rows.length;
    const name = path ? inlineCode(clip(path, 160)) : '(no location)';
    const more = items.length > rows.length ? ` (${rows.length} of ${items.length})` : '';
    lines.push('', `**${name}**${more}`, '', ...head);
    for (const { finding: f, criteria } of rows) {
      const state = options.state ? ` ${f.baselineState === 'unchanged' ? 'existing' : '**new**'} |` : '';
      const crit = criteria.map((c) => escapeMarkdown(c)).join(', ') || '—';
      lines.push(
        `| ${lineCell(f, ctx)} |${state} ${f.severity} | ${rulesOf(f, refs)} | ${crit} | ${fixes.cell(f)}${flags(f)} |`,
      );
    }
  }
  return { lines: lines.slice(1), shown };
}
