import { describe, expect, it } from 'vitest';
import { portableArgs } from '../../../src/evidence/collect-facts.ts';

describe('portableArgs: command lines without the machine’s folders', () => {
  const folders = { '<root>': '/work/app', '<out>': '/work/app-out/raw' };

  it('an output folder beside the root is <out>, not <root>-out', () => {
    expect(
      portableArgs(['--output', '/work/app-out/raw/semgrep/semgrep.sarif', '/work/app'], folders),
    ).toEqual(['--output', '<out>/semgrep/semgrep.sarif', '<root>']);
  });

  it('an output folder inside the root is <out>', () => {
    const inside = { '<root>': '/work/app', '<out>': '/work/app/.out' };
    expect(portableArgs(['/work/app/.out/kics', '/work/app/src/main.py'], inside)).toEqual([
      '<out>/kics',
      '<root>/src/main.py',
    ]);
  });

  it('only whole path segments match, inside option values and comma lists too', () => {
    expect(portableArgs(['/work/apple/x.py', '--path=/work/app/a.tf,/work/app/b.tf'], folders)).toEqual([
      '/work/apple/x.py',
      '--path=<root>/a.tf,<root>/b.tf',
    ]);
  });
});
