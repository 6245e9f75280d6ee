/** `pnpm example:fewshot`: the command-line entry. Errors are one line (stack with --verbose). */
import { UsageError } from './flags.js';
import { FEWSHOT_USAGE, parseFewShotArgs } from './fewshot-cli.js';
import { runFewShot } from './fewshot-run.js';
import { consoleOutput } from './progress.js';

async function main(argv: string[]): Promise<number> {
  let opts;
  try {
    opts = parseFewShotArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`error: ${e.message}\n\n${FEWSHOT_USAGE}`);
    return 2;
  }
  if (opts === null) {
    process.stdout.write(FEWSHOT_USAGE);
    return 0;
  }
  try {
    await runFewShot(opts, consoleOutput());
    return 0;
  } catch (e) {
    process.stderr.write(`\nerror: ${(e as Error).message}\n`);
    if (opts.verbose) process.stderr.write(`${(e as Error).stack}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
