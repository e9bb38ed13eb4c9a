import { describe, expect, it } from 'vitest';
import { changedWaivers } from '../../../src/change-management/waiver-changes.ts';

describe('changedWaivers', () => {
  const w1 = '  - id: W1\n    approver: sec-carol\n    expires: 2027-01-31\n';
  it('lists entries the head adds or edits, not those it keeps as written (in any key order)', () => {
    const reordered = '  - approver: sec-carol\n    expires: 2027-01-31\n    id: W1\n';
    const edited = '  - id: W1\n    approver: sec-carol\n    expires: 2027-06-30\n';
    expect(changedWaivers(`waivers:\n${w1}`, `waivers:\n${reordered}`)).toEqual([]);
    expect(changedWaivers(`waivers:\n${w1}`, `waivers:\n${edited}`)).toEqual([
      { id: 'W1', approver: 'sec-carol', expires: '2027-06-30' },
    ]);
    expect(changedWaivers(null, `waivers:\n${w1}`)).toEqual([
      { id: 'W1', approver: 'sec-carol', expires: '2027-01-31' },
    ]);
  });

  it('reads nothing from a removed, empty or broken file', () => {
    expect(changedWaivers(`waivers:\n${w1}`, null)).toEqual([]);
    expect(changedWaivers(null, 'waivers: [')).toEqual([]);
    expect(changedWaivers(null, '')).toEqual([]);
  });
});
