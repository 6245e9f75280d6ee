/**
 * The shared shape of the example commands: parse strictly (a usage error prints the usage and exits 2),
 * run, and turn an error into one line on stderr (the stack only with --verbose) and exit status 1.
 */
import { UsageError } from './flags.js';

export interface Command<O extends { verbose: boolean }> {
  usage: string;
  /** Options, or null for --help. Throws UsageError. */
  parse(argv: string[]): O | null;
  /** Runs the command; resolves to its exit status. */
  run(opts: O): Promise<number>;
}

export async function runCommand<O extends { verbose: boolean }>(cmd: Command<O>, argv: string[]): Promise<number> {
  let opts: O | null;
  try {
    opts = cmd.parse(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`error: ${e.message}\n\n${cmd.usage}`);
    return 2;
  }
  if (opts === null) {
    process.stdout.write(cmd.usage);
    return 0;
  }
  try {
    return await cmd.run(opts);
  } catch (e) {
    process.stderr.write(`\nerror: ${(e as Error).message}\n`);
    if (opts.verbose) process.stderr.write(`${(e as Error).stack}\n`);
    return 1;
  }
}
