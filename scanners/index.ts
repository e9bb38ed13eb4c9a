import { ConfigError, quoteForMessage, UnknownScannerError } from '../src/errors.ts';
import { bandit } from './bandit/plugin.ts';
import { type CommandScannerDefinition, commandScanner } from './command/plugin.ts';
import { gitleaks } from './gitleaks/plugin.ts';
import { kics } from './kics/plugin.ts';
import { osvScanner } from './osv-scanner/plugin.ts';
import { semgrep } from './semgrep/plugin.ts';
import type { Scanner, ScannerConfig } from './types.ts';

/** A built-in scanner: it has its section of .controlgate.yml. */
export type BuiltinScanner = Scanner & { config: ScannerConfig };

/**
 * Built-in scanners, each under its id. A new scanner is a folder here plus one line in this object;
 * its key is its section under `scanners:` in .controlgate.yml (typed, for the config schema).
 */
export const BUILTIN_PLUGINS = {
  semgrep,
  bandit,
  kics,
  gitleaks,
  'osv-scanner': osvScanner,
} satisfies Record<string, BuiltinScanner>;

export type BuiltinScannerId = keyof typeof BUILTIN_PLUGINS;

/** Built-in scanners by id, in the order runs and reports list them. */
export const BUILTIN_SCANNERS: ReadonlyMap<string, BuiltinScanner> = new Map(
  Object.values(BUILTIN_PLUGINS).map((scanner): [string, BuiltinScanner] => [scanner.id, scanner]),
);

/** True for the id of a built-in scanner (and so a key of `scanners:` and of BUILTIN_PLUGINS). */
export function isBuiltinId(id: string): id is BuiltinScannerId {
  return Object.hasOwn(BUILTIN_PLUGINS, id);
}

/**
 * Every scanner available for a run: the built-ins plus the user's own commands from the config
 * (`configFile` names it in the error when a custom id is taken; custom ids are `scanners.custom[i].id`).
 */
export function scannerRegistry(
  custom: readonly CommandScannerDefinition[] = [],
  configFile = '.controlgate.yml',
): Map<string, Scanner> {
  const registry = new Map<string, Scanner>(BUILTIN_SCANNERS);
  const customAt = new Map<string, number>();
  custom.forEach((def, index) => {
    const earlier = customAt.get(def.id);
    if (registry.has(def.id)) {
      const holder = earlier === undefined ? 'a built-in scanner' : `scanners.custom[${earlier}]`;
      throw new ConfigError(configFile, [
        `scanners.custom[${index}].id: ${quoteForMessage(def.id)} is already taken by ${holder}; choose another id`,
      ]);
    }
    customAt.set(def.id, index);
    registry.set(def.id, commandScanner(def));
  });
  return registry;
}

/** Looks scanners up by id; unknown ids are an UnknownScannerError that lists the valid ones. */
export function pickScanners(registry: ReadonlyMap<string, Scanner>, ids: readonly string[]): Scanner[] {
  const unknown = ids.filter((id) => !registry.has(id));
  if (unknown.length > 0) throw new UnknownScannerError(unknown, [...registry.keys()]);
  return ids.map((id) => registry.get(id) as Scanner);
}
