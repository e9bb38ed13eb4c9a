import { afterAll, describe, expect, it } from 'vitest';
import { parseJsonReport } from '../../src/report/json-report-schema.ts';
import { CLI, REPO_ROOT } from '../support/cli.ts';
import { GitRepo } from '../support/git-repo.ts';
import { spawnNode } from '../support/spawn-node.ts';

/*
 * A change to one file of a Terraform module changes what the module's other files mean: here a
 * default in variables.tf opens SSH to the world in main.tf, which the change did not touch. KICS
 * gets the whole module on both sides, so the findings in main.tf are new and block. Real KICS and
 * git, the built CLI.
 */

const MAIN = `resource "aws_security_group" "ssh" {
  name        = "ssh"
  description = "ssh access"
  ingress {
    description = "ssh"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [var.ssh_cidr]
  }
}
`;
const VARIABLES = (cidr: string) => `variable "ssh_cidr" {\n  type    = string\n  default = "${cidr}"\n}\n`;
const ONLY_KICS = 'scanners:\n  semgrep: { enabled: false }\n  bandit: { enabled: false }\n';

const repos: GitRepo[] = [];
afterAll(() => {
  for (const repo of repos.splice(0)) repo.cleanup();
});

describe('KICS judges the Terraform module a change touches', { timeout: 600_000 }, () => {
  it('a change to variables.tf alone blocks on what it opens in main.tf', async () => {
    const repo = GitRepo.create({
      '.controlgate.yml': ONLY_KICS,
      'infra/main.tf': MAIN,
      'infra/variables.tf': VARIABLES('10.0.0.0/8'),
    });
    repos.push(repo);
    repo.commit('A security group for the office network');
    repo.branch('feature');
    repo.write({ 'infra/variables.tf': VARIABLES('0.0.0.0/0') }).commit('Open SSH to everyone');
    const run = await spawnNode(
      CLI,
      ['scan', repo.dir, '--base', 'main', '--format', 'json', '--no-evidence', '--no-progress'],
      { cwd: REPO_ROOT, env: process.env, timeoutMs: 570_000 },
    );
    const report = parseJsonReport(run.stdout, `stdout (stderr: ${run.stderr})`);
    expect(run.exitCode).toBe(1);
    expect(report.scanners.find((s) => s.id === 'kics')?.filesScanned).toBe(2);
    const opened = report.findings.filter((f) => f.path === 'infra/main.tf' && f.baselineState === 'new');
    expect(opened.map((f) => f.ruleName)).toContain('Unrestricted Security Group Ingress');
    expect(report.controls.filter((c) => c.verdict === 'fail').map((c) => c.id)).toContain('CC6.6');
    // The ledger's scope is the change's one file, judged by KICS (with its module beside it) and,
    // for secrets, by Gitleaks.
    expect(report.coverage?.files).toEqual([
      { path: 'infra/variables.tf', kind: 'file', state: 'judged', judgedBy: ['kics', 'gitleaks'] },
    ]);
  });
});
