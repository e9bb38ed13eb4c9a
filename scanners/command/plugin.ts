import path from 'node:path';
import { ToolMissingError } from '../../src/errors.ts';
import { globToRegExp } from '../../src/glob.ts';
import { toPosix } from '../../src/paths.ts';
import { parseVersion } from '../../src/tools/versions.ts';
import { findOnPath, isExecutable } from '../../src/tools/which.ts';
import { isTextCandidate } from '../file-kinds.ts';
import type { PlanContext, Scanner } from '../types.ts';

/** A user's own scanner: any command that writes SARIF, declared in the configuration file. */
export interface CommandScannerDefinition {
  id: string;
  displayName?: string;
  command: string;
  /** Placeholders: {sarif} {outDir} {target} {root} and {files} (expands to one argument per file). */
  args: string[];
  /** Where the SARIF lands ({outDir}, {root}, {target} allowed), or "stdout". */
  sarif: string;
  /** Exit codes meaning "ran and found nothing"; default [0]. */
  cleanExitCodes: number[];
  /** Exit codes meaning "ran and found something"; default [1]. */
  findingsExitCodes: number[];
  /** Globs (relative to the workspace root) of the files it applies to; default: all text files. */
  include?: string[];
  versionArgs?: string[];
  /** `file` when each file's results depend on that file alone; default `tree` (always scans everything). */
  scope?: 'file' | 'tree';
  /** Variables of the job's environment the command needs besides the basics (names, or `PREFIX_*`). */
  environment?: readonly string[];
}

function expand(template: string, context: PlanContext, sarifPath: string): string {
  return template
    .replaceAll('{sarif}', sarifPath)
    .replaceAll('{outDir}', context.outDir)
    .replaceAll('{target}', context.target)
    .replaceAll('{root}', context.root);
}

/** Builds a Scanner for a command declared in the configuration. */
export function commandScanner(def: CommandScannerDefinition): Scanner {
  const includes = def.include?.map((g) => globToRegExp(g));
  return {
    id: def.id,
    displayName: def.displayName ?? def.id,
    scope: def.scope ?? 'tree',
    ...(def.environment ? { environment: def.environment } : {}),
    selectFiles(files, root) {
      const text = files.filter(isTextCandidate);
      if (!includes) return text;
      return text.filter((f) => {
        const rel = toPosix(path.relative(root, f));
        return includes.some((re) => re.test(rel));
      });
    },
    async locate({ exec, env }) {
      const command = def.command.includes('/') ? path.resolve(def.command) : findOnPath(def.command, env);
      if (!command || !isExecutable(command)) {
        throw new ToolMissingError(
          `custom scanner "${def.id}": command ${def.command} not found or not executable`,
        );
      }
      let version = 'unknown';
      if (def.versionArgs) {
        const result = await exec({ file: command, args: def.versionArgs, timeoutMs: 30_000 });
        version =
          parseVersion(result.stdout) ?? result.stdout.trim().split('\n')[0]?.slice(0, 40) ?? 'unknown';
      }
      return { command, version, source: 'configured' };
    },
    plan(context) {
      const toStdout = def.sarif === 'stdout';
      const sarifPath = toStdout ? '' : path.resolve(context.root, expand(def.sarif, context, ''));
      const args = def.args.flatMap((arg) =>
        arg === '{files}' ? [...context.files] : [expand(arg, context, sarifPath)],
      );
      return {
        file: context.tool.command,
        args: [...args, ...context.options.extraArgs],
        cwd: context.root,
        ...(toStdout ? {} : { sarifPath }),
      };
    },
    interpretExit(code) {
      if (def.cleanExitCodes.includes(code)) return 'clean';
      if (def.findingsExitCodes.includes(code)) return 'findings';
      return 'error';
    },
  };
}
