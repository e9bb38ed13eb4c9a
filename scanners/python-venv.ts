import { lockedVenvRecipe } from '../src/install/install-python.ts';
import { PYTHON_REQUIREMENTS } from '../src/tools/versions.ts';
import { banditInVenv } from './bandit/install.ts';
import { semgrepInVenv } from './semgrep/install.ts';

/**
 * Semgrep and Bandit share one venv, `<tools>/venv`, installed from their joint closure
 * (scanners/python-scanners.lock): both plugins declare this recipe, so it runs once for either or
 * both. A Python scanner joins by adding itself here and to the closure in scanners/versions.json.
 */
export const pythonScannersVenv = lockedVenvRecipe({
  key: 'python-venv',
  dir: 'venv',
  lock: 'scanners',
  requirements: PYTHON_REQUIREMENTS,
  tools: [semgrepInVenv, banditInVenv],
});
