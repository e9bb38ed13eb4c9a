import { describe, expect, it } from 'vitest';
import { kicsUnitOf } from '../../../../scanners/kics/units.ts';

function tree(...files: string[]): (rel: string) => boolean {
  const set = new Set(files);
  return (rel) => set.has(rel);
}

describe('kicsUnitOf', () => {
  it('puts a Terraform file in its folder’s module, and a nested module in its own', () => {
    const exists = tree('infra/main.tf', 'infra/variables.tf', 'infra/modules/db/main.tf');
    expect(kicsUnitOf('infra/variables.tf', exists)).toBe('dir:infra');
    expect(kicsUnitOf('infra/main.tf', exists)).toBe('dir:infra');
    expect(kicsUnitOf('infra/modules/db/main.tf', exists)).toBe('dir:infra/modules/db');
    expect(kicsUnitOf('main.tf', exists)).toBe('dir:.');
  });

  it('puts everything under a Helm chart or a Kustomize base in that tree', () => {
    const exists = tree(
      'charts/web/Chart.yaml',
      'charts/web/values.yaml',
      'overlays/prod/kustomization.yaml',
    );
    expect(kicsUnitOf('charts/web/values.yaml', exists)).toBe('tree:charts/web');
    expect(kicsUnitOf('charts/web/templates/deployment.yaml', exists)).toBe('tree:charts/web');
    expect(kicsUnitOf('overlays/prod/patch.yaml', exists)).toBe('tree:overlays/prod');
  });

  it('groups Compose files of one folder, and leaves other files on their own', () => {
    const exists = tree('docker-compose.yml', 'docker-compose.override.yml', 'k8s/pod.yaml');
    expect(kicsUnitOf('docker-compose.override.yml', exists)).toBe('dir:.');
    expect(kicsUnitOf('k8s/pod.yaml', exists)).toBeUndefined();
    expect(kicsUnitOf('Dockerfile', exists)).toBeUndefined();
  });
});
