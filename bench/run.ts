/**
 * Benchmark runner: `npm run bench -- <name>` runs bench/<name>.bench.ts.
 * Every benchmark prints its figures beside a floor measured in the same run.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

async function main(): Promise<void> {
  const available = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .map((f) => f.replace(/\.bench\.ts$/, ''));
  const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
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
