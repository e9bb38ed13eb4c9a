/*
 * The teams a code owners file names: "@org/team" tokens outside comments. Users ("@login") and
 * e-mail addresses are owners as they stand; teams must be resolved to their members.
 */

/** GitHub's places for a code owners file, in the order GitHub looks. */
export const CODEOWNERS_PATHS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'] as const;

/** Every distinct "@org/team" in `text`, in order of first mention. */
export function ownerTeams(text: string): string[] {
  const teams = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const content = line.replace(/(^|\s)#.*$/, '');
    for (const m of content.matchAll(/(?:^|\s)@([A-Za-z0-9][A-Za-z0-9-]*)\/([A-Za-z0-9_.-]+)/g))
      teams.add(`@${m[1]}/${m[2]}`);
  }
  return [...teams];
}
