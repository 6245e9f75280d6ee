/** `pnpm example:siamese`: the command-line entry. Errors are one line (stack with --verbose). */
import { USAGE, UsageError, parseSiameseArgs } from './cli.js';
import { consoleOutput } from './progress.js';
import { runSiamese } from './siamese-run.js';

async function main(argv: string[]): Promise<number> {
  let opts;
  try {
    opts = parseSiameseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`error: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  if (opts === null) {
    process.stdout.write(USAGE);
    return 0;
  }
  try {
    await runSiamese(opts, consoleOutput());
    return 0;
  } catch (e) {
    process.stderr.write(`\nerror: ${(e as Error).message}\n`);
    if (opts.verbose) process.stderr.write(`${(e as Error).stack}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
