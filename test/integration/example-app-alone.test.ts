import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { type JsonReport, parseJsonReport } from '../../src/report/json-report-schema.ts';
import { REPO_ROOT } from '../support/cli.ts';
import { banditAlone, controlgateKeys, kicsAlone, semgrepAlone } from '../support/tools-alone.ts';

/*
 * Done when: on the example app, per-scanner counts equal each tool run alone on the same folder.
 * controlgate's findings (suppressed ones included: every plugin asks its tool for them) against
 * Semgrep, Bandit and KICS run by hand on examples/vulnerable-app with the flags the plugins pass.
 * Compared as `ruleId path:line` lists, so the count, the rules, the files and the lines all agree.
 */

const APP = path.join(REPO_ROOT, 'examples', 'vulnerable-app');

describe('on the example app, each scanner finds what the tool alone finds on the folder', {
  timeout: 600_000,
}, () => {
  const scan = inject('exampleScan');
  let report: JsonReport;
  beforeAll(() => {
    const file = path.join(scan.outDir, 'controlgate.json');
    report = parseJsonReport(readFileSync(file, 'utf8'), file);
  });

  it('Semgrep with controlgate rule pack', async () => {
    const alone = await semgrepAlone(APP, REPO_ROOT);
    expect(alone.length).toBeGreaterThan(0);
    expect(controlgateKeys(report, 'semgrep')).toEqual(alone);
  });

  it('Bandit', async () => {
    const alone = await banditAlone(APP, REPO_ROOT);
    expect(alone.length).toBeGreaterThan(0);
    expect(controlgateKeys(report, 'bandit')).toEqual(alone);
  });

  it('KICS', async () => {
    const alone = await kicsAlone(APP, REPO_ROOT);
    expect(alone.length).toBeGreaterThan(0);
    expect(controlgateKeys(report, 'kics')).toEqual(alone);
  });
});
