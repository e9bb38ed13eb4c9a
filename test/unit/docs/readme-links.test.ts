import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../support/cli.ts';

/*
 * The README is the first thing a user reads, often on a registry or a mirror where a link out of the
 * repository (../shared/…) leads nowhere: every link is a file of this repository, a heading of the
 * README itself, or a public https address.
 */

const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');

/** GitHub's heading anchors: lower case, punctuation but `-` and `_` dropped, spaces to `-`. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function links(markdown: string): string[] {
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, '');
  return [...withoutCode.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] ?? '');
}

describe('README links', () => {
  const anchors = new Set([...readme.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1] ?? '')));
  const all = links(readme);

  it('has links to check', () => {
    expect(all.length).toBeGreaterThan(20);
  });

  it('every in-page link names a heading of the README', () => {
    const missing = all.filter((l) => l.startsWith('#') && !anchors.has(l.slice(1)));
    expect(missing, [...anchors].join(', ')).toEqual([]);
  });

  it('every relative link is a file or folder inside the repository', () => {
    const bad = all
      .filter((l) => !l.startsWith('#') && !/^https:\/\//.test(l))
      .filter((l) => {
        const target = path.resolve(REPO_ROOT, l.split('#')[0] ?? '');
        return !target.startsWith(`${REPO_ROOT}${path.sep}`) || !existsSync(target);
      });
    expect(bad).toEqual([]);
  });

  it('no link uses plain http or another scheme', () => {
    expect(all.filter((l) => /^[a-z][a-z0-9+.-]*:/i.test(l) && !l.startsWith('https://'))).toEqual([]);
  });

  it("the quick starts come first and the contributors' commands last", () => {
    const order = [
      '## GitHub quick start',
      '## GitLab quick start',
      '## What the gate decides',
      '## The CLI',
      '## Contributing',
    ];
    const at = order.map((h) => readme.indexOf(`\n${h}\n`));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    const contributing = readme.slice(readme.indexOf('\n## Contributing\n'));
    expect(contributing).toContain('npm ci && npm run demo');
    expect(contributing).toContain('npm ci && npm test');
  });
});
