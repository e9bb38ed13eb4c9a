import type { JsonReport } from '../../src/report/json-report-schema.ts';
import type { RunFacts } from '../../src/report/run-facts.ts';

/**
 * What a CI run of a scan would record: the report's own data plus a plausible pull-request context
 * (the example scan runs locally, where there is no PR number, actor or run URL to show).
 */
export function ciRunFacts(report: JsonReport): RunFacts {
  return {
    controlgateVersion: report.tool.version,
    repository: 'octo/shop',
    platform: 'github',
    event: 'pull_request',
    commit: '4f3c2a1b9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a',
    baseCommit: '0a1b2c3d4e5f60718293a4b5c6d7e8f901234567',
    mergeCommit: '9e8d7c6b5a4f30211e0d9c8b7a6f5e4d3c2b1a09',
    branch: 'feature/checkout-v2',
    changeNumber: 482,
    isFork: false,
    actor: 'dev-alice',
    runUrl: 'https://github.com/octo/shop/actions/runs/9876543210/attempts/1',
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
    host: { os: 'Linux', release: '6.8.0-1021-azure', arch: 'x64', node: 'v24.9.0' },
    scanners: report.scanners.map((s) => ({
      id: s.id,
      name: s.name,
      version: s.version,
      status: s.status,
      command: [s.id, '--sarif', '<root>/examples/vulnerable-app'],
      exitCode: s.exitCode,
      durationMs: s.durationMs,
      error: s.error,
    })),
    hashes: {
      config: null,
      catalog: report.data.catalog,
      mapping: report.data.mapping,
      waivers: null,
      rulePacks: [{ path: 'scanners/semgrep/rules/secrets/github-token.yaml', sha256: 'a'.repeat(64) }],
    },
    policy: { source: 'base', commit: '0a1b2c3d4e5f60718293a4b5c6d7e8f901234567' },
    comparedWith: null,
    decision: report.decision,
    exitCode: report.exitCode === 0 || report.exitCode === 1 ? report.exitCode : 2,
  };
}
