/** Where the installer reports progress; the CLI prints it, tests collect it. */
export type InstallLog = (line: string) => void;

/** Result of installing (or reusing) one scanner. */
export interface InstallOutcome {
  tool: string;
  action: 'installed' | 'present' | 'path' | 'failed';
  version?: string;
  location?: string;
  seconds: number;
  detail?: string;
}

/** Formats seconds for humans: "0.4 s", "2 min 41 s". */
export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

/** One line per tool: what happened, which version, where, how long. */
export function describeOutcome(outcome: InstallOutcome): string {
  const what = {
    installed: 'installed',
    present: 'already installed',
    path: 'using the one on PATH',
    failed: 'FAILED',
  }[outcome.action];
  const where = outcome.location ? ` at ${outcome.location}` : '';
  const version = outcome.version ? ` ${outcome.version}` : '';
  const detail = outcome.detail ? `\n    ${outcome.detail.replaceAll('\n', '\n    ')}` : '';
  return `${outcome.tool}${version}: ${what}${where} (${formatSeconds(outcome.seconds)})${detail}`;
}
