import { describe, expect, it } from 'vitest';
import { ignoredBy, includeLines, parseIgnoreFile, rootDown } from '../../src/ignore-file.ts';

const at = (text: string, folder = '') => parseIgnoreFile(text, folder, folder ? `${folder}/.x` : '.x');
const why = (files: ReturnType<typeof at>[], rel: string) => ignoredBy(rootDown(files), rel)?.pattern;

describe('ignore files in gitignore syntax', () => {
  it('matches a name without a slash at any depth, and a trailing slash only as a folder', () => {
    const f = at('tests/\n*.min.js\n');
    expect(why([f], 'tests/a.py')).toBe('tests/');
    expect(why([f], 'src/tests/a.py')).toBe('tests/');
    expect(why([f], 'tests')).toBeUndefined(); // a file named tests
    expect(why([f], 'web/lib/x.min.js')).toBe('*.min.js');
    expect(why([f], 'web/x.js')).toBeUndefined();
  });

  it('anchors a pattern with a slash to its file folder', () => {
    const f = at('/build/\ndocs/*.md\n');
    expect(why([f], 'build/a.js')).toBe('/build/');
    expect(why([f], 'app/build/a.js')).toBeUndefined();
    expect(why([f], 'docs/a.md')).toBe('docs/*.md');
    expect(why([f], 'docs/sub/a.md')).toBeUndefined();
  });

  it('lets the last match decide, re-includes with !, but never inside an ignored folder', () => {
    const f = at('*.py\n!keep.py\nvendor/\n!vendor/own.py\n');
    expect(why([f], 'a.py')).toBe('*.py');
    expect(why([f], 'keep.py')).toBeUndefined();
    expect(why([f], 'vendor/own.py')).toBe('vendor/');
  });

  it('reads a deeper file after a shallower one, relative to its own folder', () => {
    const files = [at('*.py\n', 'app'), at('!app/x.py\n')];
    expect(why(files, 'app/x.py')).toBe('*.py');
    expect(why(files, 'lib/x.py')).toBeUndefined();
  });

  it('skips comments, blank lines and directives; keeps escaped # and !', () => {
    const f = at('# c\n\n:include .gitignore\n\\#hash\n\\!bang\n');
    expect(f.patterns.map((p) => p.text)).toEqual(['\\#hash', '\\!bang']);
    expect(why([f], '#hash')).toBe('\\#hash');
    expect(why([f], '!bang')).toBe('\\!bang');
    expect(includeLines('a\n:include .gitignore\n')).toEqual(['.gitignore']);
  });
});
