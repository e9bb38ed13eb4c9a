import { type GoBinaryTool, goBinaryRecipe } from '../../src/install/go-binary.ts';
import pinned from './pin.json' with { type: 'json' };

/** Gitleaks as the installer builds it: the pinned module, its version stamped as `gitleaks version` prints it. */
export const GITLEAKS_TOOL: GoBinaryTool = {
  id: 'gitleaks',
  displayName: 'Gitleaks',
  pinFile: 'scanners/gitleaks/pin.json',
  pin: pinned,
  toolchain: pinned.goToolchain,
  versionFlags: [`github.com/zricethezav/gitleaks/v8/version.Version=v${pinned.version}`],
  versionArgs: ['version'],
};

/** Gitleaks's recipe: one static binary in <tools>/gitleaks. */
export const gitleaksInstall = goBinaryRecipe(GITLEAKS_TOOL);
