/** Placeholder until the ingest CLI lands: says so instead of pretending. */
export async function runIngestCommand(args: string[]): Promise<number> {
  process.stderr.write(`ingest ${args.join(' ')}: not implemented yet\n`);
  return 2;
}
