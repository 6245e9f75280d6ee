/** `pnpm example:fewshot`: the command-line entry. Errors are one line (stack with --verbose). */
import { runCommand } from './command.js';
import { FEWSHOT_USAGE, parseFewShotArgs } from './fewshot-cli.js';
import { runFewShot } from './fewshot-run.js';
import { consoleOutput } from './console-output.js';

process.exitCode = await runCommand({
  usage: FEWSHOT_USAGE,
  parse: parseFewShotArgs,
  run: async (opts) => (await runFewShot(opts, consoleOutput()), 0),
}, process.argv.slice(2));
