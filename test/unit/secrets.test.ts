// API keys from Secrets Manager through the Parameters and Secrets extension's local endpoint.
import { describe, expect, it } from 'vitest';
import { API_KEYS_SECRET_ENV, loadApiKeys } from '../../shared/adapters/secrets.js';

const SECRET = 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:care-market/api-keys-AbC123';

/** A fetch answering as the extension does, recording the requests. */
function extension(secretString: string, status = 200) {
  const requests: { url: string; token: string | null }[] = [];
  const fetchStub = (async (url: string, init?: RequestInit) => {
    requests.push({ url, token: new Headers(init?.headers).get('X-Aws-Parameters-Secrets-Token') });
    return new Response(JSON.stringify({ Name: 'care-market/api-keys', SecretString: secretString }), { status });
  }) as unknown as typeof fetch;
  return { fetch: fetchStub, requests };
}

describe('API keys from Secrets Manager', () => {
  it('sets the named keys from the secret, asking the extension with the session token', async () => {
    // Prepare
    const env: Record<string, string | undefined> = { [API_KEYS_SECRET_ENV]: SECRET, AWS_SESSION_TOKEN: 'session', PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: '2773' };
    const stub = extension(JSON.stringify({ CQC_API_KEY: 'cqc-key', COMPANIES_HOUSE_API_KEY: 'ch-key', OTHER: 'not taken' }));

    // Act
    await loadApiKeys(['CQC_API_KEY', 'COMPANIES_HOUSE_API_KEY'], { env, fetch: stub.fetch });

    // Assess
    expect(env.CQC_API_KEY).toBe('cqc-key');
    expect(env.COMPANIES_HOUSE_API_KEY).toBe('ch-key');
    expect(env.OTHER).toBeUndefined();
    expect(stub.requests).toEqual([{ url: `http://localhost:2773/secretsmanager/get?secretId=${encodeURIComponent(SECRET)}`, token: 'session' }]);
  });

  it('asks nothing without a secret configured, or when every key is already set', async () => {
    // Prepare
    const stub = extension('{}');

    // Act
    await loadApiKeys(['CQC_API_KEY'], { env: {}, fetch: stub.fetch });
    await loadApiKeys(['CQC_API_KEY'], { env: { [API_KEYS_SECRET_ENV]: SECRET, CQC_API_KEY: 'local' }, fetch: stub.fetch });

    // Assess
    expect(stub.requests).toEqual([]);
  });

  it('names the secret and the missing key, never a value', async () => {
    // Prepare
    const stub = extension(JSON.stringify({ CQC_API_KEY: 'cqc-key' }));

    // Act
    const load = loadApiKeys(['CQC_API_KEY', 'COMPANIES_HOUSE_API_KEY'], { env: { [API_KEYS_SECRET_ENV]: SECRET }, fetch: stub.fetch });

    // Assess
    await expect(load).rejects.toThrow(`secret ${SECRET} has no COMPANIES_HOUSE_API_KEY`);
  });

  it('says which secret could not be read', async () => {
    // Act / Assess
    await expect(loadApiKeys(['CQC_API_KEY'], { env: { [API_KEYS_SECRET_ENV]: SECRET }, fetch: extension('{}', 403).fetch })).rejects.toThrow(`reading secret ${SECRET} failed: HTTP 403`);
  });
});
