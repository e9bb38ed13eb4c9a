import { realpathSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { kicsPaths } from '../../scanners/kics/install.ts';
import { pythonScannersDir } from '../../scanners/python-venv.ts';
import { builtinRulesDir } from '../../scanners/semgrep/plugin.ts';
import { realExec } from '../../src/exec/exec.ts';
import { toolsDir } from '../../src/paths.ts';
import type { JsonReport } from '../../src/report/json-report-schema.ts';
import { OFFLINE_ENV, PYTHON_NO_WRITE_ENV } from '../../src/tools/offline-env.ts';
import { toolFindings } from './tool-findings.ts';

/*
 * Each scanner run alone, the way a user would run it on a folder, outside controlgate: the same
 * installed tool and the flags controlgate's plugin passes, a folder instead of controlgate's file
 * list. The results come back as `ruleId path:line` lines, paths relative to `root`, sorted, for
 * comparing with controlgate's findings.
 */

/** One result as `ruleId path:line`. */
export type ResultKey = string;

const key = (ruleId: string, rel: string, line: number): ResultKey => `${ruleId} ${rel}:${line}`;

/** The installed tools, with links resolved: KICS writes paths relative to its real working folder. */
function tools(): string {
  return realpathSync(toolsDir(process.env));
}

interface SarifLike {
  runs: {
    results?: {
      ruleId?: string;
      locations?: {
        physicalLocation?: { artifactLocation?: { uri?: string }; region?: { startLine?: number } };
      }[];
    }[];
  }[];
}

async function sarifKeys(file: string, cwd: string, root: string): Promise<ResultKey[]> {
  const log = JSON.parse(await readFile(file, 'utf8')) as SarifLike;
  return log.runs
    .flatMap((run) =>
      (run.results ?? []).map((r) => {
        const where = r.locations?.[0]?.physicalLocation;
        const uri = where?.artifactLocation?.uri ?? '';
        const local = uri.startsWith('file://') ? new URL(uri).pathname : decodeURIComponent(uri);
        const rel = path.relative(root, path.resolve(cwd, local)).split(path.sep).join('/');
        return key(r.ruleId ?? '', rel, where?.region?.startLine ?? 0);
      }),
    )
    .sort();
}

async function runTool(file: string, args: string[], cwd: string, env: Record<string, string>, ok: number[]) {
  const result = await realExec({ file, args, cwd, env, inherit: { allow: [] }, timeoutMs: 600_000 });
  if (result.exitCode === null || !ok.includes(result.exitCode)) {
    throw new Error(`${file} exited with ${result.exitCode}: ${result.stderrTail.slice(-2_000)}`);
  }
  return result;
}

/** Runs `fn` with a fresh output folder, removed afterwards. */
async function withOut<T>(fn: (out: string) => Promise<T>): Promise<T> {
  const out = await mkdtemp(path.join(os.tmpdir(), 'controlgate-alone-'));
  try {
    return await fn(out);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

/**
 * KICS on `folder` with the flags the plugin passes (scanners/kics/plugin.ts) and the given
 * `excludes` (what controlgate's walk leaves out).
 */
export function kicsAlone(
  folder: string,
  root: string,
  excludes: readonly string[] = [],
): Promise<ResultKey[]> {
  const { dir, binary } = kicsPaths(tools());
  return withOut(async (out) => {
    await runTool(
      binary,
      [
        'scan',
        '--path',
        folder,
        ...excludes.flatMap((e) => ['--exclude-paths', e]),
        '--exclude-gitignore',
        '--output-path',
        out,
        '--output-name',
        'kics',
        '--report-formats',
        'sarif,json',
        '--ci',
        '--no-progress',
        '--no-color',
        '--config',
        '/dev/null',
      ],
      dir,
      {},
      [0, 20, 30, 40, 50, 60],
    );
    return sarifKeys(path.join(out, 'kics.sarif'), dir, root);
  });
}

/** Semgrep on `folder` with controlgate's rule pack and the flags the plugin passes. */
export function semgrepAlone(folder: string, root: string): Promise<ResultKey[]> {
  return withOut(async (out) => {
    const sarif = path.join(out, 'semgrep.sarif');
    await runTool(
      path.join(pythonScannersDir(tools()), 'bin', 'semgrep'),
      [
        'scan',
        '--metrics=off',
        '--disable-version-check',
        '--no-rewrite-rule-ids',
        '--disable-nosem',
        '--sarif',
        '--output',
        sarif,
        '--quiet',
        '--config',
        builtinRulesDir(),
        folder,
      ],
      root,
      { ...OFFLINE_ENV, ...PYTHON_NO_WRITE_ENV },
      [0, 1],
    );
    return sarifKeys(sarif, root, root);
  });
}

/** Bandit on `folder`, recursively, with the flags the plugin passes. */
export function banditAlone(folder: string, root: string): Promise<ResultKey[]> {
  return withOut(async (out) => {
    const sarif = path.join(out, 'bandit.sarif');
    await runTool(
      path.join(pythonScannersDir(tools()), 'bin', 'bandit'),
      ['--format', 'sarif', '--output', sarif, '--quiet', '--ignore-nosec', '--recursive', folder],
      root,
      { ...PYTHON_NO_WRITE_ENV },
      [0, 1],
    );
    return sarifKeys(sarif, root, root);
  });
}

/** One scanner's findings in a controlgate report, suppressed ones included, as result keys. */
export function controlgateKeys(report: JsonReport, scanner: string): ResultKey[] {
  // Per tool, one for one: a problem two tools found counts once for each.
  return toolFindings(report)
    .filter((f) => f.scanner === scanner)
    .map((f) => key(f.ruleId, f.path, f.line))
    .sort();
}
