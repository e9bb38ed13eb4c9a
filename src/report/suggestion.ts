import type { FixReplacement } from '../findings/finding.ts';

/**
 * A tool's fix as whole lines: what GitHub's ```suggestion block and a GitLab suggestion replace.
 * `startLine`..`endLine` are the lines of the file the suggestion covers; `lines` what they become.
 */
export interface LineSuggestion {
  startLine: number;
  endLine: number;
  lines: string[];
}

/**
 * Applies the replacement to the lines it touches, or undefined when the region does not fit the
 * file as it is now (the file changed since the scan, or columns past a line's end): a suggestion
 * built on the wrong text would break the code it claims to fix.
 */
export function suggestLines(fix: FixReplacement, fileText: string): LineSuggestion | undefined {
  const lines = fileText.split(/\r?\n/);
  const { startLine, startColumn, endLine, endColumn } = fix;
  if (startLine < 1 || endLine < startLine || endLine > lines.length) return undefined;
  const first = lines[startLine - 1] as string;
  const last = lines[endLine - 1] as string;
  if (startColumn < 1 || startColumn - 1 > first.length || endColumn < 1 || endColumn - 1 > last.length)
    return undefined;
  if (startLine === endLine && endColumn < startColumn) return undefined;
  const replaced = first.slice(0, startColumn - 1) + fix.text + last.slice(endColumn - 1);
  return { startLine, endLine, lines: replaced.split(/\r?\n/) };
}
