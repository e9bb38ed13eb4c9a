import { describe, expect, it } from 'vitest';
import { isTextCandidate, notTextReason } from '../../../scanners/file-kinds.ts';

describe('notTextReason', () => {
  it('says why minified code, lockfiles and binaries go to no text scanner', () => {
    expect(notTextReason('web/jquery-3.2.1.min.js')).toMatch(/^minified JavaScript/);
    expect(notTextReason('package-lock.json')).toMatch(/^a lockfile/);
    expect(notTextReason('poetry.lock')).toMatch(/^a lockfile/);
    expect(notTextReason('fonts/Roboto.woff2')).toBe('binary or media, not source');
    expect(notTextReason('app/main.py')).toBeUndefined();
    expect(isTextCandidate('app/main.py')).toBe(true);
    expect(isTextCandidate('a.min.js')).toBe(false);
  });
});
