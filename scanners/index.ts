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

/** Every scanner available for a run: the built-ins plus the user's own commands from the config. */
export function scannerRegistry(custom: readonly CommandScannerDefinition[] = []): Map<string, Scanner> {
  const registry = new Map(BUILTIN_SCANNERS);
  for (const def of custom) {
    if (registry.has(def.id))
      throw new Error(`custom scanner id "${def.id}" is already taken by a built-in scanner`);
    registry.set(def.id, commandScanner(def));
  }
  return registry;
}

/** Looks scanners up by id; an unknown id is an error that lists the valid ones. */
export function pickScanners(registry: ReadonlyMap<string, Scanner>, ids: readonly string[]): Scanner[] {
  const unknown = ids.filter((id) => !registry.has(id));
  if (unknown.length > 0) {
    throw new Error(
      `unknown scanner ${unknown.map((u) => `"${u}"`).join(', ')}; valid scanners: ${[...registry.keys()].join(', ')}`,
    );
  }
  return ids.map((id) => registry.get(id) as Scanner);
}
