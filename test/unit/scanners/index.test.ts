import { describe, expect, it } from 'vitest';
import type { CommandScannerDefinition } from '../../../scanners/command/plugin.ts';
import {
  BUILTIN_PLUGINS,
  BUILTIN_SCANNERS,
  isBuiltinId,
  pickScanners,
  scannerRegistry,
} from '../../../scanners/index.ts';
import { ConfigError, UnknownScannerError, UsageError } from '../../../src/errors.ts';

function custom(id: string): CommandScannerDefinition {
  return { id, command: id, args: [], sarif: 'stdout', cleanExitCodes: [0], findingsExitCodes: [1] };
}

/** The error `run` throws, so its type and fields can be checked, not only its message. */
function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('BUILTIN_SCANNERS', () => {
  it('registers semgrep, bandit, kics, gitleaks and osv-scanner under their own ids', () => {
    expect([...BUILTIN_SCANNERS.keys()]).toEqual(['semgrep', 'bandit', 'kics', 'gitleaks', 'osv-scanner']);
    for (const [id, scanner] of BUILTIN_SCANNERS) expect(scanner.id).toBe(id);
  });

  it("keys BUILTIN_PLUGINS (the config's `scanners:` keys) by each plugin's own id", () => {
    for (const [key, scanner] of Object.entries(BUILTIN_PLUGINS)) expect(scanner.id).toBe(key);
    expect(Object.keys(BUILTIN_PLUGINS)).toEqual([...BUILTIN_SCANNERS.keys()]);
    // `custom` is the custom scanners' list in the same object.
    expect(isBuiltinId('custom')).toBe(false);
  });

  it('gives every built-in a config section whose empty form parses to enabled defaults', () => {
    for (const scanner of BUILTIN_SCANNERS.values()) {
      const settings = scanner.config.schema.parse({});
      expect(settings, scanner.id).toMatchObject({ enabled: true, timeout: 900, args: [] });
      expect(scanner.config.options(settings, '/repo'), scanner.id).toMatchObject({
        timeoutSeconds: 900,
        extraArgs: [],
      });
    }
  });
});

describe('scannerRegistry', () => {
  it('adds custom scanners after the built-ins', () => {
    const registry = scannerRegistry([custom('trivy')]);
    expect([...registry.keys()]).toEqual(['semgrep', 'bandit', 'kics', 'gitleaks', 'osv-scanner', 'trivy']);
    expect(registry.get('trivy')?.id).toBe('trivy');
  });

  it('throws a ConfigError naming the config field when a custom id clashes with a built-in scanner', () => {
    const error = thrown(() =>
      scannerRegistry([custom('trivy'), custom('bandit')], '/repo/.controlgate.yml'),
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({
      file: '/repo/.controlgate.yml',
      problems: ['scanners.custom[1].id: "bandit" is already taken by a built-in scanner; choose another id'],
    });
  });

  it('names the earlier custom scanner when two custom scanners share an id', () => {
    const error = thrown(() => scannerRegistry([custom('trivy'), custom('zap'), custom('trivy')]));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'scanners.custom[2].id: "trivy" is already taken by scanners.custom[0]; choose another id',
    ]);
    expect((error as ConfigError).file).toBe('.controlgate.yml');
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

  it('rejects unknown ids with an UnknownScannerError (a UsageError) carrying them and the valid ones', () => {
    const registry = scannerRegistry([custom('trivy')]);
    const error = thrown(() => pickScanners(registry, ['semgrep', 'snyk', 'zap']));
    expect(error).toBeInstanceOf(UnknownScannerError);
    expect(error).toBeInstanceOf(UsageError);
    expect(error).toMatchObject({
      name: 'UnknownScannerError',
      unknown: ['snyk', 'zap'],
      valid: ['semgrep', 'bandit', 'kics', 'gitleaks', 'osv-scanner', 'trivy'],
      message:
        'unknown scanner "snyk", "zap"; valid scanners: semgrep, bandit, kics, gitleaks, osv-scanner, trivy',
    });
  });

  it('quotes an unknown id as data, control characters escaped', () => {
    expect(() => pickScanners(scannerRegistry(), ['se\u001b[2Jmgrep'])).toThrow(
      'unknown scanner "se\\u001b[2Jmgrep"; valid scanners: semgrep, bandit, kics',
    );
  });
});
