import { BreakerState, CircuitBreaker } from './circuit-breaker';

function make(threshold = 2, cooldownMs = 1000) {
  let now = 0;
  const changes: Array<[BreakerState, BreakerState]> = [];
  const b = new CircuitBreaker({
    failureThreshold: threshold,
    cooldownMs,
    now: () => now,
    onStateChange: (to, from) => changes.push([from, to]),
  });
  return { b, changes, advance: (ms: number) => (now += ms) };
}

describe('CircuitBreaker', () => {
  it('stays closed below the threshold and resets the count on success', () => {
    const { b } = make(3);
    b.failure();
    b.failure();
    b.success();
    b.failure();
    b.failure();
    expect(b.state).toBe('closed');
    expect(b.allow()).toBe(true);
  });

  it('opens after N consecutive failures and refuses calls during the cooldown', () => {
    const { b, changes, advance } = make(2, 1000);
    b.failure();
    b.failure();
    expect(b.state).toBe('open');
    expect(changes).toEqual([['closed', 'open']]);
    expect(b.allow()).toBe(false);
    advance(999);
    expect(b.allow()).toBe(false);
  });

  it('lets exactly one probe through after the cooldown; success closes', () => {
    const { b, changes, advance } = make(1, 1000);
    b.failure();
    advance(1000);
    expect(b.allow()).toBe(true);
    expect(b.state).toBe('half-open');
    expect(b.allow()).toBe(false);
    b.success();
    expect(b.state).toBe('closed');
    expect(b.allow()).toBe(true);
    expect(changes.map(([, to]) => to)).toEqual(['open', 'half-open', 'closed']);
  });

  it('re-opens when the probe fails and waits a full cooldown again', () => {
    const { b, advance } = make(1, 500);
    b.failure();
    advance(500);
    expect(b.allow()).toBe(true);
    b.failure();
    expect(b.state).toBe('open');
    advance(499);
    expect(b.allow()).toBe(false);
    advance(1);
    expect(b.allow()).toBe(true);
  });

  it('replaces a probe that never reports back after another cooldown', () => {
    const { b, advance } = make(1, 100);
    b.failure();
    advance(100);
    expect(b.allow()).toBe(true);
    advance(50);
    expect(b.allow()).toBe(false);
    advance(50);
    expect(b.allow()).toBe(true);
    expect(b.state).toBe('half-open');
  });

  it('extends the open period when late failures of earlier calls arrive', () => {
    const { b, advance } = make(1, 100);
    b.failure();
    advance(80);
    b.failure();
    advance(80);
    expect(b.allow()).toBe(false);
    advance(20);
    expect(b.allow()).toBe(true);
  });
});
