import { listOf, objectOf, reason, statusOf, text, username } from './api-values.ts';
import type { GitlabClient } from './client.ts';

/*
 * The code owners file at the base and the members of the groups it names. GitLab reads the first
 * of CODEOWNERS, docs/CODEOWNERS and .gitlab/CODEOWNERS (Gitlab::CodeOwners::FILE_PATHS), at the
 * target branch: the base is what decided who had to approve.
 */

export const CODEOWNERS_PATHS = ['CODEOWNERS', 'docs/CODEOWNERS', '.gitlab/CODEOWNERS'] as const;
const PER_PAGE = 100;
const MAX_PAGES = 50;
/** More owner names than a code owners file has; a file naming more is not resolved past this. */
const MAX_OWNER_NAMES = 50;

/** A file's text at `ref`; null when it does not exist there (404). Other failures throw. */
export async function fileAt(
  gitlab: GitlabClient,
  project: string | number,
  path: string,
  ref: string,
): Promise<string | null> {
  let answer: unknown;
  try {
    answer = await gitlab.repositoryFiles.show(project, path, ref);
  } catch (error) {
    if (statusOf(error) === 404) return null;
    throw error;
  }
  const file = objectOf(answer, `the file ${path}`);
  const content = text(file.content) ?? '';
  return text(file.encoding) === 'base64' ? Buffer.from(content, 'base64').toString('utf8') : content;
}

/** The code owners file at `ref`, or null when there is none. */
export async function codeOwnersAt(
  gitlab: GitlabClient,
  project: string | number,
  ref: string,
): Promise<{ path: string; text: string } | null> {
  for (const path of CODEOWNERS_PATHS) {
    const found = await fileAt(gitlab, project, path, ref);
    if (found !== null) return { path, text: found };
  }
  return null;
}

/** The `@name` owners a code owners file names (users and groups alike), in order, once each. */
export function ownerNames(codeOwners: string): string[] {
  const names = new Set<string>();
  for (const line of codeOwners.split(/\r?\n/)) {
    const content = line.trim();
    if (content.startsWith('#')) continue;
    for (const m of content.matchAll(/(?:^|\s)@([A-Za-z0-9_.][A-Za-z0-9_.\-/]*)/g)) {
      if (m[1]) names.add(m[1].replace(/\/+$/, ''));
    }
  }
  return [...names];
}

/**
 * The members of the groups among `names`. A GitLab `@name` may be a user or a group: one GitLab
 * finds no group for is taken for a user, unless it has a slash (users have none), which is a gap.
 */
export async function ownerGroups(
  gitlab: GitlabClient,
  names: readonly string[],
  gaps: string[],
  unresolved: string[] = [],
): Promise<Record<string, string[]>> {
  const teams: Record<string, string[]> = {};
  if (names.length > MAX_OWNER_NAMES)
    gaps.push(`code owners: only the first ${MAX_OWNER_NAMES} of ${names.length} owner names were resolved`);
  for (const name of names.slice(0, MAX_OWNER_NAMES)) {
    try {
      const members = listOf(
        await gitlab.groupMembers.all(name, {
          includeInherited: true,
          perPage: PER_PAGE,
          maxPages: MAX_PAGES,
        }),
        `the members of @${name}`,
      );
      teams[`@${name}`] = [
        ...new Set(members.map((m) => username(m)).filter((u): u is string => u !== null)),
      ].sort();
    } catch (error) {
      if (statusOf(error) === 404 && !name.includes('/')) continue;
      gaps.push(`code owner group @${name}: ${reason(error)}`);
      unresolved.push(`@${name}`);
    }
  }
  return teams;
}
