import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { ConfigError } from '../../src/errors.ts';
import { parseWaivers } from '../../src/findings/waivers.ts';
import { globCostProblem, MAX_GLOB_LENGTH } from '../../src/glob.ts';

// Six stars in one segment: picomatch's regex took 17 s on one 480-character path (measured when
// this limit was added). Here it is only ever refused, never matched.
const CATASTROPHIC = '**/*a*a*a*a*a*/**/x';

function configError(text: string): ConfigError {
  try {
    parseConfig(text, '/repo/.controlgate.yml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

function waiverError(path: string): ConfigError {
  const text = [
    'version: 1',
    'waivers:',
    '  - rule: B105',
    `    path: "${path}"`,
    '    reason: Fixture secrets are synthetic',
    '    approver: alice@example.com',
    '    ticket: SEC-1',
    '    expires: 2027-01-31',
    '',
  ].join('\n');
  try {
    parseWaivers(text, '/repo/.controlgate-waivers.yml', new Date('2026-11-22T00:00:00Z'));
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('globs too costly to match', () => {
  it('accepts the globs people write', () => {
    for (const glob of [
      '**/*.py',
      'test/**',
      '**/*_test*.go',
      'src/**/fixtures/**/*.tf',
      '{a,b}/**/*.[jt]s',
    ]) {
      expect(globCostProblem(glob)).toBeUndefined();
    }
  });

  it('names the limit for too many stars in a segment, too many ** and too long a glob', () => {
    expect(globCostProblem(CATASTROPHIC)).toMatch(/at most 3 "\*" \(one has 6\)/);
    expect(globCostProblem('**/a/**/b/**/c/**/d/**/e')).toMatch(
      /at most 4 "\*\*" segments \(this one has 5\)/,
    );
    expect(globCostProblem('a'.repeat(MAX_GLOB_LENGTH + 1))).toMatch(/at most 512 characters/);
  });

  it('a pull request cannot stall the gate through .controlgate.yml: exclude is refused with its field', () => {
    const error = configError(`exclude:\n  - "${CATASTROPHIC}"\n`);
    expect(error.message).toContain('/repo/.controlgate.yml');
    expect(error.message).toMatch(/exclude/);
    expect(error.message).toMatch(/at most 3 "\*"/);
  });

  it('nor through a mapping rule glob', () => {
    const error = configError(
      ['mapping:', '  - match:', `      rule: "${CATASTROPHIC}"`, '    add: [CC7.1]', ''].join('\n'),
    );
    expect(error.message).toMatch(/mapping/);
    expect(error.message).toMatch(/at most 3 "\*"/);
  });

  it('nor through a waiver path glob', () => {
    const error = waiverError(CATASTROPHIC);
    expect(error.message).toContain('/repo/.controlgate-waivers.yml');
    expect(error.message).toMatch(/path/);
    expect(error.message).toMatch(/at most 3 "\*"/);
  });
});
