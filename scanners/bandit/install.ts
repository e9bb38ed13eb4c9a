import type { VenvTool } from '../../src/install/install-python.ts';
import pin from './pin.json' with { type: 'json' };

/** Bandit (with its SARIF formatter, `bandit[sarif]` in the closure) in the shared scanners venv (scanners/python-venv.ts). */
export const banditInVenv: VenvTool = { id: 'bandit', pin };
