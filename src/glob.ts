import picomatch from 'picomatch';

/** Compiles a gitignore-style glob (`**` across folders, `*` within one) into a RegExp on POSIX paths. */
export function globToRegExp(glob: string): RegExp {
  return picomatch.makeRe(glob, { dot: true });
}

/** Longest glob accepted from a configuration or waiver file. */
export const MAX_GLOB_LENGTH = 512;
/** `*` wildcards allowed in one path segment (`a*b*c*` has three). */
export const MAX_STARS_PER_SEGMENT = 3;
/** `**` segments allowed in one glob. */
export const MAX_GLOBSTARS = 4;

/**
 * Why a glob would be too costly to match, or undefined. Globs come from `.controlgate.yml` and the
 * waiver file, which a pull request can change. picomatch turns each `*` into a lazy `[^/]*?`, and
 * several of them in one segment backtrack polynomially on a path that almost matches: six stars
 * took 17 s for one 480-character path, three take milliseconds. Real globs rarely need more than two.
 */
export function globCostProblem(glob: string): string | undefined {
  if (glob.length > MAX_GLOB_LENGTH) {
    return `a glob may be at most ${MAX_GLOB_LENGTH} characters (this one has ${glob.length})`;
  }
  const segments = glob.split('/');
  const globstars = segments.filter((s) => s === '**').length;
  if (globstars > MAX_GLOBSTARS) {
    return `a glob may have at most ${MAX_GLOBSTARS} "**" segments (this one has ${globstars})`;
  }
  for (const segment of segments) {
    if (segment === '**') continue;
    const stars = segment.match(/\*/g)?.length ?? 0;
    if (stars > MAX_STARS_PER_SEGMENT) {
      return `a path segment of a glob may have at most ${MAX_STARS_PER_SEGMENT} "*" (one has ${stars}); matching more can take minutes`;
    }
  }
  return undefined;
}
