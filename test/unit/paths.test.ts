import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { containedRelative, toolsDir, toPosix } from '../../src/paths.ts';

const ROOT = path.resolve('/work/repo');

describe('containedRelative: inside the root', () => {
  it('returns the POSIX relative path of a relative candidate', () => {
    expect(containedRelative(ROOT, path.join('src', 'app', 'main.py'))).toBe('src/app/main.py');
  });

  it('returns the relative path of an absolute candidate inside the root', () => {
    expect(containedRelative(ROOT, path.join(ROOT, 'a', 'b.tf'))).toBe('a/b.tf');
  });

  it('normalizes dot segments that stay inside', () => {
    expect(containedRelative(ROOT, 'a/./b/../c.py')).toBe('a/c.py');
  });

  it('allows a file whose name starts with two dots', () => {
    expect(containedRelative(ROOT, '..foo')).toBe('..foo');
    expect(containedRelative(ROOT, 'dir/..hidden/x')).toBe('dir/..hidden/x');
  });
});

describe('containedRelative: outside the root', () => {
  it.each([
    ['a parent-relative path', '../x'],
    ['the parent itself', '..'],
    ['a path that climbs out through a subfolder', 'a/../../x'],
    ['an absolute path elsewhere', '/etc/passwd'],
    ['a sibling folder sharing the prefix', '/work/repo-other/file'],
  ])('returns undefined for %s', (_what, candidate) => {
    expect(containedRelative(ROOT, candidate)).toBeUndefined();
  });

  it('returns undefined for the root itself', () => {
    expect(containedRelative(ROOT, ROOT)).toBeUndefined();
    expect(containedRelative(ROOT, '.')).toBeUndefined();
    expect(containedRelative(ROOT, '')).toBeUndefined();
  });
});

describe('toPosix', () => {
  it('joins path segments with forward slashes', () => {
    expect(toPosix(path.join('a', 'b', 'c.txt'))).toBe('a/b/c.txt');
  });
});

describe('toolsDir', () => {
  it('uses CONTROLGATE_TOOLS_DIR, resolved to an absolute path', () => {
    expect(toolsDir({ CONTROLGATE_TOOLS_DIR: 'cache/tools' })).toBe(path.resolve('cache/tools'));
  });

  it('defaults to .tools in the package folder', () => {
    expect(toolsDir({})).toBe(path.resolve(import.meta.dirname, '..', '..', '.tools'));
  });
});
