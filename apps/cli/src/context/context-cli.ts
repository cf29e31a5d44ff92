import type { BaseConfig } from '@casegraph/platform';

/** Placeholder until the project-context operations land: says so instead of pretending. */
export async function runContextCommand(args: string[], _config: BaseConfig): Promise<number> {
  process.stderr.write(`context ${args.join(' ')}: not implemented yet\n`);
  return 2;
}
