import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitleaksSkipped } from '../../../../scanners/gitleaks/skipped-files.ts';

const ROOT = path.resolve('/repo');
const CWD = path.resolve('/tmp/controlgate-gitleaks-abc');

/** Gitleaks 8.30.1's standard error for a link whose file vanished, recorded (`--no-color`). */
const RECORDED = [
  '3:57AM ERR skipping symlink: could not evaluate error="lstat /repo/d/gone.py: no such file or directory" path=ws/d/gone.py',
  '3:57AM INF scanned ~4 bytes (4 bytes) in 4.89ms',
  '3:57AM INF no leaks found',
].join('\n');

describe('gitleaksSkipped', () => {
  it('names a given file Gitleaks could not follow, with its words', () => {
    expect(gitleaksSkipped(RECORDED, [path.join(ROOT, 'd', 'gone.py')], CWD, ROOT)).toEqual([
      {
        path: path.join(ROOT, 'd', 'gone.py'),
        reason:
          'Gitleaks skipping symlink: could not evaluate (lstat /repo/d/gone.py: no such file or directory)',
      },
    ]);
  });

  it('reads a quoted path and an absolute one (the linked file itself)', () => {
    const log = [
      '4:00AM WRN skipping file: permission denied path="/repo/a b.env"',
      '4:00AM ERR error="could not read file: EOF" path="ws/c d.py"',
    ].join('\n');
    const files = [path.join(ROOT, 'a b.env'), path.join(ROOT, 'c d.py')];
    expect(gitleaksSkipped(log, files, CWD, ROOT).map((u) => u.path)).toEqual(files);
  });

  it('leaves out paths not given, information lines and a clean log', () => {
    const log = `${RECORDED}\n4:00AM WRN skipping directory path=ws/d`;
    expect(gitleaksSkipped(log, [path.join(ROOT, 'other.py')], CWD, ROOT)).toEqual([]);
    expect(
      gitleaksSkipped('3:57AM INF no leaks found', [path.join(ROOT, 'd', 'gone.py')], CWD, ROOT),
    ).toEqual([]);
  });
});
