import { describe, expect, it } from 'vitest';
import { enabledScannerIds, scannerOptions } from '../../../src/config/scanner-options.ts';
import { configSchema } from '../../../src/config/schema.ts';

const ROOT = '/nonexistent/workspace';

describe('scannerOptions', () => {
  const config = configSchema.parse({
    scanners: {
      semgrep: { timeout: 30, configs: ['builtin', 'p/python'] },
      kics: { args: ['--exclude-severities', 'info'] },
      custom: [{ id: 'trivy', command: 'trivy', args: ['fs'], timeout: 45 }],
    },
  });

  it("asks the built-in scanner's plugin to turn its section into options", () => {
    expect(scannerOptions(config, 'semgrep', ROOT)).toEqual({
      timeoutSeconds: 30,
      extraArgs: [],
      configs: ['builtin', 'p/python'],
    });
    expect(scannerOptions(config, 'kics', ROOT)).toEqual({
      timeoutSeconds: 900,
      extraArgs: ['--exclude-severities', 'info'],
      cloudProviders: 'auto',
    });
    expect(scannerOptions(config, 'bandit', ROOT)).toEqual({ timeoutSeconds: 900, extraArgs: [] });
  });

  it('gives a custom scanner its timeout; its args are part of its own command, not extra ones', () => {
    expect(scannerOptions(config, 'trivy', ROOT)).toEqual({ timeoutSeconds: 45, extraArgs: [] });
  });
});

describe('enabledScannerIds', () => {
  it('lists the enabled built-ins in registry order, then the enabled custom scanners', () => {
    const config = configSchema.parse({
      scanners: {
        bandit: { enabled: false },
        custom: [
          { id: 'trivy', command: 'trivy' },
          { id: 'zap', command: 'zap', enabled: false },
        ],
      },
    });
    expect(enabledScannerIds(config)).toEqual(['semgrep', 'kics', 'gitleaks', 'osv-scanner', 'trivy']);
    expect(enabledScannerIds(configSchema.parse({}))).toEqual([
      'semgrep',
      'bandit',
      'kics',
      'gitleaks',
      'osv-scanner',
    ]);
  });
});
