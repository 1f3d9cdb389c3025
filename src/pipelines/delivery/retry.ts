/**
 * Tries a send up to `attempts` times with exponential backoff. Only failures that say "try again"
 * are retried (network errors, timeouts, HTTP 5xx and 429, the platforms' rate-limit codes, SMTP
 * 4xx); a bad signature, a wrong token or a 4xx fails at once: repeating it only repeats the error.
 */
import {errorMessage} from "../errors.js";
import type {RetryPolicy} from "./config.js";

/** One failed try. The message is already redacted. */
export class AttemptError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    /** What the server asked for (Retry-After), when it did. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "AttemptError";
  }
}

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** No single wait longer than this, whatever the policy or the server says. */
export const MAX_DELAY_MS = 5 * 60_000;

/** The wait after failed try number `failed` (1-based): base, 2 × base, 4 × base … */
export function backoffDelay(policy: RetryPolicy, failed: number, retryAfterMs?: number): number {
  const delay = Math.min(policy.baseDelayMs * 2 ** (failed - 1), MAX_DELAY_MS);
  return retryAfterMs === undefined ? delay : Math.max(delay, Math.min(retryAfterMs, MAX_DELAY_MS));
}

export type RetryOutcome<T> =
  {ok: true; attempts: number; value: T} | {ok: false; attempts: number; error: AttemptError};

export async function withRetries<T>(
  attempt: (n: number) => Promise<T>,
  policy: RetryPolicy,
  sleep: Sleep,
  onRetry: (failed: number, error: AttemptError, delayMs: number) => void,
): Promise<RetryOutcome<T>> {
  for (let n = 1; ; n++) {
    try {
      return {ok: true, attempts: n, value: await attempt(n)};
    } catch (caught) {
      const error = caught instanceof AttemptError ? caught : new AttemptError(errorMessage(caught), false);
      if (!error.retryable || n >= policy.attempts) return {ok: false, attempts: n, error};
      const delay = backoffDelay(policy, n, error.retryAfterMs);
      onRetry(n, error, delay);
      await sleep(delay);
    }
  }
}
