/** `pnpm example:embedding`: the command-line entry. Errors are one line (stack with --verbose). */
import { runCommand } from './command.js';
import { EMBEDDING_USAGE, parseEmbeddingArgs } from './embedding-cli.js';
import { runEmbedding } from './embedding-run.js';
import { consoleOutput } from './console-output.js';

process.exitCode = await runCommand({
  usage: EMBEDDING_USAGE,
  parse: parseEmbeddingArgs,
  run: async (opts) => (await runEmbedding(opts, consoleOutput()), 0),
}, process.argv.slice(2));
