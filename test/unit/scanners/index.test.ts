import { describe, expect, it } from 'vitest';
import type { CommandScannerDefinition } from '../../../scanners/command/plugin.ts';
import { BUILTIN_SCANNERS, pickScanners, scannerRegistry } from '../../../scanners/index.ts';

function custom(id: string): CommandScannerDefinition {
  return { id, command: id, args: [], sarif: 'stdout', cleanExitCodes: [0], findingsExitCodes: [1] };
}

describe('BUILTIN_SCANNERS', () => {
  it('registers semgrep, bandit and kics under their own ids', () => {
    expect([...BUILTIN_SCANNERS.keys()]).toEqual(['semgrep', 'bandit', 'kics']);
    for (const [id, scanner] of BUILTIN_SCANNERS) expect(scanner.id).toBe(id);
  });
});

describe('scannerRegistry', () => {
  it('adds custom scanners after the built-ins', () => {
    const registry = scannerRegistry([custom('trivy')]);
    expect([...registry.keys()]).toEqual(['semgrep', 'bandit', 'kics', 'trivy']);
    expect(registry.get('trivy')?.id).toBe('trivy');
  });

  it('throws when a custom id clashes with a built-in scanner', () => {
    expect(() => scannerRegistry([custom('bandit')])).toThrow(
      'custom scanner id "bandit" is already taken by a built-in scanner',
    );
  });

  it('does not change the built-in map', () => {
    scannerRegistry([custom('trivy')]);
    expect(BUILTIN_SCANNERS.has('trivy')).toBe(false);
  });
});

describe('pickScanners', () => {
  it('returns the scanners in the order asked', () => {
    const picked = pickScanners(scannerRegistry(), ['kics', 'semgrep']);
    expect(picked.map((s) => s.id)).toEqual(['kics', 'semgrep']);
  });

  it('rejects unknown ids, naming them and listing the valid ones', () => {
    const registry = scannerRegistry([custom('trivy')]);
    expect(() => pickScanners(registry, ['semgrep', 'snyk', 'zap'])).toThrow(
      'unknown scanner "snyk", "zap"; valid scanners: semgrep, bandit, kics, trivy',
    );
  });
});
