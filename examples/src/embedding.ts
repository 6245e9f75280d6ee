/** `pnpm example:embedding`: the command-line entry. Errors are one line (stack with --verbose). */
import { UsageError } from './flags.js';
import { EMBEDDING_USAGE, parseEmbeddingArgs } from './embedding-cli.js';
import { runEmbedding } from './embedding-run.js';
import { consoleOutput } from './progress.js';

async function main(argv: string[]): Promise<number> {
  let opts;
  try {
    opts = parseEmbeddingArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`error: ${e.message}\n\n${EMBEDDING_USAGE}`);
    return 2;
  }
  if (opts === null) {
    process.stdout.write(EMBEDDING_USAGE);
    return 0;
  }
  try {
    await runEmbedding(opts, consoleOutput());
    return 0;
  } catch (e) {
    process.stderr.write(`\nerror: ${(e as Error).message}\n`);
    if (opts.verbose) process.stderr.write(`${(e as Error).stack}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
