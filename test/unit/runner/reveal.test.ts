import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kics } from '../../../scanners/kics/plugin.ts';
import { planReveal } from '../../../src/runner/reveal.ts';
import type { SarifLogInput } from '../../../src/sarif/model.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function scratch(): string {
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'controlgate-reveal-test-')));
  dirs.push(dir);
  return dir;
}

const dropped = kics.droppedSuppressions;

const TF = 'resource "a" "b" {\n  # kics-scan ignore-line\n  acl = "public-read"\n}\n';

function result(uri: string, line: number, ruleId = 'q1') {
  return {
    ruleId,
    message: { text: 'm' },
    locations: [{ physicalLocation: { artifactLocation: { uri }, region: { startLine: line } } }],
  };
}

describe('kics.droppedSuppressions', () => {
  it('finds KICS comments after #, // or ; and makes them inert at the same length', () => {
    const lines = [
      '# kics-scan ignore',
      'a = 1',
      '  // kics-scan ignore-block',
      'x ; kics-scan disable=q',
      'kics-scan alone',
    ];
    expect(dropped.commentLines(lines)).toEqual([1, 3, 4]);
    const inert = dropped.neutralize('# kics-scan ignore-line');
    expect(inert).toHaveLength('# kics-scan ignore-line'.length);
    expect(dropped.commentLines([inert])).toEqual([]);
  });
});

describe('planReveal', () => {
  it('copies only files with comments, beside their neighbours, with the comments made inert', async () => {
    const root = scratch();
    const out = scratch();
    mkdirSync(path.join(root, 'infra'));
    writeFileSync(path.join(root, 'infra/main.tf'), TF);
    writeFileSync(path.join(root, 'infra/vars.tf'), 'variable "v" {}\n');
    writeFileSync(path.join(root, 'other.tf'), 'resource "c" "d" {}\n');
    const scanned = ['infra/main.tf', 'infra/vars.tf', 'other.tf'].map((f) => path.join(root, f));
    const plan = await planReveal(dropped, scanned, scanned, root, out);
    expect(plan?.extraFiles).toEqual([path.join(out, 'infra/main.tf'), path.join(out, 'infra/vars.tf')]);
    const copy = readFileSync(path.join(out, 'infra/main.tf'), 'utf8');
    expect(copy.split('\n')).toHaveLength(TF.split('\n').length);
    expect(copy).not.toMatch(/kics-scan/);
  });

  it('copies the rest of the unit too, so a chart template is rendered from its copy as from the real file', async () => {
    const root = scratch();
    const out = scratch();
    mkdirSync(path.join(root, 'chart/templates'), { recursive: true });
    writeFileSync(path.join(root, 'chart/Chart.yaml'), 'apiVersion: v2\nname: web\nversion: 0.1.0\n');
    writeFileSync(path.join(root, 'chart/values.yaml'), 'privileged: true\n');
    writeFileSync(path.join(root, 'chart/templates/pod.yaml'), '# kics-scan ignore\nkind: Pod\n');
    writeFileSync(path.join(root, 'other.yaml'), 'kind: Pod\n');
    const scanned = ['chart/Chart.yaml', 'chart/templates/pod.yaml', 'chart/values.yaml', 'other.yaml'].map(
      (f) => path.join(root, f),
    );
    const template = path.join(root, 'chart/templates/pod.yaml');
    const plan = await planReveal(dropped, [template], scanned, root, out, kics.unitOf);
    expect(plan?.extraFiles).toEqual(
      ['chart/Chart.yaml', 'chart/templates/pod.yaml', 'chart/values.yaml'].map((f) => path.join(out, f)),
    );
    // A chart of another name: KICS merges two charts of one name in a run.
    expect(readFileSync(path.join(out, 'chart/Chart.yaml'), 'utf8')).toBe(
      'apiVersion: v2\nname: web-revealed\nversion: 0.1.0\n',
    );
    expect(readFileSync(path.join(out, 'chart/values.yaml'), 'utf8')).toBe('privileged: true\n');
    // Without the unit, only the template's own folder: no Chart.yaml, so no chart to render.
    const alone = await planReveal(dropped, [template], scanned, root, scratch());
    expect(alone?.extraFiles.map((f) => path.basename(f))).toEqual(['pod.yaml']);
  });

  it('needs no copy when no file has a comment', async () => {
    const root = scratch();
    writeFileSync(path.join(root, 'main.tf'), 'resource "a" "b" {}\n');
    expect(
      await planReveal(dropped, [path.join(root, 'main.tf')], [path.join(root, 'main.tf')], root, scratch()),
    ).toBeUndefined();
  });

  it('keeps what only the copy shows, on the real file, suppressed at the comment; drops the rest', async () => {
    const root = scratch();
    const out = scratch();
    mkdirSync(path.join(root, 'infra'));
    writeFileSync(path.join(root, 'infra/main.tf'), TF);
    writeFileSync(path.join(root, 'infra/vars.tf'), 'variable "v" {}\n');
    const scanned = ['infra/main.tf', 'infra/vars.tf'].map((f) => path.join(root, f));
    const plan = await planReveal(dropped, [scanned[0] ?? ''], scanned, root, out);
    const rel = (p: string) => path.relative(root, p);
    const log = {
      version: '2.1.0',
      runs: [
        {
          tool: { driver: { name: 'KICS' } },
          results: [
            result(rel(path.join(root, 'infra/main.tf')), 1, 'q0'),
            result(rel(path.join(out, 'infra/main.tf')), 1, 'q0'),
            result(rel(path.join(out, 'infra/main.tf')), 3, 'q1'),
            result(rel(path.join(out, 'infra/vars.tf')), 1, 'q2'),
            result(rel(path.join(root, 'infra/vars.tf')), 1, 'q2'),
          ],
        },
      ],
    } as unknown as SarifLogInput;
    plan?.reconcile(log, root);
    const results = log.runs[0]?.results ?? [];
    expect(results.map((r) => [r.ruleId, r.locations?.[0]?.physicalLocation?.artifactLocation?.uri])).toEqual(
      [
        ['q0', 'infra/main.tf'],
        ['q1', 'infra/main.tf'],
        ['q2', 'infra/vars.tf'],
      ],
    );
    expect(results[1]?.suppressions).toEqual([
      {
        kind: 'inSource',
        status: 'accepted',
        justification: 'kics-scan ignore-line',
        location: {
          physicalLocation: { artifactLocation: { uri: 'infra/main.tf' }, region: { startLine: 2 } },
        },
      },
    ]);
  });
});
