import { describe, expect, it } from 'vitest';
import { realExec, scannerEnvironment } from '../../../src/exec/exec.ts';

const node = process.execPath;

describe('realExec', () => {
  it('keeps only the tail of a flood of stderr', async () => {
    const script =
      "for (let i = 0; i < 2000; i++) process.stderr.write('x'.repeat(1000) + '\\n'); process.stderr.write('THE END\\n');";
    const result = await realExec({ file: node, args: ['-e', script], stderrTailBytes: 4096 });
    expect(result.exitCode).toBe(0);
    expect(result.stderrTail.length).toBeLessThanOrEqual(4096);
    expect(result.stderrTail.endsWith('THE END\n')).toBe(true);
  });

  it('keeps the head of stdout up to its limit and says it was truncated', async () => {
    const result = await realExec({
      file: node,
      args: ['-e', "process.stdout.write('y'.repeat(100000))"],
      maxStdoutBytes: 1000,
    });
    expect(result.stdout).toHaveLength(1000);
    expect(result.stdoutTruncated).toBe(true);
  });

  it('reports a binary that cannot start instead of throwing', async () => {
    const result = await realExec({ file: '/nonexistent/scanner', args: [] });
    expect(result.exitCode).toBeNull();
    expect(result.startError).toMatch(/ENOENT/);
  });

  it('passes arguments verbatim, with no shell to interpret them', async () => {
    const tricky = ['$(touch /tmp/pwned)', '; rm -rf /', '`id`', 'a b'];
    const result = await realExec({
      file: node,
      args: ['-e', 'console.log(JSON.stringify(process.argv.slice(1)))', ...tricky],
    });
    expect(JSON.parse(result.stdout)).toEqual(tricky);
  });

  it('kills at the timeout and reports it', async () => {
    const result = await realExec({
      file: node,
      args: ['-e', 'setInterval(() => {}, 1000)'],
      timeoutMs: 300,
    });
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBeNull();
  });
});

describe('scannerEnvironment', () => {
  it('drops variables that look like credentials and keeps the rest', () => {
    const env = scannerEnvironment({
      PATH: '/bin',
      HOME: '/root',
      GITHUB_TOKEN: 't',
      AWS_SECRET_ACCESS_KEY: 's',
      DB_PASSWORD: 'p',
      LANG: 'C',
    });
    expect(env).toEqual({ PATH: '/bin', HOME: '/root', LANG: 'C' });
  });

  it('a scanner gets only the basics and what it declares, never a credential', () => {
    const parent = {
      PATH: '/bin',
      HOME: '/root',
      LC_ALL: 'C.UTF-8',
      TMPDIR: '/tmp/x',
      HTTPS_PROXY: 'http://proxy:3128',
      ACTIONS_RUNTIME_URL: 'https://runtime/',
      ACTIONS_ID_TOKEN_REQUEST_URL: 'https://id/',
      CI_JOB_JWT_V2: 'jwt',
      DATABASE_URL: 'postgres://u:p@db/x',
      SEMGREP_RULES_MIRROR: 'https://mirror/',
      SEMGREP_APP_TOKEN: 't',
      LINT_LEVEL: '3',
    };
    expect(scannerEnvironment(parent, { allow: ['SEMGREP_*'] })).toEqual({
      PATH: '/bin',
      HOME: '/root',
      LC_ALL: 'C.UTF-8',
      TMPDIR: '/tmp/x',
      HTTPS_PROXY: 'http://proxy:3128',
      SEMGREP_RULES_MIRROR: 'https://mirror/',
    });
    expect(scannerEnvironment(parent, { allow: ['LINT_LEVEL'] })).toMatchObject({ LINT_LEVEL: '3' });
    expect(scannerEnvironment(parent, { allow: [] })).not.toHaveProperty('DATABASE_URL');
  });
});
