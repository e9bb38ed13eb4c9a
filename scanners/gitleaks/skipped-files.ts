import path from 'node:path';
import type { UnjudgedFile } from '../types.ts';
import { workspacePathOf } from './mirror.ts';

/**
 * A warning or error line of Gitleaks' log (standard error, zerolog's console format without color):
 * `3:57AM ERR skipping symlink: could not evaluate error="lstat …: no such file" path=ws/app/x.py`.
 * A file it skips that way (a link it cannot follow, a file it cannot open or read) was never
 * judged, and Gitleaks still exits by the others' results.
 */
const LOG_LINE = /^\S+\s+(?:WRN|ERR)\s+(.*)$/;
const FIELD = /\b(error|path)=("(?:[^"\\]|\\.)*"|\S+)/g;

function fieldValue(raw: string): string {
  if (!raw.startsWith('"')) return raw;
  try {
    return JSON.parse(raw) as string;
  } catch {
    return raw.slice(1, -1);
  }
}

/**
 * The given files Gitleaks' log says it skipped or could not read, with its words. A log path is the
 * link's (`ws/<path>`, relative to `cwd`) or the linked file's own absolute path; a line about a path
 * not given (a folder) is left out.
 */
export function gitleaksSkipped(
  log: string,
  files: readonly string[],
  cwd: string,
  root: string,
): UnjudgedFile[] {
  const given = new Set(files.map((file) => path.resolve(file)));
  const out: UnjudgedFile[] = [];
  for (const line of log.split('\n')) {
    const match = LOG_LINE.exec(line.trim());
    if (!match?.[1] || !/skipping|could not/i.test(match[1])) continue;
    const fields = new Map([...match[1].matchAll(FIELD)].map((m) => [m[1], fieldValue(m[2] ?? '')]));
    const logged = fields.get('path');
    if (!logged) continue;
    const rel = path.isAbsolute(logged) ? undefined : workspacePathOf(logged, cwd);
    const file = rel === undefined ? path.resolve(logged) : path.join(root, rel);
    if (!given.has(file)) continue;
    const message = match[1].slice(0, match[1].search(/\b(?:error|path)=/)).trim() || 'skipped';
    const error = fields.get('error');
    out.push({ path: file, reason: `Gitleaks ${message}${error ? ` (${error})` : ''}` });
  }
  return out;
}
