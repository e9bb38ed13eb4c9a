import path from 'node:path';
import type * as Sarif from 'sarif';
import { locateTool } from '../../src/tools/locate.ts';
import { PYTHON_NO_WRITE_ENV } from '../../src/tools/offline-env.ts';
import { hasExtension } from '../file-kinds.ts';
import { toolNotifications } from '../notifications.ts';
import { pythonScannersDir, pythonScannersVenv } from '../python-venv.ts';
import { plainConfig } from '../settings.ts';
import type { Scanner, SuppressionComment, SuppressionSite, UnjudgedFile } from '../types.ts';

const PYTHON = new Set(['.py', '.pyw']);
const NOSEC = /#\s*nosec\b:?\s*([A-Z]\d{3}(?:[\s,]+[A-Z]\d{3})*)?/;

/** Bandit's `# nosec` on any line of the finding; with test ids listed it only covers those ids. */
function nosec(site: SuppressionSite): SuppressionComment | undefined {
  for (let n = site.startLine; n <= site.endLine; n++) {
    const match = NOSEC.exec(site.lines[n - 1] ?? '');
    if (!match) continue;
    const ids = match[1]?.split(/[\s,]+/).filter(Boolean);
    if (!ids || ids.includes(site.ruleId)) return { text: match[0].replace(/^#\s*/, '').trim(), line: n };
  }
  return undefined;
}

/**
 * Bandit skips a file it cannot parse (a syntax newer than its interpreter, bad encoding) and still
 * exits 0; it says so only as an error-level configuration notification naming the file.
 */
export function banditUnjudged(log: Sarif.Log, cwd: string): UnjudgedFile[] {
  return toolNotifications(log, cwd)
    .filter((n) => n.level === 'error')
    .flatMap((n) => n.files.map((file) => ({ path: file, reason: n.text || 'Bandit reported an error' })));
}

export const bandit = {
  id: 'bandit',
  displayName: 'Bandit',
  // No keys of its own in .controlgate.yml: enabled, timeout and args.
  config: plainConfig,
  // With Semgrep, in the venv of scanners/python-scanners.lock.
  install: pythonScannersVenv,
  // Bandit analyses each module on its own.
  scope: 'file',
  startupSeconds: 0.5,
  inSourceSuppression: nosec,
  selectFiles: (files) => files.filter((f) => hasExtension(f, PYTHON)),
  locate: (context) =>
    locateTool(
      {
        id: 'bandit',
        binary: 'bandit',
        installedAt: (dir) => path.join(pythonScannersDir(dir), 'bin', 'bandit'),
        recordedIn: pythonScannersDir,
        versionArgs: ['--version'],
      },
      context,
    ),
  plan({ root, files, outDir, tool, options }) {
    const sarifPath = path.join(outDir, 'bandit.sarif');
    return {
      file: tool.command,
      args: [
        '--format',
        'sarif',
        '--output',
        sarifPath,
        '--quiet',
        // Report `# nosec` results too; normalization marks them suppressed instead of losing them.
        '--ignore-nosec',
        ...options.extraArgs,
        ...files,
      ],
      cwd: root,
      env: { ...PYTHON_NO_WRITE_ENV },
      sarifPath,
    };
  },
  // Bandit exits 1 when it found issues; anything else non-zero is a failure.
  interpretExit: (code) => (code === 0 ? 'clean' : code === 1 ? 'findings' : 'error'),
  unjudgedFiles: async ({ log, cwd }) => banditUnjudged(log, cwd),
} satisfies Scanner;
