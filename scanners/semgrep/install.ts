import type { VenvTool } from '../../src/install/install-python.ts';
import pin from './pin.json' with { type: 'json' };

/** Semgrep in the shared scanners venv (scanners/python-venv.ts). */
export const semgrepInVenv: VenvTool = { id: 'semgrep', pin };
