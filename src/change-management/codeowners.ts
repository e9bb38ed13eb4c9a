import picomatch from 'picomatch';
import { globCostProblem } from '../glob.ts';

/*
 * Code owners files (GitHub's and GitLab's CODEOWNERS): who owns a path. Both use gitignore-style
 * patterns where the last matching line decides. GitLab also has sections (`[Name]`, `^[Optional]`,
 * with default owners after the header): each section decides on its own, and a path's owners are
 * the union over sections. Owners are kept as written (`@login`, `@org/team`, `@group`, e-mail).
 */

interface OwnerLine {
  match: (rel: string) => boolean;
  owners: string[];
}

interface Section {
  name: string;
  lines: OwnerLine[];
}

const SECTION = /^\^?\[([^\]]+)\](?:\[\d+\])?\s*(.*)$/;

/** A pattern as picomatch globs: anchored with a slash, else at any depth; a folder owns what is in it. */
function matcherOf(pattern: string): ((rel: string) => boolean) | undefined {
  let body = pattern.replace(/\\ /g, ' ');
  const folderOnly = body.endsWith('/');
  body = body.replace(/\/+$/, '');
  if (body === '' || globCostProblem(body) !== undefined) return undefined;
  const anchored = body.includes('/');
  const glob = anchored ? body.replace(/^\/+/, '') : `**/${body}`;
  const exact = picomatch(glob, { dot: true, nobrace: true, noextglob: true });
  const inside = picomatch(`${glob}/**`, { dot: true, nobrace: true, noextglob: true });
  return folderOnly ? (rel) => inside(rel) : (rel) => exact(rel) || inside(rel);
}

/** The sections of a code owners file (GitHub's has one, unnamed). */
function parse(text: string): Section[] {
  const sections: Section[] = [{ name: '', lines: [] }];
  let defaults: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = SECTION.exec(line);
    if (header && (line.startsWith('[') || line.startsWith('^['))) {
      defaults = (header[2] ?? '').split(/\s+/).filter((o) => o !== '' && !o.startsWith('#'));
      sections.push({ name: header[1] ?? '', lines: [] });
      continue;
    }
    // The pattern ends at the first unescaped space; owners follow, up to a comment.
    const split = /^((?:\\ |\S)+)\s*(.*)$/.exec(line);
    if (!split) continue;
    const match = matcherOf(split[1] ?? '');
    if (!match) continue;
    const written = (split[2] ?? '').split(/\s+/).filter((o) => o !== '');
    const comment = written.findIndex((o) => o.startsWith('#'));
    const owners = comment >= 0 ? written.slice(0, comment) : written;
    const section = sections[sections.length - 1] as Section;
    section.lines.push({ match, owners: owners.length > 0 || section.name === '' ? owners : defaults });
  }
  return sections;
}

/** The owners of `rel` (POSIX, repository-relative) per the file's text: [] when no line owns it. */
export function ownersOf(text: string, rel: string): string[] {
  const owners = new Set<string>();
  for (const section of parse(text)) {
    let decided: string[] | undefined;
    for (const line of section.lines) if (line.match(rel)) decided = line.owners;
    for (const owner of decided ?? []) owners.add(owner);
  }
  return [...owners];
}

/**
 * Whether `login` is among `owners`: named (`@login`), or a member of a named team or group as
 * `teams` lists them. undefined when only unresolvable teams could make them one.
 */
export function isOwner(
  login: string,
  owners: readonly string[],
  teams: Readonly<Record<string, readonly string[]>>,
  unresolvedNames: readonly string[] = [],
): boolean | undefined {
  let unresolved = false;
  const me = login.toLowerCase();
  for (const owner of owners) {
    const name = owner.replace(/^@/, '');
    if (name.toLowerCase() === me) return true;
    const members = teams[owner] ?? teams[name];
    if (members) {
      if (members.some((m) => m.toLowerCase() === me)) return true;
    } else if (owner.startsWith('@') && (name.includes('/') || unresolvedNames.includes(owner)))
      unresolved = true;
  }
  return unresolved ? undefined : false;
}
