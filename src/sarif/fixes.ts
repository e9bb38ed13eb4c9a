import type { FixReplacement } from '../findings/finding.ts';
import { redactKnownSecrets, redactSnippet } from '../findings/redact.ts';
import { stripControlChars } from '../text.ts';

/*
 * A tool's fixes (SARIF 2.1.0 §3.55) as the one replacement a review suggestion can carry. The log
 * is the tool's output and `fixes` is not part of the validated model (a malformed fix must not cost
 * the finding), so every field is checked here. Only the simplest fix is kept: one artifact change
 * to the finding's own file with one replacement whose region has line and column bounds. A fix
 * with several changes or regions, a byte range or a region without columns is ignored.
 */

/** An artifactLocation as the tool wrote it: whether it names the finding's own file is the caller's to say. */
export interface FixArtifactLocation {
  uri?: string;
  uriBaseId?: string;
  index?: number;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function positive(value: unknown): number | undefined {
  return Number.isInteger(value) && (value as number) >= 1 ? (value as number) : undefined;
}

function artifactLocation(value: unknown): FixArtifactLocation | undefined {
  const location = record(value);
  if (!location) return undefined;
  const { uri, uriBaseId, index } = location;
  return {
    ...(typeof uri === 'string' ? { uri } : {}),
    ...(typeof uriBaseId === 'string' ? { uriBaseId } : {}),
    ...(Number.isInteger(index) ? { index: index as number } : {}),
  };
}

/** One fix of a result as a replacement, or undefined when it is not the simple kind kept. */
function replacementOf(
  value: unknown,
  isOwnFile: (location: FixArtifactLocation) => boolean,
): FixReplacement | undefined {
  const fix = record(value);
  const changes = fix?.artifactChanges;
  if (!Array.isArray(changes) || changes.length !== 1) return undefined;
  const change = record(changes[0]);
  const location = artifactLocation(change?.artifactLocation);
  if (!location || !isOwnFile(location)) return undefined;
  const replacements = change?.replacements;
  if (!Array.isArray(replacements) || replacements.length !== 1) return undefined;
  const replacement = record(replacements[0]);
  const region = record(replacement?.deletedRegion);
  const startLine = positive(region?.startLine);
  const startColumn = positive(region?.startColumn);
  const endLine = positive(region?.endLine);
  const endColumn = positive(region?.endColumn);
  if (!startLine || !startColumn || !endLine || !endColumn) return undefined;
  if (endLine < startLine || (endLine === startLine && endColumn < startColumn)) return undefined;
  // No insertedContent is a deletion (§3.57.4); content given only as bytes is not text to suggest.
  const inserted = replacement?.insertedContent;
  const text = inserted === undefined ? '' : record(inserted)?.text;
  if (typeof text !== 'string') return undefined;
  const description = record(fix?.description)?.text;
  return {
    startLine,
    startColumn,
    endLine,
    endColumn,
    text,
    ...(typeof description === 'string' && description.trim() !== ''
      ? { description: redactKnownSecrets(stripControlChars(description).trim()) }
      : {}),
  };
}

/**
 * The first of a result's `fixes` that is one replacement in the finding's own file, or undefined.
 * Its text must come through unchanged what every snippet goes through (control characters removed,
 * secrets redacted): a suggestion altered by redaction would break the code, and one that needs
 * redacting must not be shown at all. Never call this for a secret finding.
 */
export function fixOf(
  fixes: unknown,
  isOwnFile: (location: FixArtifactLocation) => boolean,
): FixReplacement | undefined {
  if (!Array.isArray(fixes)) return undefined;
  for (const candidate of fixes) {
    const fix = replacementOf(candidate, isOwnFile);
    if (!fix) continue;
    if (stripControlChars(fix.text) !== fix.text || redactSnippet(fix.text) !== fix.text) return undefined;
    return fix;
  }
  return undefined;
}
