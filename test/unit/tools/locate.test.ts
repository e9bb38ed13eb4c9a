import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Exec, ExecRequest } from '../../../src/exec/exec.ts';
import { locateTool } from '../../../src/tools/locate.ts';
import { execResult } from '../../support/exec-result.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'controlgate-locate-'));
const binary = path.join(dir, 'tools', 'fake-tool');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// An executable file where the installer would put it; its --version answer comes from the fake exec.
mkdirSync(path.dirname(binary), { recursive: true });
writeFileSync(binary, '#!/bin/sh\n');
chmodSync(binary, 0o755);

function answering(outputs: string[]): { exec: Exec; calls: ExecRequest[] } {
  const calls: ExecRequest[] = [];
  const exec: Exec = async (request) => {
    calls.push(request);
    const stdout = outputs.shift() ?? '';
    return execResult({ exitCode: stdout ? 0 : 1, stdout, stderrTail: stdout ? '' : 'boom' });
  };
  return { exec, calls };
}

const spec = {
  id: 'fake',
  binary: 'fake-tool',
  installedAt: (toolsDir: string) => path.join(toolsDir, 'fake-tool'),
  versionArgs: ['--version'],
};

describe('locateTool: asking a binary its version', () => {
  it('asks once when the same tool is located twice at the same moment (head and base scans)', async () => {
    const { exec, calls } = answering(['fake-tool 1.2.3\n', 'fake-tool 9.9.9\n']);
    const context = { exec, toolsDir: path.dirname(binary), env: { PATH: '' } };
    const [a, b] = await Promise.all([locateTool(spec, context), locateTool(spec, context)]);
    expect([a.version, b.version]).toEqual(['1.2.3', '1.2.3']);
    expect(calls).toHaveLength(1);
  });

  it('does not remember a failure: the next attempt asks again', async () => {
    const { exec, calls } = answering(['', 'fake-tool 2.0.0\n']);
    const context = { exec, toolsDir: path.dirname(binary), env: { PATH: '' } };
    await expect(locateTool(spec, context)).rejects.toThrow(/does not run/);
    await expect(locateTool(spec, context)).resolves.toMatchObject({ version: '2.0.0' });
    expect(calls).toHaveLength(2);
  });
});
