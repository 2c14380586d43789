// GET with a rate limit, a time-out and retries: what both publishers' APIs need. Errors name the method and
// URL path only; keys travel in headers, so no message, log or stack trace can carry one.
import { realTimer, TokenBucket, type RateLimit, type Timer } from './token-bucket.js';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  timeoutMs: number;
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 500, maxDelayMs: 30_000, timeoutMs: 20_000 };

/** What a caller may set; the key falls back to the environment variable the client names. */
export interface ApiClientOptions {
  apiKey?: string;
  baseUrl?: string;
  rateLimit?: RateLimit;
  retry?: Partial<RetryPolicy>;
  timer?: Timer;
  random?: () => number;
  env?: Record<string, string | undefined>;
}

export class HttpFailure extends Error {
  override readonly name = 'HttpFailure';
}

/** The API key from the options or else the environment; a missing key names the variable to set. */
export function apiKey(variable: string, options: ApiClientOptions): string {
  const key = options.apiKey ?? (options.env ?? process.env)[variable];
  if (!key) throw new Error(`${variable} is not set: the API key comes from configuration (environment or options)`);
  return key;
}

type Attempt = { kind: 'done'; body: string | undefined } | { kind: 'retry'; reason: string; retryAfterMs?: number };

// Fatal so that bytes that are not UTF-8 fail loudly instead of landing as replacement characters; the BOM is
// kept so the landed text is byte for byte what was sent.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export class RateLimitedHttp {
  private readonly bucket: TokenBucket;
  private readonly retry: RetryPolicy;
  private readonly timer: Timer;
  private readonly random: () => number;

  constructor(
    private readonly baseUrl: string,
    private readonly headers: Readonly<Record<string, string>>,
    options: ApiClientOptions,
    defaultRate: RateLimit,
  ) {
    this.timer = options.timer ?? realTimer;
    this.bucket = new TokenBucket(options.rateLimit ?? defaultRate, this.timer);
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.random = options.random ?? Math.random;
  }

  /** The body of `GET path`, or undefined for a 404; retries 429, 5xx, time-outs and dropped connections. */
  async getText(path: string, query: Record<string, string> = {}): Promise<string | undefined> {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    const what = `GET ${url.pathname}`;
    for (let attempt = 1; ; attempt++) {
      await this.bucket.take();
      const outcome = await this.attempt(url, what);
      if (outcome.kind === 'done') return outcome.body;
      if (attempt >= this.retry.attempts) throw new HttpFailure(`${what} failed after ${attempt} attempts: ${outcome.reason}`);
      await this.timer.sleep(outcome.retryAfterMs ?? this.backoff(attempt));
    }
  }

  private async attempt(url: URL, what: string): Promise<Attempt> {
    let response: Response;
    let bytes: ArrayBuffer;
    try {
      response = await fetch(url, { headers: this.headers, signal: AbortSignal.timeout(this.retry.timeoutMs) });
      // Read under the same time-out, so a body that stalls is retried like an answer that never comes.
      bytes = await response.arrayBuffer();
    } catch (error) {
      return { kind: 'retry', reason: transportFailure(error, this.retry.timeoutMs) };
    }
    const { status } = response;
    if (status === 404) return { kind: 'done', body: undefined };
    if (status === 429 || status >= 500) return { kind: 'retry', reason: `HTTP ${status}`, retryAfterMs: retryAfterMs(response.headers) };
    // Anything else (401, 403, 400) will not change on retry.
    if (!response.ok) throw new HttpFailure(`${what} answered HTTP ${status}`);
    try {
      return { kind: 'done', body: utf8.decode(bytes) };
    } catch {
      throw new HttpFailure(`${what} answered a body that is not UTF-8`);
    }
  }

  /** Full jitter: a uniform wait up to the capped exponential, so clients that failed together spread out. */
  private backoff(attempt: number): number {
    return this.random() * Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
  }
}

/** Both publishers send Retry-After in seconds. */
function retryAfterMs(headers: Headers): number | undefined {
  const value = headers.get('retry-after')?.trim();
  return value && /^\d+$/.test(value) ? Number(value) * 1000 : undefined;
}

function transportFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && error.name === 'TimeoutError') return `timed out after ${timeoutMs} ms`;
  // undici puts the socket's error code under `cause`; only the code is kept, never a message that might quote a request.
  const code = (error as { cause?: { code?: unknown } }).cause?.code;
  return `connection failed${typeof code === 'string' ? ` (${code})` : ''}`;
}
