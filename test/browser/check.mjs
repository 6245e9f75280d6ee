// @ts-check
/**
 * `pnpm test:browser` (after `pnpm build`; needs Chromium, e.g. Debian's `apt-get install chromium`): runs
 * workload.js on the built packages in Node and in headless Chromium — in a plain page, a cross-origin
 * isolated one, a page where shared WebAssembly memory is refused (simulated: Chromium allows it even
 * without isolation, a browser need not), and a page that asks for the strict kernels — and checks that each
 * page's gradients pass the finite-difference check, that its training loss falls, and that its 100 training
 * losses equal Node's bit for bit when it runs the same backend and kernel variant. Node runs the strict
 * kernels too, so the strict page is always compared; Chromium ≥ 114 runs the relaxed (FMA) ones by default.
 * Not part of `pnpm test`: a fresh machine has no browser.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as T from '@tsnn/tensor';
import * as L from '@tsnn/layers';
import * as O from '@tsnn/optimizers';
import { workload } from './workload.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(chromium)) fail(`no Chromium at ${chromium} (install Debian's chromium, or set CHROMIUM=/path/to/it)`);
for (const pkg of ['tensor', 'layers', 'optimizers']) {
  if (!existsSync(join(root, 'packages', pkg, 'dist', 'index.js'))) fail(`packages/${pkg}/dist/index.js is missing: run pnpm build first`);
}

const PAGE = `<!doctype html><meta charset="utf-8"><pre id="out">pending</pre>
<script type="importmap">{ "imports": {
  "@tsnn/tensor": "/packages/tensor/dist/index.js",
  "@tsnn/tensor/internal": "/packages/tensor/dist/internal.js",
  "@tsnn/layers": "/packages/layers/dist/index.js",
  "@tsnn/optimizers": "/packages/optimizers/dist/index.js" } }</script>
<script type="module">
  const out = document.getElementById('out');
  if (location.search === '?strict') {
    const T = await import('@tsnn/tensor');
    T.useBackend('wasm', { kernels: 'strict' });
  }
  if (location.search === '?refuse-shared') {
    // Act as a browser that refuses shared memory to this page.
    const Memory = WebAssembly.Memory;
    WebAssembly.Memory = function (d) {
      if (d && d.shared) throw new TypeError('shared memory refused');
      return new Memory(d);
    };
  }
  try {
    const [T, TI, L, O, { workload }] = await Promise.all([import('@tsnn/tensor'), import('@tsnn/tensor/internal'), import('@tsnn/layers'), import('@tsnn/optimizers'), import('/test/browser/workload.js')]);
    out.textContent = JSON.stringify({ isolated: self.crossOriginIsolated, sharedMemory: TI.loadWasmRuntime()?.shared ?? null, ...workload({ T, L, O }) });
  } catch (e) {
    out.textContent = JSON.stringify({ error: String(e && e.stack || e) });
  }
</script>`;

/** Serves the page at / and the repo's files below packages/*\/dist and test/browser, nothing else. */
function serve(isolated) {
  const server = createServer((req, res) => {
    const path = normalize(new URL(req.url ?? '/', 'http://x').pathname);
    const headers = { 'content-type': 'text/javascript' };
    if (isolated) Object.assign(headers, { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' });
    if (path === '/') {
      res.writeHead(200, { ...headers, 'content-type': 'text/html' }).end(PAGE);
    } else if (/^\/(packages\/[a-z]+\/dist|test\/browser)\/[\w/.-]+\.js$/.test(path) && !path.includes('..') && existsSync(join(root, path))) {
      res.writeHead(200, headers).end(readFileSync(join(root, path)));
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Load the page in headless Chromium and read the JSON the page wrote (async: this process serves the page). */
async function runPage(port, query) {
  const profile = mkdtempSync(join(tmpdir(), 'tsnn-chromium-'));
  try {
    const child = spawn(chromium, [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, '--virtual-time-budget=30000',
      '--dump-dom', `http://127.0.0.1:${port}/${query}`,
    ], { stdio: ['ignore', 'pipe', 'ignore'], timeout: 120_000 });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    const [code, signal] = await once(child, 'close');
    const m = /<pre id="out">([^<]*)<\/pre>/.exec(stdout);
    if (!m) fail(`Chromium printed no result (exit ${code}, signal ${signal}): ${stdout.slice(0, 500)}`);
    return JSON.parse(m[1].replace(/&quot;/g, '"').replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&amp;/g, '&'));
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

function fail(message) {
  console.error(`test:browser: ${message}`);
  process.exit(1);
}

const version = spawnSync(chromium, ['--version'], { encoding: 'utf8' }).stdout.trim();
T.useBackend('wasm', { kernels: 'strict' }); // the same bits on every machine: what the strict page must match
const node = workload({ T, L, O });
console.log(`Node ${process.version}: backend ${node.backend} (${node.kernels} kernels), gradients ${node.gradcheck.ok ? 'ok' : 'FAIL'}, loss ${node.losses[0].toFixed(4)} → ${node.losses.at(-1).toFixed(4)}`);
let problems = node.gradcheck.ok ? [] : ['Node: gradient check failed'];
const pages = [
  { isolated: false, query: '', label: 'not isolated' },
  { isolated: true, query: '', label: 'cross-origin isolated' },
  { isolated: false, query: '?refuse-shared', label: 'not isolated, shared memory refused' },
  { isolated: false, query: '?strict', label: 'not isolated, strict kernels asked for' },
];
for (const { isolated, query, label: what } of pages) {
  const server = await serve(isolated);
  const page = await runPage(server.address().port, query);
  server.close();
  const label = `${version}, ${what}`;
  if (page.error) {
    problems.push(`${label}: ${page.error}`);
    continue;
  }
  const comparable = page.backend === node.backend && page.kernels === node.kernels;
  const same = page.losses.length === node.losses.length && page.losses.every((l, i) => l === node.losses[i]);
  console.log(`${label}: backend ${page.backend}, ${page.kernels} kernels (${page.sharedMemory ? 'shared' : 'unshared'} memory), gradients ${page.gradcheck.ok ? 'ok' : 'FAIL'} (${page.gradcheck.checked} entries), ` +
    `loss ${page.losses[0].toFixed(4)} → ${page.losses.at(-1).toFixed(4)}, ${same ? 'bit-identical to Node' : comparable ? 'DIFFERS from Node' : 'not compared (other kernels)'}`);
  if (page.isolated !== isolated) problems.push(`${label}: crossOriginIsolated is ${page.isolated}`);
  if (query === '?refuse-shared' && page.sharedMemory !== false) problems.push(`${label}: expected the wasm backend over an unshared memory`);
  if (!page.gradcheck.ok) problems.push(`${label}: gradient check failed`);
  if (!(page.losses.at(-1) < 0.5 * page.losses[0])) problems.push(`${label}: the loss did not halve`);
  if (query === '?strict' && page.kernels !== 'strict') problems.push(`${label}: asked for strict kernels, got ${page.kernels}`);
  if (comparable && !same) problems.push(`${label}: losses differ from Node's on the same backend and kernels`);
}
if (problems.length) fail(problems.join('\n'));
console.log('test:browser: ok');
