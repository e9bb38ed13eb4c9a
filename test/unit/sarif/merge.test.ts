import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/findings/finding.ts';
import type { ScannerRun } from '../../../src/findings/scanner-run.ts';
import { mergedResultPointers, mergedSarif, mergedSarifChunks } from '../../../src/sarif/merge.ts';
import { normalizeRun } from '../../../src/sarif/normalize.ts';
import { SourceReader } from '../../../src/sarif/source-reader.ts';
import { REPO_ROOT } from '../../support/cli.ts';
import { loadFixture } from '../../support/fixtures.ts';
import { sarifResultHrefs } from '../../support/sarif-result-hrefs.ts';

/** Scanner runs from the recorded real SARIF of each tool, as the runner would produce them. */
function recordedRuns(): ScannerRun[] {
  return ['semgrep', 'bandit', 'kics'].map((tool) => {
    const fixture = loadFixture(tool);
    const findings = fixture.log.runs.flatMap((run) =>
      normalizeRun(run, {
        scannerId: tool,
        scannerVersion: fixture.recording.version,
        root: REPO_ROOT,
        baseDir: fixture.toolCwd,
        sources: new SourceReader(REPO_ROOT),
      }),
    );
    return {
      id: tool,
      displayName: tool,
      status: 'ok',
      version: fixture.recording.version,
      durationMs: 1,
      filesScanned: 3,
      findings: findings.map((f, i) => ({ ...f, baselineState: i % 2 ? 'new' : 'unchanged' })),
      log: fixture.log,
    };
  });
}

describe('mergedSarifChunks and mergedResultPointers', () => {
  const scanners = recordedRuns();
  const fixed: Finding[] = (scanners[1]?.findings ?? [])
    .slice(0, 3)
    .map((f) => ({ ...f, fingerprint: `${f.fingerprint}-gone`, baselineState: 'fixed' }));
  const options = { fixed };

  it('stream exactly the log mergedSarif builds, as compact JSON', () => {
    const streamed = [...mergedSarifChunks(scanners, REPO_ROOT, options)].join('');
    expect(streamed).toBe(`${JSON.stringify(mergedSarif(scanners, REPO_ROOT, options))}\n`);
    expect(scanners.reduce((n, s) => n + s.findings.length, 0)).toBeGreaterThan(50);
  });

  it('point at the same results as reading the built log', () => {
    const built = sarifResultHrefs(mergedSarif(scanners, REPO_ROOT, options), 'm.sarif');
    const pointers = mergedResultPointers(scanners, fixed);
    expect(new Map([...pointers].map(([fp, p]) => [fp, `m.sarif${p}`]))).toEqual(built);
  });
});

describe('files a scanner could not judge', () => {
  it('become error notifications at their location in the merged log', () => {
    const run: ScannerRun = {
      id: 'bandit',
      displayName: 'Bandit',
      status: 'ok',
      durationMs: 1,
      filesScanned: 2,
      findings: [],
      unjudged: [{ path: 'app/new file.py', reason: 'syntax error while parsing AST from file' }],
    };
    const invocation = mergedSarif([run], REPO_ROOT).runs[0]?.invocations?.[0];
    expect(invocation?.toolExecutionNotifications).toEqual([
      {
        level: 'error',
        message: { text: 'not judged: syntax error while parsing AST from file' },
        locations: [
          { physicalLocation: { artifactLocation: { uri: 'app/new%20file.py', uriBaseId: '%SRCROOT%' } } },
        ],
      },
    ]);
  });
});
