/**
 * Benchmark runner: `npm run bench -- <name> [options]` runs bench/<name>.bench.ts (which reads its own options).
 * Every benchmark prints its figures beside a floor measured in the same run.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

async function main(): Promise<void> {
  const available = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .map((f) => f.replace(/\.bench\.ts$/, ''));
  // Names come first; what follows the first option is the benchmarks' own (`adopt --documents 1000000`).
  const args = process.argv.slice(2);
  const firstOption = args.findIndex((a) => a.startsWith('-'));
  const names = firstOption < 0 ? args : args.slice(0, firstOption);
  if (!names.length || names.some((n) => !available.includes(n))) {
    console.error(`usage: npm run bench -- <${available.join('|')}>`);
    process.exit(2);
  }
  for (const name of names) {
    console.log(`\n# bench ${name}`);
    const mod = await import(join(__dirname, `${name}.bench.ts`));
    await mod.default();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
