import picomatch from 'picomatch';

/** Compiles a gitignore-style glob (`**` across folders, `*` within one) into a RegExp on POSIX paths. */
export function globToRegExp(glob: string): RegExp {
  return picomatch.makeRe(glob, { dot: true });
}
