import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JsonReport, parseJsonReport } from '../../src/report/json-report-schema.ts';
import { CLI, REPO_ROOT } from '../support/cli.ts';
import { GitRepo } from '../support/git-repo.ts';
import { spawnNode } from '../support/spawn-node.ts';

/*
 * Real KICS, through the built CLI, on test/fixtures/kics-mapping: a Kubernetes pod with a hostPath
 * mount, host PID and IPC, a privileged root container with added capabilities; a Compose service
 * with every capability and no security_opt; a Dockerfile without USER; a Terraform and a
 * CloudFormation security group opening RDP (3389) to 0.0.0.0/0. Each finding lands on the criteria
 * mapping.yml's rows say: least privilege for host access, privileges and root, the network boundary
 * for open RDP, the same on both cloud formats.
 */

const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'kics-mapping');
const ONLY_KICS = 'scanners:\n  semgrep: { enabled: false }\n  bandit: { enabled: false }\n';
const LEAST_PRIVILEGE = ['CC6.1', 'CC6.3'];

/** KICS query ids (the pinned 2.2.0's) the fixtures must trigger, by what they show. */
const HOST_ACCESS = {
  'Workload Mounting With Sensitive OS Directory': '5308a7a8-06f8-45ac-bf10-791fe21de46e',
  'Non Kube System Pod With Host Mount': 'aa8f7a35-9923-4cad-bd61-a19b7f6aac91',
  'Shared Host PID Namespace': '302736f4-b16c-41b8-befe-c0baffa0bd9d',
  'Shared Host IPC Namespace': 'cd290efd-6c82-4e9d-a698-be12ae31d536',
};
const PRIVILEGE = {
  'Container Is Privileged': 'dd29336b-fe57-445b-a26e-e6aa867ae609',
  'Containers With Added Capabilities': '19ebaa28-fc86-4a58-bcfa-015c9e22fe40',
  'Containers With Sys Admin Capabilities': '235236ee-ad78-4065-bd29-61b061f28ce0',
  'Container Running As Root': 'cf34805e-3872-4c08-bf92-6ff7bb0cfadb',
  'Container Capabilities Unrestricted (Compose)': 'ce76b7d0-9e77-464d-b86f-c5c48e03e22d',
  'Security Opt Not Set (Compose)': '610e266e-6c12-4bca-9925-1ed0cd29742b',
  'Missing User Instruction (Dockerfile)': 'fd54f200-402c-4333-a5a4-36ef6709af2f',
};
const RDP = {
  terraform: '151187cb-0efc-481c-babd-ad24e3c9bc22',
  cloudformation: 'c9846969-d066-431f-9b34-8c4abafe422a',
};

function fixtureFiles(dir = FIXTURES, prefix = ''): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) Object.assign(files, fixtureFiles(path.join(dir, entry.name), rel));
    else files[rel] = readFileSync(path.join(dir, entry.name), 'utf8');
  }
  return files;
}

let repo: GitRepo;
let report: JsonReport;
beforeAll(async () => {
  repo = GitRepo.create({ ...fixtureFiles(), '.controlgate.yml': ONLY_KICS });
  repo.commit('Infrastructure');
  const run = await spawnNode(CLI, ['scan', repo.dir, '--no-evidence', '--format', 'json', '--no-progress'], {
    cwd: REPO_ROOT,
    env: process.env,
    timeoutMs: 840_000,
  });
  expect(run.stderr).not.toContain('internal error');
  report = parseJsonReport(run.stdout, `stdout (stderr: ${run.stderr})`);
}, 900_000);
afterAll(() => repo?.cleanup());

const findingsOf = (ruleId: string) => report.findings.filter((f) => f.ruleId === ruleId);
const inFile = (prefix: string) => report.findings.filter((f) => f.path.startsWith(prefix));

describe('real KICS findings land on the criteria of their reviewed rows', { timeout: 900_000 }, () => {
  it('KICS ran and judged every fixture', () => {
    for (const dir of ['kubernetes/', 'compose/', 'docker/', 'terraform/', 'cloudformation/'])
      expect(inFile(dir).length, dir).toBeGreaterThan(0);
  });

  it.each(Object.entries(HOST_ACCESS))('%s → CC6.1, CC6.3 (isolation), not data in transit', (_, id) => {
    const found = findingsOf(id);
    expect(found.length).toBeGreaterThan(0);
    for (const f of found) {
      expect([...f.criteria].sort()).toEqual(LEAST_PRIVILEGE);
      expect(f.mappingLayer).toBe('rule');
    }
  });

  it.each(Object.entries(PRIVILEGE))('%s → CC6.1, CC6.3 (least privilege)', (_, id) => {
    const found = findingsOf(id);
    expect(found.length).toBeGreaterThan(0);
    for (const f of found) {
      expect([...f.criteria].sort()).toEqual(LEAST_PRIVILEGE);
      expect(f.advisory).toBe(false);
    }
  });

  it('puts nothing the pod does under data in transit, confidentiality or the network boundary', () => {
    const pod = inFile('kubernetes/');
    const wrong = pod.filter((f) => f.criteria.some((c) => ['CC6.7', 'C1.1', 'CC6.6'].includes(c)));
    expect(wrong.map((f) => `${f.ruleName} → ${f.criteria.join(', ')}`)).toEqual([]);
    expect(pod.filter((f) => f.unmapped).map((f) => f.ruleName)).toEqual([]);
  });

  it('maps remote desktop open to the internet identically on Terraform and CloudFormation', () => {
    const tf = findingsOf(RDP.terraform);
    const cfn = findingsOf(RDP.cloudformation);
    expect(tf.length).toBeGreaterThan(0);
    expect(cfn.length).toBeGreaterThan(0);
    for (const f of [...tf, ...cfn]) {
      expect(f.criteria).toEqual(['CC6.6', 'CC6.1']);
      expect(f.mappingLayer).toBe('kics');
    }
    // Every networking finding on either security group is a boundary matter, whatever its CWE.
    for (const f of [...inFile('terraform/'), ...inFile('cloudformation/')].filter(
      (x) => x.category === 'Networking and Firewall',
    ))
      expect(f.criteria, `${f.ruleName} (${f.path})`).toEqual(['CC6.6', 'CC6.1']);
  });
});
