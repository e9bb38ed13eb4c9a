import type { PlatformId } from '../change-context.ts';

/*
 * Where a CI job's OIDC identity token comes from, read here with the other CI variables. GitHub
 * hands a job that has `permissions: id-token: write` a URL and a bearer token to ask for one, with
 * the audience in the query; GitLab puts the token a job's `id_tokens:` names straight into a
 * variable, by convention SIGSTORE_ID_TOKEN (which cosign and sigstore-js read too).
 */

export interface OidcTokenSource {
  /** Where the token comes from, for the log (never the token). */
  describe: string;
  getToken(): Promise<string>;
}

/** The audience Fulcio expects. */
const SIGSTORE_AUDIENCE = 'sigstore';

/** The job's OIDC token source, or undefined when the job was given none. */
export function oidcTokenSource(
  env: NodeJS.ProcessEnv,
  fetchImpl: typeof fetch = fetch,
): OidcTokenSource | undefined {
  const direct = env.SIGSTORE_ID_TOKEN;
  if (direct) return { describe: 'SIGSTORE_ID_TOKEN', getToken: async () => direct };
  const url = env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const bearer = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (!url || !bearer) return undefined;
  return {
    describe: 'GitHub Actions OIDC (ACTIONS_ID_TOKEN_REQUEST_URL)',
    async getToken() {
      const request = new URL(url);
      request.searchParams.set('audience', SIGSTORE_AUDIENCE);
      const response = await fetchImpl(request, {
        headers: { accept: 'application/json', authorization: `Bearer ${bearer}` },
        signal: AbortSignal.timeout(15_000),
      });
      if (!response.ok) throw new Error(`the GitHub OIDC token endpoint answered HTTP ${response.status}`);
      const body = (await response.json()) as { value?: unknown };
      if (typeof body.value !== 'string' || body.value === '')
        throw new Error('the GitHub OIDC token endpoint answered without a "value" string');
      return body.value;
    },
  };
}

/** Why a run on this platform has no token, and what gives it one. */
export function noOidcTokenReason(platform: PlatformId): string {
  switch (platform) {
    case 'github':
      return 'no OIDC token (add `permissions: id-token: write` to the job)';
    case 'gitlab':
      return 'no OIDC token (add `id_tokens: SIGSTORE_ID_TOKEN: aud: sigstore` to the job)';
    case 'local':
      return 'no OIDC token (evidence is signed in CI; set SIGSTORE_ID_TOKEN to sign elsewhere)';
  }
}
