/**
 * Gitleaks' `.gitleaksignore`: one fingerprint a line, `file:rule-id:line` (any scan) or
 * `commit:file:rule-id:line` (a result of a git scan, in that commit); `#` starts a comment line.
 * Gitleaks drops what it lists; controlgate runs Gitleaks with an empty ignore folder instead and
 * marks the listed results suppressed, naming the entry's file and line, so an entry the change
 * added is seen as such and cannot unblock it (src/pipeline/new-suppressions.ts).
 */

/** One entry, with the 1-based line of the file it is on. */
export interface IgnoreEntry {
  /** The line as written, trimmed: the justification shown to reviewers. */
  text: string;
  line: number;
  /** Set for a commit fingerprint. */
  commit?: string;
  /** POSIX path, as Gitleaks names the file (relative to the folder it scanned). */
  file: string;
  ruleId: string;
  startLine: number;
}

/** What a result is matched by: Gitleaks' own fingerprint fields. */
export interface ResultKey {
  file: string;
  ruleId: string;
  startLine: number;
  /** The commit of a git-scan result. */
  commit?: string;
}

/** Gitleaks normalizes `\` to `/` in an entry's path; `./` in front names the same file. */
function normalizePath(file: string): string {
  return file.replaceAll('\\', '/').replace(/^(?:\.\/)+/, '');
}

/** The entries of a `.gitleaksignore`; lines Gitleaks would warn about as invalid are left out. */
export function parseGitleaksIgnore(text: string): IgnoreEntry[] {
  return text.split(/\r?\n/).flatMap((raw, i): IgnoreEntry[] => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return [];
    const parts = line.split(':');
    const startLine = Number(parts.at(-1));
    if (!Number.isInteger(startLine)) return [];
    if (parts.length === 3) {
      const [file = '', ruleId = ''] = parts;
      return [{ text: line, line: i + 1, file: normalizePath(file), ruleId, startLine }];
    }
    if (parts.length === 4) {
      const [commit = '', file = '', ruleId = ''] = parts;
      return [{ text: line, line: i + 1, commit, file: normalizePath(file), ruleId, startLine }];
    }
    return [];
  });
}

/**
 * The entry that lists this result, as Gitleaks matches them: a global entry by file, rule and line
 * (also a git-scan result, whose line is the commit's); a commit entry only a result of that commit.
 */
export function matchingEntry(entries: readonly IgnoreEntry[], key: ResultKey): IgnoreEntry | undefined {
  const file = normalizePath(key.file);
  return entries.find(
    (entry) =>
      entry.file === file &&
      entry.ruleId === key.ruleId &&
      entry.startLine === key.startLine &&
      (entry.commit === undefined || entry.commit === key.commit),
  );
}
