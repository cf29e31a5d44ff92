/** Small helpers shared by the benchmarks: timing, percentiles and a table with ratios to floors. */
export interface Stats {
  n: number;
  p50: number;
  p99: number;
  mean: number;
}

/** Runs `fn` `iterations` times after `warmup` runs; returns latency stats in microseconds. */
export async function measure(fn: () => Promise<unknown>, iterations: number, warmup = Math.min(200, iterations)): Promise<Stats> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  return stats(samples);
}

export function stats(samples: ArrayLike<number>): Stats {
  const s = Array.from(samples).sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { n: s.length, p50: at(0.5), p99: at(0.99), mean: s.reduce((a, b) => a + b, 0) / s.length };
}

const fmt = (us: number) => (us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`);

/** Prints rows of latency stats with each row's p50/p99 as a ratio of its floor row. */
export function printLatencyTable(rows: Array<{ name: string; stats: Stats; floor?: string; goal?: number }>): void {
  const byName = new Map(rows.map((r) => [r.name, r.stats]));
  const lines = rows.map((r) => {
    const f = r.floor ? byName.get(r.floor) : undefined;
    const ratio = f ? `${(r.stats.p50 / f.p50).toFixed(2)}× / ${(r.stats.p99 / f.p99).toFixed(2)}× of ${r.floor}` : 'floor';
    const goal = r.goal && f ? (r.stats.p50 / f.p50 <= r.goal ? `  (goal ≤ ${r.goal}×: met)` : `  (goal ≤ ${r.goal}×: MISSED)`) : '';
    return [r.name, String(r.stats.n), fmt(r.stats.p50), fmt(r.stats.p99), ratio + goal];
  });
  const header = ['case', 'n', 'p50', 'p99', 'p50 / p99 ratio'];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const out = (cols: string[]) => console.log(cols.map((c, i) => c.padEnd(widths[i])).join('  '));
  out(header);
  out(widths.map((w) => '-'.repeat(w)));
  lines.forEach(out);
}
