export type BreakerState = 'closed' | 'open' | 'half-open';

/** Gauge value of each state (casegraph_project_context_breaker_state). */
export const BREAKER_STATE_VALUE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the breaker. */
  failureThreshold: number;
  /** Time the breaker stays open before one probe is let through. */
  cooldownMs: number;
  now?: () => number;
  onStateChange?: (to: BreakerState, from: BreakerState) => void;
}

/**
 * A small circuit breaker. Closed: every call goes through; `failureThreshold`
 * consecutive failures open it. Open: calls are refused until `cooldownMs` has
 * passed, then exactly one call (the probe) is let through (half-open). The
 * probe's success closes the breaker; its failure opens it again. A probe that
 * never reports back is replaced after another cooldown, so the breaker cannot
 * stick half-open.
 */
export class CircuitBreaker {
  private _state: BreakerState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private probeStartedAt = 0;
  private readonly now: () => number;

  constructor(private readonly opts: CircuitBreakerOptions) {
    this.now = opts.now ?? Date.now;
  }

  get state(): BreakerState {
    return this._state;
  }

  /** May a call go through now? In half-open, true means "you are the probe". */
  allow(): boolean {
    switch (this._state) {
      case 'closed':
        return true;
      case 'open':
        if (this.now() - this.openedAt < this.opts.cooldownMs) return false;
        this.transition('half-open');
        this.probeStartedAt = this.now();
        return true;
      case 'half-open':
        if (this.now() - this.probeStartedAt < this.opts.cooldownMs) return false;
        this.probeStartedAt = this.now();
        return true;
    }
  }

  success(): void {
    this.failures = 0;
    if (this._state !== 'closed') this.transition('closed');
  }

  failure(): void {
    if (this._state === 'half-open') {
      this.open();
      return;
    }
    this.failures++;
    if (this._state === 'closed' && this.failures >= this.opts.failureThreshold) this.open();
    else if (this._state === 'open') this.openedAt = this.now();
  }

  private open(): void {
    this.openedAt = this.now();
    this.failures = 0;
    this.transition('open');
  }

  private transition(to: BreakerState): void {
    const from = this._state;
    if (from === to) return;
    this._state = to;
    this.opts.onStateChange?.(to, from);
  }
}
