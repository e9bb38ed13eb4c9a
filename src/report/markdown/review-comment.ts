import type { JsonReport } from '../json-report-schema.ts';
import { ruleDocsUrl, ruleLabel } from '../rule-label.ts';
import type { LineSuggestion } from '../suggestion.ts';
import { escapeMarkdown, inlineCode, safeUrl } from './escape.ts';

type ReportFinding = JsonReport['findings'][number];

const SEVERITY_WORDS: Record<ReportFinding['severity'], string> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  info: 'Info',
};

/** Only these characters, so neither a key nor a fingerprint can end the HTML comment or forge another marker. */
function markerWord(text: string, fallback: string): string {
  return text.replace(/[^A-Za-z0-9._/-]/g, '-').slice(0, 100) || fallback;
}

/** The key as review markers carry it (sanitized as the sticky comment's marker sanitizes it). */
export function reviewMarkerKey(commentKey: string): string {
  return markerWord(commentKey, 'default');
}

/** The hidden first line of one inline comment: which run's comments it belongs to and which problem it is about. */
export function reviewMarker(commentKey: string, fingerprint: string): string {
  return `<!-- controlgate:review key=${reviewMarkerKey(commentKey)} fingerprint=${markerWord(fingerprint, 'none')} -->`;
}

const MARKER = /^<!-- controlgate:review key=([A-Za-z0-9._/-]+) fingerprint=([A-Za-z0-9._/-]+) -->$/;

/**
 * The key and fingerprint of a body's marker, when its first line is one: a person quoting the
 * marker further down, or writing it after other text, never makes the comment ours.
 */
export function readReviewMarker(body: string): { key: string; fingerprint: string } | undefined {
  const match = MARKER.exec(body.split('\n', 1)[0]?.trim() ?? '');
  return match ? { key: match[1] as string, fingerprint: match[2] as string } : undefined;
}

/** A fence longer than any run of backticks in the lines, so no line of code can close the block early. */
function fenceFor(lines: readonly string[]): string {
  const longest = Math.max(0, ...lines.flatMap((l) => (l.match(/`+/g) ?? []).map((run) => run.length)));
  return '`'.repeat(Math.max(3, longest + 1));
}

export interface ReviewCommentOptions {
  commentKey: string;
  /** The problem's id in the marker; default its fingerprint (`<fingerprint>.2` for the same code found again). */
  id?: string;
  /** The tool's fix as whole lines of the head file, when it fits there and the comment covers those lines. */
  suggestion?: LineSuggestion;
  /**
   * Whose suggestion syntax: GitHub's covers the comment's lines; GitLab's sits on the last line and
   * says how many lines above it the suggestion replaces (`suggestion:-2+0`).
   */
  flavor?: 'github' | 'gitlab';
}

/**
 * The body of one inline review comment: marker, severity, rule (linked to its documentation only
 * on known hosts), criteria, the whole message escaped, the fix as a suggestion a reviewer can
 * commit, and how to waive it. A secret never gets a suggestion: its fix would quote the code.
 */
export function renderReviewComment(finding: ReportFinding, options: ReviewCommentOptions): string {
  const rule = inlineCode(ruleLabel(finding));
  const docs = safeUrl(ruleDocsUrl(finding.helpUri));
  const criteria = finding.criteria.length > 0 ? finding.criteria.map(escapeMarkdown).join(', ') : 'none';
  const lines = [
    reviewMarker(options.commentKey, options.id ?? finding.fingerprint),
    `**${SEVERITY_WORDS[finding.severity]}** · ${docs ? `[${rule}](${docs})` : rule} · SOC 2 ${criteria} · new in this change, blocks the merge`,
    '',
    escapeMarkdown(finding.message),
  ];
  const suggestion = finding.secret ? undefined : options.suggestion;
  if (suggestion) {
    const fence = fenceFor(suggestion.lines);
    const said = finding.fix?.description ? ` ${escapeMarkdown(finding.fix.description)}` : '';
    lines.push('', `Suggested fix from ${escapeMarkdown(finding.scanner)}:${said}`, '');
    const above = suggestion.endLine - suggestion.startLine;
    const info = options.flavor === 'gitlab' ? `suggestion:-${above}+0` : 'suggestion';
    lines.push(`${fence}${info}`, ...suggestion.lines, fence);
  }
  lines.push(
    '',
    `<sub>To accept the risk instead, add a waiver with \`fingerprint: ${markerWord(finding.fingerprint, 'none')}\`, a reason, an approver, a ticket and an expiry date to the waivers file on the base branch.</sub>`,
  );
  return `${lines.join('\n')}\n`;
}
