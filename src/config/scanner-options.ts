import { BUILTIN_PLUGINS, BUILTIN_SCANNERS, type BuiltinScanner, isBuiltinId } from '../../scanners/index.ts';
import type { ScannerOptions } from '../../scanners/types.ts';
import type { Config } from './schema.ts';

/**
 * The options of one run of scanner `id`: a built-in scanner's plugin turns its section into them,
 * a custom scanner gets its timeout (its arguments are part of its command). `root` is the workspace root.
 */
export function scannerOptions(config: Config, id: string, root: string): ScannerOptions {
  if (isBuiltinId(id)) {
    const scanner: BuiltinScanner = BUILTIN_PLUGINS[id];
    return scanner.config.options(config.scanners[id], root);
  }
  const custom = config.scanners.custom.find((c) => c.id === id);
  return { timeoutSeconds: custom?.timeout ?? 900, extraArgs: [] };
}

/** The scanners a run starts when none are named: every enabled one, built-ins first in registry order. */
export function enabledScannerIds(config: Config): string[] {
  const builtins = [...BUILTIN_SCANNERS.keys()].filter(
    (id) => isBuiltinId(id) && config.scanners[id].enabled,
  );
  return [...builtins, ...config.scanners.custom.filter((c) => c.enabled).map((c) => c.id)];
}
