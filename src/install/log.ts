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
