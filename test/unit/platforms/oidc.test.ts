import { describe, expect, it } from 'vitest';
import { noOidcTokenReason, oidcTokenSource } from '../../../src/platforms/oidc.ts';

describe('oidcTokenSource', () => {
  it('none without SIGSTORE_ID_TOKEN or both GitHub variables', () => {
    expect(oidcTokenSource({})).toBeUndefined();
    expect(oidcTokenSource({ ACTIONS_ID_TOKEN_REQUEST_URL: 'https://x' })).toBeUndefined();
  });

  it('SIGSTORE_ID_TOKEN (GitLab id_tokens) is used as it is', async () => {
    const source = oidcTokenSource({ SIGSTORE_ID_TOKEN: 'jwt' });
    expect(source?.describe).toBe('SIGSTORE_ID_TOKEN');
    expect(await source?.getToken()).toBe('jwt');
  });

  it('GitHub: asks the request URL for the sigstore audience with the bearer token, never showing it', async () => {
    const asked: { url: string; auth: string | null }[] = [];
    const fetchImpl = (async (input: URL | string | Request, init?: RequestInit) => {
      asked.push({ url: String(input), auth: new Headers(init?.headers).get('authorization') });
      return new Response(JSON.stringify({ value: 'the-jwt' }), { status: 200 });
    }) as typeof fetch;
    const source = oidcTokenSource(
      {
        ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.example/req?api-version=2.0',
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'bearer',
      },
      fetchImpl,
    );
    expect(await source?.getToken()).toBe('the-jwt');
    expect(asked).toEqual([
      { url: 'https://token.example/req?api-version=2.0&audience=sigstore', auth: 'Bearer bearer' },
    ]);
    expect(source?.describe).not.toContain('bearer');
  });

  it('GitHub: an error status or an answer without "value" is an error naming it', async () => {
    const answer = (status: number, body: string) =>
      (async () => new Response(body, { status })) as typeof fetch;
    const env = { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://t.example/', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'b' };
    await expect(oidcTokenSource(env, answer(403, '{}'))?.getToken()).rejects.toThrow('HTTP 403');
    await expect(oidcTokenSource(env, answer(200, '{"v":1}'))?.getToken()).rejects.toThrow('"value"');
  });

  it('says what gives a job a token, per platform', () => {
    expect(noOidcTokenReason('github')).toContain('permissions: id-token: write');
    expect(noOidcTokenReason('gitlab')).toContain('id_tokens: SIGSTORE_ID_TOKEN: aud: sigstore');
  });
});
