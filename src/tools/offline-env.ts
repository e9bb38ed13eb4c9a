/**
 * Environment that keeps every scanner off the network: CI machines may have no internet, and a
 * security gate should not phone home. Semgrep's version check also blocks its exit when its
 * output is a pipe and the network is closed.
 */
export const OFFLINE_ENV: Readonly<Record<string, string>> = {
  SEMGREP_ENABLE_VERSION_CHECK: '0',
  SEMGREP_SEND_METRICS: 'off',
  // Checkov, Trivy and friends honour these when users plug them in as custom scanners.
  DO_NOT_TRACK: '1',
};

/**
 * Keeps a Python tool from writing bytecode caches into its installed folder at run time: the install
 * record lists every file there (src/tools/install-record.ts), so a file added by a run would make the
 * next one refuse the tool. The install leaves a cache for every module (pip compiles them).
 */
export const PYTHON_NO_WRITE_ENV: Readonly<Record<string, string>> = { PYTHONDONTWRITEBYTECODE: '1' };
