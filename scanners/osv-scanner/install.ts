import { type GoBinaryTool, goBinaryRecipe } from '../../src/install/go-binary.ts';
import pinned from './pin.json' with { type: 'json' };

/** OSV-Scanner as the installer builds it: the pinned module's cmd/osv-scanner (its version is a constant in the source). */
export const OSV_SCANNER_TOOL: GoBinaryTool = {
  id: 'osv-scanner',
  displayName: 'OSV-Scanner',
  pinFile: 'scanners/osv-scanner/pin.json',
  pin: pinned,
  toolchain: pinned.goToolchain,
  versionFlags: [],
  versionArgs: ['--version'],
};

/** OSV-Scanner's recipe: one static binary in <tools>/osv-scanner. */
export const osvScannerInstall = goBinaryRecipe(OSV_SCANNER_TOOL);
