import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { SarifLogInput } from '../../src/sarif/model.ts';
import { parseSarifText } from '../../src/sarif/read.ts';
import { REPO_ROOT } from './cli.ts';

export interface Recording {
  tool: string;
  version: string;
  recordedRoot: string;
  toolCwd: string;
  exitCode: number;
}

export interface Fixture {
  /** The fixture folder: the SARIF, recording.json and any side reports the tool wrote. */
  dir: string;
  recording: Recording;
  /** The tool's SARIF, with the recording checkout's path moved to this checkout. */
  log: SarifLogInput;
  /** The tool's working directory at recording time, moved to this checkout. */
  toolCwd: string;
}

/** Loads test/fixtures/sarif/<tool>/example-app.sarif, recorded by `npm run fixtures:record`. */
export function loadFixture(tool: string): Fixture {
  const dir = path.join(REPO_ROOT, 'test', 'fixtures', 'sarif', tool);
  const recording = JSON.parse(readFileSync(path.join(dir, 'recording.json'), 'utf8')) as Recording;
  const file = path.join(dir, 'example-app.sarif');
  // Bandit and Semgrep write absolute paths of the recording checkout; relocate them to this one.
  const text = readFileSync(file, 'utf8').replaceAll(recording.recordedRoot, REPO_ROOT);
  return {
    dir,
    recording,
    log: parseSarifText(text, file),
    toolCwd: recording.toolCwd.replace(recording.recordedRoot, REPO_ROOT),
  };
}
