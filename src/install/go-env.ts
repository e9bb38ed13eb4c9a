/** The module proxy Go modules (KICS) are fetched from unless CONTROLGATE_GOPROXY names a mirror. */
export const DEFAULT_GOPROXY = 'https://proxy.golang.org';

/** Settings a user may rightly move (caches, a toolchain choice); everything else is ours. */
const KEPT = ['GOMODCACHE', 'GOCACHE', 'GOPATH', 'GOTOOLCHAIN', 'HOME'] as const;

/**
 * The environment every `go` command of a Go module install (KICS's) runs with. Whatever the machine
 * says, each module is checked against the public checksum database (reached through the proxy, which
 * serves it at /sumdb/sum.golang.org/) and builds may not change go.mod or go.sum. A mirror set with
 * CONTROLGATE_GOPROXY is fine: it cannot change what the checksum database and the pin accept.
 */
export function goEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of KEPT) {
    const value = env[name];
    if (value) kept[name] = value;
  }
  return {
    ...kept,
    // Empty variables do not outrank `go env -w` settings in the user's go/env file; GOENV=off
    // ignores that file, so a GONOSUMDB or GOSUMDB=off written there cannot switch checks off.
    GOENV: 'off',
    GOPROXY: env.CONTROLGATE_GOPROXY || DEFAULT_GOPROXY,
    GOSUMDB: 'sum.golang.org',
    GONOSUMDB: '',
    GONOSUMCHECK: '',
    GONOPROXY: '',
    GOPRIVATE: '',
    GOINSECURE: '',
    GOFLAGS: '-mod=readonly -buildvcs=false',
    CGO_ENABLED: '0',
  };
}
