import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Sarif from 'sarif';

/** One notification a tool wrote into its SARIF invocations, in the fields plugins read. */
export interface ToolNotification {
  /** SARIF level; the spec's default is `warning`. */
  level: string;
  /** The descriptor id (Semgrep's error type: `Timeout`, `Syntax error`, …), empty when absent. */
  id: string;
  text: string;
  /** Absolute paths of the files its locations name. */
  files: string[];
}

function asString(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** A location's URI as an absolute path: `file://` URIs decoded, relative ones resolved against `cwd`. */
function uriToPath(uri: string, cwd: string): string | undefined {
  if (uri.startsWith('file:')) {
    try {
      return fileURLToPath(uri);
    } catch {
      return undefined;
    }
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(uri)) return undefined;
  return path.resolve(cwd, decodeURIComponent(uri));
}

/**
 * Every execution and configuration notification of every invocation of the log. The log is the
 * tool's output, validated only loosely here, so each field is checked before it is used.
 */
export function toolNotifications(log: Sarif.Log, cwd: string): ToolNotification[] {
  const out: ToolNotification[] = [];
  for (const run of log.runs ?? []) {
    for (const invocation of run.invocations ?? []) {
      const all: unknown[] = [
        ...(Array.isArray(invocation.toolExecutionNotifications)
          ? invocation.toolExecutionNotifications
          : []),
        ...(Array.isArray(invocation.toolConfigurationNotifications)
          ? invocation.toolConfigurationNotifications
          : []),
      ];
      for (const item of all) {
        if (typeof item !== 'object' || item === null) continue;
        const n = item as Sarif.Notification;
        const files = (Array.isArray(n.locations) ? n.locations : []).flatMap((l) => {
          const found = uriToPath(asString(l?.physicalLocation?.artifactLocation?.uri), cwd);
          return found ? [found] : [];
        });
        out.push({
          level: asString(n.level) || 'warning',
          id: asString(n.descriptor?.id),
          text: asString(n.message?.text),
          files,
        });
      }
    }
  }
  return out;
}

/** The first line of a tool's message, trimmed and clipped: reasons are shown on one line. */
export function firstLine(text: string, max = 200): string {
  const line = (text.split('\n')[0] ?? '').trim().replace(/:$/, '');
  return line.length > max ? `${line.slice(0, max)}…` : line;
}
