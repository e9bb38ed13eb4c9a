import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizePypiName, packageLine } from '../../../../scanners/osv-scanner/package-lines.ts';
import { REPO_ROOT } from '../../../support/cli.ts';

const PROJECT = path.join(REPO_ROOT, 'test', 'fixtures', 'osv-scanner', 'project');

function lineOf(rel: string, name: string, version: string): number {
  const file = path.join(PROJECT, rel);
  return packageLine(file, readFileSync(file, 'utf8'), name, version);
}

describe('packageLine', () => {
  it('finds the install path of each version in a package-lock.json', () => {
    expect(lineOf('web/package-lock.json', 'lodash', '4.17.20')).toBe(31);
    expect(lineOf('web/package-lock.json', 'lodash', '4.16.0')).toBe(27);
  });

  it('finds a requirement by its normalized name', () => {
    expect(lineOf('api/requirements.txt', 'jinja2', '2.11.2')).toBe(3);
  });

  it('finds a [[package]] entry in poetry.lock and uv.lock', () => {
    expect(lineOf('worker/poetry.lock', 'jinja2', '2.11.2')).toBe(9);
    expect(lineOf('worker/uv.lock', 'jinja2', '2.11.3')).toBe(5);
  });

  it('finds a module in a go.mod require block', () => {
    expect(lineOf('svc/go.mod', 'golang.org/x/text', '0.3.7')).toBe(7);
  });

  it.each([
    [
      '/r/yarn.lock',
      'a@^1.0.0:\n  version "1.0.0"\n\nlodash@^4.17.0, lodash@~4.17.20:\n  version "4.17.20"\n',
      4,
    ],
    ['/r/pnpm-lock.yaml', 'packages:\n\n  /left-pad@1.3.0:\n    x: 1\n  /lodash@4.17.20:\n    x: 1\n', 5],
    [
      '/r/Cargo.lock',
      '[[package]]\nname = "serde"\nversion = "1.0.0"\n\n[[package]]\nname = "lodash"\nversion = "4.17.20"\n',
      6,
    ],
    [
      '/r/Pipfile.lock',
      '{\n  "default": {\n    "lodash": {\n      "version": "==4.17.20"\n    }\n  }\n}\n',
      3,
    ],
    [
      '/r/composer.lock',
      '{\n  "packages": [\n    {\n      "name": "lodash",\n      "version": "4.17.20"\n',
      4,
    ],
    ['/r/Gemfile.lock', 'GEM\n  specs:\n    lodash (4.17.20)\n', 3],
    [
      '/r/pom.xml',
      '<project>\n  <dependency>\n    <groupId>org.x</groupId>\n    <artifactId>lodash</artifactId>\n',
      4,
    ],
  ])('finds the entry in %s', (file, text, line) => {
    const name = file.endsWith('pom.xml') ? 'org.x:lodash' : 'lodash';
    expect(packageLine(file, text, name, '4.17.20')).toBe(line);
  });

  it('falls back to line 1 when the entry cannot be found', () => {
    expect(packageLine('/r/requirements.txt', '-r base.txt\n', 'jinja2', '2.11.2')).toBe(1);
  });
});

describe('normalizePypiName', () => {
  it('folds case and runs of - _ . as PEP 503 does', () => {
    expect(normalizePypiName('Jinja2')).toBe('jinja2');
    expect(normalizePypiName('zope.interface')).toBe(normalizePypiName('Zope_Interface'));
  });
});
