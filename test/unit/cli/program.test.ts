import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../../src/cli/program.ts';

const quiet = { out: () => {}, err: () => {} };

describe('scanners install', () => {
  it('installs every built-in scanner when given no ids', () => {
    expect(parseCommandLine(['scanners', 'install'], quiet)).toEqual({ kind: 'scanners-install' });
  });

  it.each([[['semgrep,bandit']], [['semgrep', 'bandit']], [['semgrep,', ' bandit']]])(
    'takes ids comma- or space-separated: %j',
    (ids) => {
      expect(parseCommandLine(['scanners', 'install', ...ids], quiet)).toEqual({
        kind: 'scanners-install',
        scanners: ['semgrep', 'bandit'],
      });
    },
  );
});
