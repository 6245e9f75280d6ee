import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultMnistDir } from '../src/idx.js';
import { startWebServer, type WebServer } from '../src/web-server.js';

describe('the pnpm example:web server', () => {
  let isolated: WebServer, plain: WebServer;
  beforeAll(async () => {
    isolated = await startWebServer({ port: 0, isolation: true, precompress: false });
    plain = await startWebServer({ port: 0, isolation: false, precompress: false });
  });
  afterAll(async () => {
    await isolated.close();
    await plain.close();
  });

  it('serves the page on 127.0.0.1 with COOP/COEP headers, and without them when isolation is off', async () => {
    expect(isolated.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const a = await fetch(isolated.url), b = await fetch(plain.url);
    expect(a.status).toBe(200);
    expect(await a.text()).toContain('<script type="module" src="/examples/web/main.ts">');
    expect(a.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(a.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(b.headers.get('cross-origin-opener-policy')).toBeNull();
    expect(b.headers.get('cross-origin-embedder-policy')).toBeNull();
  });

  it('compiles TypeScript on request, types stripped and bare @tsnn imports pointed at the package sources', async () => {
    const res = await fetch(`${isolated.url}examples/src/pairs.js`);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    const js = await res.text();
    expect(js).toContain("from '/packages/tensor/src/index.js'");
    expect(js).not.toContain('@tsnn/');
    expect(js).not.toMatch(/:\s*Uint32Array;/); // the Pairs interface is gone
    expect(js).toMatch(/^export function makePairs\(labels, numClasses, rng\)/m);
    const tensor = await fetch(`${isolated.url}packages/tensor/src/index.js`);
    expect(tensor.status).toBe(200);
  });

  it('serves the MNIST IDX files gzip-compressed, byte-identical once decompressed', async () => {
    const res = await fetch(`${isolated.url}mnist/t10k-labels-idx1-ubyte.gz`);
    expect(res.headers.get('content-type')).toBe('application/gzip');
    expect(res.headers.get('content-encoding')).toBeNull(); // the page decompresses, not the browser
    const body = new Uint8Array(await res.arrayBuffer());
    expect(Number(res.headers.get('content-length'))).toBe(body.length);
    expect(gunzipSync(body).equals(readFileSync(`${defaultMnistDir()}/t10k-labels-idx1-ubyte`))).toBe(true);
  });

  it('serves nothing else: other files, other folders and path tricks are 404 or 400', async () => {
    const status = async (path: string) => (await fetch(`${isolated.url}${path}`)).status;
    expect(await status('mnist/passwd.gz')).toBe(404);
    expect(await status('package.json')).toBe(404);
    expect(await status('examples/src/nope.js')).toBe(404);
    expect(await status('examples/test/digit.test.js')).toBe(404);
    expect([400, 404]).toContain(await status('packages/tensor/src/%2e%2e/package.json'));
    expect(await status('examples/web/..%2f..%2fpackage.json')).toBe(400);
  });
});
