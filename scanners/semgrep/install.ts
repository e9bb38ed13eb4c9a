import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { VenvTool } from '../../src/install/install-python.ts';
import { isExecutable } from '../../src/tools/which.ts';
import pin from './pin.json' with { type: 'json' };

/** Semgrep's native engine, the one large binary in the venv: its sha256 goes into the stamp. */
async function semgrepCore(venv: string): Promise<string> {
  const lib = path.join(venv, 'lib');
  const pythons = await readdir(lib).catch(() => [] as string[]);
  for (const python of pythons) {
    const rel = path.join('lib', python, 'site-packages', 'semgrep', 'bin', 'semgrep-core');
    if (isExecutable(path.join(venv, rel))) return rel;
  }
  throw new Error(`semgrep-core is missing from ${venv} after the install`);
}

/** Semgrep in the shared scanners venv (scanners/python-venv.ts). */
export const semgrepInVenv: VenvTool = {
  id: 'semgrep',
  pin,
  stampFiles: async (venv) => [await semgrepCore(venv)],
};
