import { describe, expect, it } from 'vitest';
import { lockfileArg, lockfileKind, selectLockfiles } from '../../../../scanners/osv-scanner/lockfiles.ts';

describe('selectLockfiles', () => {
  it('takes the dependency files of each ecosystem and nothing else', () => {
    const files = [
      '/r/web/package-lock.json',
      '/r/web/npm-shrinkwrap.json',
      '/r/web/package.json',
      '/r/ui/yarn.lock',
      '/r/ui/pnpm-lock.yaml',
      '/r/api/requirements.txt',
      '/r/api/requirements-dev.txt',
      '/r/api/requirements/base.txt',
      '/r/api/notes.txt',
      '/r/worker/poetry.lock',
      '/r/worker/uv.lock',
      '/r/worker/Pipfile.lock',
      '/r/worker/pdm.lock',
      '/r/worker/pyproject.toml',
      '/r/svc/go.mod',
      '/r/svc/go.sum',
      '/r/java/pom.xml',
      '/r/rs/Cargo.lock',
      '/r/rs/Cargo.toml',
      '/r/php/composer.lock',
      '/r/rb/Gemfile.lock',
      '/r/app/main.py',
    ];
    expect(selectLockfiles(files)).toEqual([
      '/r/web/package-lock.json',
      '/r/web/npm-shrinkwrap.json',
      '/r/ui/yarn.lock',
      '/r/ui/pnpm-lock.yaml',
      '/r/api/requirements.txt',
      '/r/api/requirements-dev.txt',
      '/r/api/requirements/base.txt',
      '/r/worker/poetry.lock',
      '/r/worker/uv.lock',
      '/r/worker/Pipfile.lock',
      '/r/worker/pdm.lock',
      '/r/svc/go.mod',
      '/r/java/pom.xml',
      '/r/rs/Cargo.lock',
      '/r/php/composer.lock',
      '/r/rb/Gemfile.lock',
    ]);
  });

  it('selects none in a repository without dependency files, so the run is skipped', () => {
    expect(selectLockfiles(['/r/main.py', '/r/README.md'])).toEqual([]);
  });

  it('knows the OSV ecosystem of each kind', () => {
    expect(lockfileKind('/r/Cargo.lock')?.ecosystem).toBe('crates.io');
    expect(lockfileKind('/r/requirements-test.txt')?.ecosystem).toBe('PyPI');
    expect(lockfileKind('/r/npm-shrinkwrap.json')).toEqual({
      parseAs: 'package-lock.json',
      ecosystem: 'npm',
    });
  });
});

describe('lockfileArg', () => {
  it('names the parser before the path, so a colon in the path is not read as one', () => {
    expect(lockfileArg('/r/a:b/requirements-dev.txt')).toBe('requirements.txt:/r/a:b/requirements-dev.txt');
    expect(lockfileArg('/r/web/npm-shrinkwrap.json')).toBe('package-lock.json:/r/web/npm-shrinkwrap.json');
  });
});
