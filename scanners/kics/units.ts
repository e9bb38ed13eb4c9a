import path from 'node:path';

/*
 * KICS judges infrastructure code as a unit: a Terraform module resolves `var.x` from its other
 * files, a Helm chart renders its templates with `values.yaml`, a Kustomize base patches its
 * resources, Compose merges its override files. A change to one file of a unit can change what
 * another, untouched file means (a default in `variables.tf` opening SSH in `main.tf`), so a pull
 * request scan gives KICS the whole unit of every file it changed.
 */

const CHART_OR_BASE = ['Chart.yaml', 'kustomization.yaml', 'kustomization.yml', 'Kustomization'];
const TERRAFORM = /\.(tf|tfvars|hcl)$/i;
const COMPOSE = /^(docker-)?compose[^/]*\.ya?ml$/i;

/**
 * The unit a repository-relative POSIX path belongs to: `tree:<folder>` for everything under a Helm
 * chart or Kustomize base, `dir:<folder>` for a Terraform module or a Compose project (one folder),
 * undefined for a file judged on its own. `exists` says whether a path is in the same tree.
 */
export function kicsUnitOf(rel: string, exists: (rel: string) => boolean): string | undefined {
  const dir = path.posix.dirname(rel);
  for (let d = dir; ; d = path.posix.dirname(d)) {
    if (CHART_OR_BASE.some((name) => exists(d === '.' ? name : `${d}/${name}`))) return `tree:${d}`;
    if (d === '.' || d === '/' || d === '') break;
  }
  const base = path.posix.basename(rel);
  if (TERRAFORM.test(base) || COMPOSE.test(base)) return `dir:${dir}`;
  return undefined;
}
