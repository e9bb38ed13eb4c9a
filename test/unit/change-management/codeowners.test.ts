import { describe, expect, it } from 'vitest';
import { isOwner, ownersOf } from '../../../src/change-management/codeowners.ts';

describe('ownersOf', () => {
  const github = [
    '# the whole repository',
    '*       @octo/devs',
    '*.yml   @ops-dan',
    '/.controlgate.yml @octo/security @sec-carol # the gate policy',
    'docs/   @octo/writers',
    '/.controlgate-waivers.yml',
  ].join('\n');

  it('lets the last matching line decide, as GitHub does', () => {
    expect(ownersOf(github, '.controlgate.yml')).toEqual(['@octo/security', '@sec-carol']);
    expect(ownersOf(github, 'deploy/app.yml')).toEqual(['@ops-dan']);
    expect(ownersOf(github, 'docs/guide/setup.md')).toEqual(['@octo/writers']);
    expect(ownersOf(github, 'src/app.py')).toEqual(['@octo/devs']);
  });

  it('gives no owner to a path whose last matching line names none', () => {
    expect(ownersOf(github, '.controlgate-waivers.yml')).toEqual([]);
  });

  it('anchors a pattern with a slash and matches a bare name at any depth', () => {
    const text = '/app/ @root-owner\nconfig.yml @anywhere\n';
    expect(ownersOf(text, 'app/x/y.py')).toEqual(['@root-owner']);
    expect(ownersOf(text, 'lib/app/y.py')).toEqual([]);
    expect(ownersOf(text, 'deep/down/config.yml')).toEqual(['@anywhere']);
  });

  it("unites GitLab sections, each deciding on its own, with a section's default owners", () => {
    const gitlab = [
      '* @acme/devs',
      '[Security][2] @acme/security',
      '.controlgate.yml',
      '^[Docs]',
      '*.md @acme/writers',
    ].join('\n');
    expect(ownersOf(gitlab, '.controlgate.yml').sort()).toEqual(['@acme/devs', '@acme/security']);
    expect(ownersOf(gitlab, 'README.md').sort()).toEqual(['@acme/devs', '@acme/writers']);
  });
});

describe('isOwner', () => {
  it('knows named owners and members of resolved teams, ignoring case and the @', () => {
    const teams = { '@octo/security': ['sec-carol'] };
    expect(isOwner('Sec-Carol', ['@octo/security'], teams)).toBe(true);
    expect(isOwner('ops-dan', ['@ops-dan'], teams)).toBe(true);
    expect(isOwner('dev-bob', ['@octo/security', '@ops-dan'], teams)).toBe(false);
  });

  it('cannot tell when a team it could not read might hold the person', () => {
    expect(isOwner('dev-bob', ['@octo/security'], {})).toBeUndefined();
    // GitLab's @security may be a user or a group; a group lookup that was refused leaves it open.
    expect(isOwner('dev-bob', ['@security'], {})).toBe(false);
    expect(isOwner('dev-bob', ['@security'], {}, ['@security'])).toBeUndefined();
  });
});
