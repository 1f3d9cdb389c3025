/**
 * Client-side pacing: a token bucket (qps tokens a second, up to `burst` saved) taken before every
 * call, and exponential backoff between retries. The clock and sleep are injected, so tests run
 * without waiting and can assert every delay.
 */

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class TokenBucket {
  private tokens: number;
  private updated: number;

  constructor(
    private readonly qps: number,
    private readonly burst: number,
    private readonly nowMs: () => number,
    private readonly sleep: Sleep,
  ) {
    if (!(qps > 0) || !(burst >= 1)) throw new RangeError(`invalid rate: qps ${qps}, burst ${burst}`);
    this.tokens = burst;
    this.updated = nowMs();
  }

  /**
   * Takes one token, waiting as long as needed. The token is reserved before the wait (the level may
   * go below zero), so concurrent callers queue up instead of all waking at once.
   */
  async take(): Promise<number> {
    const now = this.nowMs();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updated) / 1000) * this.qps);
    this.updated = now;
    this.tokens -= 1;
    if (this.tokens >= 0) return 0;
    const wait = Math.ceil((-this.tokens / this.qps) * 1000);
    await this.sleep(wait);
    return wait;
  }
}

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** 0–1; default Math.random. Full jitter on the upper half: delay ∈ [d/2, d]. */
  random?: () => number;
}

/** Delay before retry number `attempt` (1 = the first retry): base·2^(attempt−1), capped, jittered. */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** (attempt - 1));
  const random = options.random ?? Math.random;
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
