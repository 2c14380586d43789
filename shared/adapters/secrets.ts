// API keys from AWS Secrets Manager, read through the AWS Parameters and Secrets Lambda Extension (a local
// HTTP endpoint the extension layer serves and caches), so no Secrets Manager client is bundled. The secret
// is one JSON object naming the environment variables the API clients read; only those names are taken,
// and a key already set in the environment (a local run) is left alone. Keys are never logged.
import * as z from 'zod/mini';

/** The secret's ARN, set by the stack on the function that needs it. */
export const API_KEYS_SECRET_ENV = 'API_KEYS_SECRET_ARN';

const SecretResponse = z.object({ SecretString: z.string() });

export interface SecretOptions {
  env?: Record<string, string | undefined>;
  fetch?: typeof fetch;
}

/**
 * Sets each of `names` from the secret into `env` unless set already. Does nothing without a secret
 * configured. Throws, naming the secret and the missing keys, when the secret lacks one.
 */
export async function loadApiKeys(names: readonly string[], options: SecretOptions = {}): Promise<void> {
  const env = options.env ?? process.env;
  const secretId = env[API_KEYS_SECRET_ENV];
  const wanted = names.filter((name) => !env[name]);
  if (!secretId || wanted.length === 0) return;
  const port = env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT ?? '2773';
  const response = await (options.fetch ?? fetch)(`http://localhost:${port}/secretsmanager/get?secretId=${encodeURIComponent(secretId)}`, {
    headers: { 'X-Aws-Parameters-Secrets-Token': env.AWS_SESSION_TOKEN ?? '' },
  });
  if (!response.ok) throw new Error(`reading secret ${secretId} failed: HTTP ${response.status}`);
  const values = z.record(z.string(), z.unknown()).parse(JSON.parse(SecretResponse.parse(await response.json()).SecretString));
  const missing = wanted.filter((name) => typeof values[name] !== 'string' || values[name] === '');
  if (missing.length > 0) throw new Error(`secret ${secretId} has no ${missing.join(', ')}`);
  for (const name of wanted) env[name] = values[name] as string;
}
