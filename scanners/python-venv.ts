import path from 'node:path';
import { lockedVenvRecipe } from '../src/install/install-python.ts';
import { PYTHON_REQUIREMENTS } from '../src/tools/versions.ts';
import { banditInVenv } from './bandit/install.ts';
import { semgrepInVenv } from './semgrep/install.ts';

const VENV_DIR = 'venv';

/** The venv in the tools folder: where its scanners are found, and the folder its record covers. */
export function pythonScannersDir(toolsDir: string): string {
  return path.join(toolsDir, VENV_DIR);
}

/**
 * Semgrep and Bandit share one venv, `<tools>/venv`, installed from their joint closure
 * (scanners/python-scanners.lock): both plugins declare this recipe, so it runs once for either or
 * both. A Python scanner joins by adding itself here and to the closure in scanners/versions.json.
 */
export const pythonScannersVenv = lockedVenvRecipe({
  key: 'python-venv',
  dir: VENV_DIR,
  lock: 'scanners',
  requirements: PYTHON_REQUIREMENTS,
  tools: [semgrepInVenv, banditInVenv],
});
