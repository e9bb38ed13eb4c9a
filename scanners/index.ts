import { ConfigError, quoteForMessage, UnknownScannerError } from '../src/errors.ts';
import { bandit } from './bandit/plugin.ts';
import { type CommandScannerDefinition, commandScanner } from './command/plugin.ts';
import { kics } from './kics/plugin.ts';
import { semgrep } from './semgrep/plugin.ts';
import type { Scanner } from './types.ts';

/** Built-in scanners by id. A new scanner is a folder here plus one line in this map. */
export const BUILTIN_SCANNERS: ReadonlyMap<string, Scanner> = new Map<string, Scanner>([
  [semgrep.id, semgrep],
  [bandit.id, bandit],
  [kics.id, kics],
]);

/**
 * Every scanner available for a run: the built-ins plus the user's own commands from the config
 * (`configFile` names it in the error when a custom id is taken; custom ids are `scanners.custom[i].id`).
 */
export function scannerRegistry(
  custom: readonly CommandScannerDefinition[] = [],
  configFile = '.controlgate.yml',
): Map<string, Scanner> {
  const registry = new Map(BUILTIN_SCANNERS);
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
