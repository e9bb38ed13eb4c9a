import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog, loadPointsOfFocus } from '../../../../src/catalog/data-files.ts';
import {
  checkPointsOfFocus,
  controlId,
  gateObjectiveId,
  objectiveId,
  oscalCatalog,
} from '../../../../src/evidence/oscal/catalog.ts';
import { oscalProfile } from '../../../../src/evidence/oscal/profile.ts';
import { REPO_ROOT } from '../../../support/cli.ts';

interface Part {
  id: string;
  name: string;
  prose?: string;
  parts?: Part[];
}
interface Control {
  id: string;
  title: string;
  props: { name: string; value: string }[];
  parts: Part[];
}
interface Group {
  id: string;
  title: string;
  controls: Control[];
}

const catalog = loadCatalog();
const points = loadPointsOfFocus();
const doc = oscalCatalog(catalog, points) as {
  catalog: { groups: Group[]; metadata: Record<string, unknown> };
};
const controls = doc.catalog.groups.flatMap((g) => g.controls);

describe('the OSCAL SOC 2 catalog', () => {
  it('has every group of catalog.yml, in order, and every criterion once as a control', () => {
    expect(doc.catalog.groups.map((g) => g.id)).toEqual(catalog.data.groups.map((g) => g.id.toLowerCase()));
    expect(doc.catalog.groups.map((g) => g.id)).toEqual(
      expect.arrayContaining(['cc1', 'cc9', 'a1', 'c1', 'pi1', 'p1', 'p8']),
    );
    expect(controls.map((c) => c.id).sort()).toEqual(
      catalog.data.criteria.map((c) => controlId(c.id)).sort(),
    );
    expect(controls).toHaveLength(61);
  });

  it('gives each control its label, our title as the statement and an objective with one part per point of focus', () => {
    for (const criterion of catalog.data.criteria) {
      const c = controls.find((x) => x.id === controlId(criterion.id)) as Control;
      expect(c.title).toBe(criterion.title);
      expect(c.props.find((p) => p.name === 'label')?.value).toBe(criterion.id);
      const [statement, objective] = c.parts as [Part, Part];
      expect(statement).toMatchObject({ id: `${c.id}_smt`, name: 'statement' });
      expect(objective).toMatchObject({ id: objectiveId(criterion.id), name: 'assessment-objective' });
      expect(objective.parts?.map((p) => p.prose)).toEqual(
        (points.data.points[criterion.id] ?? []).map((t) => `${t}.`),
      );
    }
  });

  it('has unique part ids, and the gate objective among them', () => {
    const ids: string[] = [];
    const walk = (parts: Part[] | undefined) => {
      for (const p of parts ?? []) {
        ids.push(p.id);
        walk(p.parts);
      }
    };
    for (const c of controls) walk(c.parts);
    expect(new Set(ids).size).toBe(ids.length);
    expect(gateObjectiveId(points.data)).toBe('cc8.1_obj.3');
    expect(ids).toContain('cc8.1_obj.3');
  });

  it('refuses points of focus that miss a criterion, name an unknown one or a gate point that does not exist', () => {
    const without = Object.entries(points.data.points).filter(([id]) => id !== 'CC6.1');
    const missing = { ...points.data, points: Object.fromEntries(without) };
    expect(() => checkPointsOfFocus(catalog.data, missing)).toThrow(/CC6\.1: no points of focus/);
    const unknown = { ...points.data, points: { ...points.data.points, 'CC9.9': ['x'] } };
    expect(() => checkPointsOfFocus(catalog.data, unknown)).toThrow(/CC9\.9: not a criterion/);
    const gate = { ...points.data, gate: { criterion: 'CC8.1', point: 99 } };
    expect(() => checkPointsOfFocus(catalog.data, gate)).toThrow(/gate: CC8\.1 has no point 99/);
  });

  it('is reproducible: a fixed last-modified and a UUID from the data', () => {
    expect(doc.catalog.metadata['last-modified']).toBe(points.data.updated);
    expect(JSON.stringify(oscalCatalog(catalog, points))).toBe(JSON.stringify(doc));
  });

  it('is committed fresh in docs/oscal/ (npm run generate), with the profile', () => {
    const generated = { catalog: oscalCatalog(catalog, points), profile: oscalProfile(catalog, points) };
    for (const [file, json] of [
      ['catalog.json', generated.catalog],
      ['profile.json', generated.profile],
    ] as const) {
      const committed = readFileSync(path.join(REPO_ROOT, 'docs', 'oscal', file), 'utf8');
      expect(committed, `docs/oscal/${file} is stale: run npm run generate`).toBe(
        `${JSON.stringify(json, null, 2)}\n`,
      );
    }
  });
});
