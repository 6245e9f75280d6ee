/**
 * The packages as a user gets them: `pnpm pack` of @tsnn/tensor, @tsnn/layers and @tsnn/optimizers (its
 * `prepack` builds dist afresh), `npm install` of the three tarballs into a fresh project outside the repo,
 * then in that project: plain `node app.mjs` (train, save, load, every exports subpath, the thread pool),
 * each package README's example, and `tsc --strict` of a TypeScript consumer under moduleResolution
 * nodenext, bundler and node10. Every failure names the step. `pnpm test:pack` runs this file alone.
 * It rebuilds packages/{tensor,layers,optimizers}/dist; no other test reads dist (they use the `source`
 * condition).
 */
import { spawn, type SpawnOptions } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(__dirname, '..');
const consumer = join(__dirname, 'pack');
const PACKAGES = ['tensor', 'layers', 'optimizers'] as const;
/** The version the tarballs carry: the packages' own (they move together). */
const VERSION: string = JSON.parse(readFileSync(join(root, 'packages/tensor/package.json'), 'utf8')).version;
const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');

/** The environment of a user's shell: without the npm_* / pnpm_* variables `pnpm test` sets for its scripts. */
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm|pnpm)_/i.test(k)));

/**
 * Runs a command (asynchronously: a blocked event loop would starve vitest's worker RPC); rejects naming
 * the step, the command and its output when it fails.
 */
async function run(step: string, cmd: string, args: string[], options: SpawnOptions & { cwd: string }): Promise<string> {
  const child = spawn(cmd, args, { env, timeout: 240_000, ...options });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const [status, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done, fail) => {
    child.on('error', (e) => fail(new Error(`pack test, step "${step}" failed: cannot run ${cmd} (${e.message})`)));
    child.on('close', (code, sig) => done([code, sig]));
  });
  if (status !== 0) {
    throw new Error(`pack test, step "${step}" failed (exit status ${status}${signal ? `, signal ${signal}` : ''}):\n$ ${cmd} ${args.join(' ')}   (in ${options.cwd})\n${output.trim()}`);
  }
  return output.trim();
}

let work = '';
let tarballs = '';
let project = '';
const installed = (pkg: string, ...path: string[]) => join(project, 'node_modules', '@tsnn', pkg, ...path);
const manifest = (pkg: string) => JSON.parse(readFileSync(installed(pkg, 'package.json'), 'utf8'));

beforeAll(async () => {
  work = realpathSync(mkdtempSync(join(tmpdir(), 'tsnn-pack-')));
  tarballs = join(work, 'tarballs');
  project = join(work, 'project');
  await run('pnpm pack (prepack builds each package)', 'pnpm', ['--recursive', ...PACKAGES.flatMap((p) => ['--filter', `./packages/${p}`]), 'pack', '--pack-destination', tarballs], { cwd: root });
  const files = PACKAGES.map((p) => join(tarballs, `tsnn-${p}-${VERSION}.tgz`));
  for (const f of files) if (!existsSync(f)) throw new Error(`pack test, step "pnpm pack" failed: ${f} was not written (found: ${readdirSync(tarballs).join(', ')})`);
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'fresh-project', private: true, type: 'module' }, null, 2));
  await run('npm install the three tarballs', 'npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...files], { cwd: project });
  for (const f of ['app.mjs', 'app.ts']) copyFileSync(join(consumer, f), join(project, f));
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed packages, installed with npm in a fresh project', () => {
  it.each(PACKAGES)('@tsnn/%s: the tarball holds package.json, README.md, LICENSE, dist and src only', async (p) => {
    const list = (await run(`list the files of tsnn-${p}-${VERSION}.tgz`, 'tar', ['tzf', join(tarballs, `tsnn-${p}-${VERSION}.tgz`)], { cwd: work })).split('\n');
    const unexpected = list.filter((f) => !/^package\/(package\.json|README\.md|LICENSE|dist\/.+\.(js|d\.ts|js\.map|d\.ts\.map)|src\/.+\.ts)$/.test(f));
    expect(unexpected, `unexpected files in tsnn-${p}-${VERSION}.tgz`).toEqual([]);
    for (const f of ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts', 'dist/index.js.map', 'dist/index.d.ts.map', 'src/index.ts']) {
      expect(list, `tsnn-${p}-${VERSION}.tgz lacks ${f}`).toContain(`package/${f}`);
    }
  });

  it.each(PACKAGES)('@tsnn/%s: the packed package.json has real versions, no `source` condition, no scripts, and its metadata', (p) => {
    const m = manifest(p);
    const text = JSON.stringify(m);
    expect(text, 'a workspace: range was left in the packed package.json').not.toContain('workspace:');
    expect(text, 'the repo-only `source` export condition was left in the packed package.json').not.toMatch(/"source"\s*:/);
    expect(m.scripts, 'scripts were left in the packed package.json').toBeUndefined();
    if (p !== 'tensor') expect(m.dependencies).toEqual({ '@tsnn/tensor': manifest('tensor').version });
    expect(m.license).toBe('MIT');
    expect(m.engines).toEqual({ node: '^20 || ^22 || ^24' });
    expect(m.description.length, 'description').toBeGreaterThan(40);
    expect(m.keywords.length, 'keywords').toBeGreaterThan(2);
    expect(m.sideEffects).toBe(false);
    for (const field of ['main', 'types'] as const) expect(existsSync(installed(p, m[field])), `${field}: ${m[field]} is not in the package`).toBe(true);
    expect(readFileSync(installed(p, 'LICENSE'), 'utf8')).toBe(readFileSync(join(root, 'LICENSE'), 'utf8'));
    expect(readFileSync(installed(p, 'README.md'), 'utf8')).toContain(p === 'tensor' ? 'npm install @tsnn/tensor\n' : 'npm install @tsnn/tensor @tsnn/layers @tsnn/optimizers\n');
  });

  it.each(PACKAGES)('@tsnn/%s: every source map and declaration map points at a file in the package', (p) => {
    const maps = readdirSync(installed(p, 'dist'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.map'));
    const js = readdirSync(installed(p, 'dist'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
    expect(maps.length, 'a .js.map and a .d.ts.map for every .js').toBe(2 * js.length);
    for (const f of maps) {
      const map = JSON.parse(readFileSync(installed(p, 'dist', f), 'utf8'));
      for (const source of map.sources as string[]) {
        const target = resolve(dirname(installed(p, 'dist', f)), map.sourceRoot ?? '', source);
        expect(existsSync(target), `dist/${f} maps to ${relative(installed(p), target)}, which is not in the package`).toBe(true);
      }
    }
  });

  it('plain `node app.mjs`: trains a small MLP (loss falls), saves and reloads it bit-identically, loads every subpath, runs the thread pool', async () => {
    const out = await run('node app.mjs in the fresh project', process.execPath, ['app.mjs'], { cwd: project });
    expect(out).toContain('all checks passed');
    expect(out).toMatch(new RegExp(`ok: @tsnn/tensor resolves .* \\(${project}/node_modules/@tsnn/tensor/dist/index\\.js\\)`));
  });

  it('a consumer that sets the `source` condition for its own packages still gets the built files', async () => {
    const out = await run('node --conditions=source', process.execPath, ['--conditions=source', '--input-type=module', '-e', "console.log(import.meta.resolve('@tsnn/layers'))"], { cwd: project });
    expect(out).toBe(`file://${project}/node_modules/@tsnn/layers/dist/index.js`);
  });

  it.each(PACKAGES)("@tsnn/%s: the README's example runs as written", async (p) => {
    const readme = readFileSync(installed(p, 'README.md'), 'utf8');
    const code = /```js\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(code, `README.md of @tsnn/${p} has a \`\`\`js example`).toBeDefined();
    writeFileSync(join(project, `readme-${p}.mjs`), code!);
    const out = await run(`node readme-${p}.mjs (the README example of @tsnn/${p})`, process.execPath, [`readme-${p}.mjs`], { cwd: project });
    if (p === 'tensor') expect(out).toMatch(/^Float32Array\(4\) \[ 4, 5, 10, 11 \] wasm\n0\.\d+$/);
    if (p === 'layers') expect(out).toMatch(/^\[ 1, 1 \] \[ 'dense1\.kernel', 'dense1\.bias', 'dense2\.kernel', 'dense2\.bias' \]$/);
    if (p === 'optimizers') {
      const losses = [...out.matchAll(/loss (\d+\.\d+)/g)].map((m) => Number(m[1]));
      expect(losses.length).toBe(5);
      expect(losses.every((l, i) => i === 0 || l < losses[i - 1]), `the README's losses fall: ${losses.join(', ')}`).toBe(true);
    }
  });

  // `tsc --strict` of app.ts and of a file importing every exports subpath, with the repo's TypeScript.
  // bundler: a web app's setup (DOM lib); node10: the old resolution, served by main/types/typesVersions.
  const settings = {
    nodenext: { module: 'nodenext', moduleResolution: 'nodenext', lib: ['es2022'] },
    bundler: { module: 'esnext', moduleResolution: 'bundler', lib: ['es2022', 'dom'] },
    node10: { module: 'esnext', moduleResolution: 'node10', lib: ['es2022'] },
  };
  it.each(Object.keys(settings) as (keyof typeof settings)[])('tsc --strict typechecks a TypeScript consumer with moduleResolution %s', async (resolution) => {
    const lines = PACKAGES.flatMap((p) => Object.keys(manifest(p).exports).filter((s) => !s.endsWith('.json')).map((s) => (s === '.' ? `@tsnn/${p}` : `@tsnn/${p}/${s.slice(2)}`)));
    writeFileSync(join(project, 'subpaths.ts'), lines.map((spec, i) => `export * as m${i} from '${spec}';\n`).join(''));
    const config = { compilerOptions: { strict: true, noEmit: true, target: 'es2022', types: [], skipLibCheck: false, skipDefaultLibCheck: true, ...settings[resolution] }, files: ['app.ts', 'subpaths.ts'] };
    writeFileSync(join(project, `tsconfig.${resolution}.json`), JSON.stringify(config, null, 2));
    await run(`tsc --strict, moduleResolution ${resolution}`, process.execPath, [tsc, '-p', `tsconfig.${resolution}.json`], { cwd: project });
  });
});
