// A new user's first script, run with plain `node app.mjs` in a fresh project where the three tarballs
// were `npm install`ed (by test/pack.test.ts): no tsx, no TypeScript, no repo around it. Prints one
// line per check and exits 1 naming the check that failed.
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng, Tensor, matmul, useBackend, backendName, TsnnError, VERSION } from '@tsnn/tensor';
import { Dense, Sequential, binaryCrossentropy, zeroGrads, encodeModel, decodeModel, layerFromConfig, loadWeights, ModelFormatError } from '@tsnn/layers';
import { Adam } from '@tsnn/optimizers';

function check(what, ok, detail = '') {
  if (!ok) {
    console.error(`FAILED: ${what}${detail ? `: ${detail}` : ''}`);
    process.exit(1);
  }
  console.log(`ok: ${what}${detail ? ` (${detail})` : ''}`);
}

// 1. Where the packages were loaded from: this project's node_modules, the built dist, not a repo's sources.
for (const name of ['@tsnn/tensor', '@tsnn/layers', '@tsnn/optimizers']) {
  const file = fileURLToPath(import.meta.resolve(name));
  check(`${name} resolves to its built dist/index.js in this project`, file === join(realpathSync('.'), 'node_modules', name, 'dist', 'index.js'), file);
}

// 2. A small MLP learns XOR-like quadrants: label 1 when u·v > 0.
const rng = new Rng(7);
const n = 256;
const x = new Tensor([n, 2]);
const y = new Float32Array(n);
for (let i = 0; i < n; i++) {
  const u = rng.uniformIn(-1, 1), v = rng.uniformIn(-1, 1);
  x.data[2 * i] = u;
  x.data[2 * i + 1] = v;
  y[i] = u * v > 0 ? 1 : 0;
}
const model = new Sequential([new Dense(16, { activation: 'relu' }), new Dense(16, { activation: 'relu' }), new Dense(1, { activation: 'sigmoid' })]);
model.build(2, rng);
const params = model.parameters();
const optimizer = new Adam(params, { learningRate: 0.02 });
const lossOf = (m) => binaryCrossentropy(y, m.forward(x, { training: false, rng }).y).loss;
const before = lossOf(model);
for (let step = 0; step < 60; step++) {
  zeroGrads(params);
  const call = model.forward(x, { training: true, rng });
  const { dyPred } = binaryCrossentropy(y, call.y);
  call.backward(dyPred, false);
  optimizer.step();
}
const after = lossOf(model);
check('60 Adam steps halve the training loss', after < 0.5 * before, `${before.toFixed(4)} → ${after.toFixed(4)}, backend ${backendName()}`);

// 3. Save to bytes and load back into a model rebuilt from the file: identical weights and outputs.
const bytes = encodeModel(model, { note: 'pack test' });
check('encodeModel gives bytes', bytes instanceof Uint8Array && bytes.length > 0, `${bytes.length} bytes`);
const decoded = decodeModel(bytes, 'app.tsnn');
const copy = layerFromConfig(decoded.manifest.config);
copy.build(2, new Rng(99)); // other initial weights, overwritten by loadWeights
loadWeights(copy, decoded, 'app.tsnn');
const same = params.every(({ name, param }, i) => {
  const other = copy.parameters()[i];
  return other.name === name && other.param.value.length === param.value.length && other.param.value.every((v, j) => Object.is(v, param.value[j]));
});
check('the decoded model has bit-identical weights under the same names', same, params.map((p) => p.name).join(' '));
const out1 = model.forward(x, { training: false, rng }).y.data, out2 = copy.forward(x, { training: false, rng }).y.data;
check('and the same outputs', out1.every((v, i) => Object.is(v, out2[i])));
let error;
try {
  decodeModel(bytes.subarray(0, bytes.length - 4), 'cut.tsnn');
} catch (e) {
  error = e;
}
check('a truncated file is refused with a ModelFormatError (a TsnnError) naming it', error instanceof ModelFormatError && error instanceof TsnnError && /^cut\.tsnn: /.test(error.message), String(error?.message));

// 4. Every subpath in each package's exports map loads; the Node-only ones work.
for (const name of ['@tsnn/tensor', '@tsnn/layers', '@tsnn/optimizers']) {
  const pkg = JSON.parse(readFileSync(fileURLToPath(import.meta.resolve(`${name}/package.json`)), 'utf8'));
  for (const sub of Object.keys(pkg.exports)) {
    if (sub.endsWith('.json')) continue;
    const spec = sub === '.' ? name : `${name}/${sub.slice(2)}`;
    const mod = await import(spec);
    if (sub === '.' && name === '@tsnn/tensor') check('@tsnn/tensor VERSION is the package version', VERSION === pkg.version, `${VERSION}, package.json ${pkg.version}`);
    check(`import('${spec}')`, Object.keys(mod).length > 0, Object.keys(mod).join(', '));
  }
}
const { useBackendFromEnv } = await import('@tsnn/tensor/backend.node');
useBackendFromEnv('js');
check("useBackendFromEnv('js') switches the backend", backendName() === 'js');
useBackendFromEnv('wasm');
check("useBackendFromEnv('wasm') switches it back", backendName() === 'wasm');

// The thread pool: its workers run code the pool module builds from its own functions (no worker file to
// find), over the shared wasm memory.
const { useThreads, stopThreads, threadCount } = await import('@tsnn/tensor/pool.node');
const a = new Tensor([192, 96]), b = new Tensor([96, 160]);
for (let i = 0; i < a.size; i++) a.data[i] = rng.uniformIn(-1, 1);
for (let i = 0; i < b.size; i++) b.data[i] = rng.uniformIn(-1, 1);
const single = matmul(a, b).data.slice();
await useThreads(2, { minWork: 1 }); // every gemm split, whatever the default threshold
check('useThreads(2) starts a worker', threadCount() === 2);
const threaded = matmul(a, b).data;
check('the 2-thread gemm equals the 1-thread one bit for bit', threaded.every((v, i) => Object.is(v, single[i])));
await stopThreads();
check('stopThreads() goes back to one thread', threadCount() === 1);
useBackend('wasm');
console.log('all checks passed');
