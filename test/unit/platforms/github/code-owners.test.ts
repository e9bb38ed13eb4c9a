import { describe, expect, it } from 'vitest';
import { ownerTeams } from '../../../../src/platforms/github/code-owners.ts';

describe('ownerTeams', () => {
  it('lists each @org/team once, in order, and leaves out users, e-mails and comments', () => {
    const text = [
      '# @octo/commented-out owns nothing',
      '/.controlgate.yml @octo/security @sec-sam',
      '/src/ @octo/devs dev-lead@example.com # @octo/trailing-comment',
      'docs/ @octo/security @Octo/Docs.Team',
      '',
    ].join('\r\n');
    expect(ownerTeams(text)).toEqual(['@octo/security', '@octo/devs', '@Octo/Docs.Team']);
  });

  it('finds none in a file without teams', () => {
    expect(ownerTeams('* @alice bob@example.com\n')).toEqual([]);
  });
});
