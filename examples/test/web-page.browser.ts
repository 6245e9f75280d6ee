/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * `pnpm test:web`: the page of `pnpm example:web`, driven in headless Chromium (Debian's, /usr/bin/chromium,
 * or $CHROMIUM) through playwright-core. Not part of `pnpm test`: a fresh machine has no browser.
 *
 * 1. Cross-origin isolated page: loads MNIST with no console errors; trains 2 epochs on 30,000 training
 *    pairs (seed 0) on 2 threads (@tsnn/tensor/pool.web), paused in the first epoch and resumed; the curves
 *    get their points; the epoch figures equal, bit for bit, those of `pnpm example:siamese --epochs 2
 *    --limit 30000 --kernels strict` run here in Node on 1 thread (same pairs, same generator, the same strict
 *    wasm kernels, which give the same bits on every host; the pool
 *    is bit-identical to one thread), and the validation accuracy is > 85%. (One epoch of the reference
 *    recipe on fewer pairs stays below 85%: 79.9% on 20,000, 84.7% on 30,000.) Two drawn digits get a
 *    score in [0, 1]; the model saved from the page (a download) loads back through the file picker and
 *    gives the same score and test figures; a corrupted copy is refused with the CLI's checksum error; Start
 *    then trains on from the loaded weights (after 10 steps within 3 points of the loaded model's accuracy).
 * 2. A page that is not cross-origin isolated, with the wasm kernels over an unshared memory: trains one
 *    short epoch with no console errors.
 * Screenshots go to examples/out/web-test/. (The DOM types are for the functions run in the page.)
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { decodeModel } from '@tsnn/layers';
import { parseSiameseArgs } from '../src/cli.js';
import { runSiamese } from '../src/siamese-run.js';
import { startWebServer } from '../src/web-server.js';

const OUT = new URL('../out/web-test/', import.meta.url).pathname;
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const EPOCHS = 2, LIMIT = 30000;
const problems: string[] = [];

function check(ok: boolean, what: string): void {
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) problems.push(what);
}

/** The page's console errors and uncaught exceptions, page and workers alike. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  page.on('worker', (w) => w.on('console', (m) => m.type() === 'error' && errors.push(`worker console: ${m.text()}`)));
  return errors;
}

const stateIs = (page: Page, states: string[], timeout: number) =>
  page.waitForFunction((s) => s.includes(document.body.dataset.state ?? ''), states, { timeout });

async function draw(page: Page, canvas: string, strokes: [number, number][][]): Promise<void> {
  const box = (await page.locator(canvas).boundingBox())!;
  for (const stroke of strokes) {
    const [x0, y0] = stroke[0];
    await page.mouse.move(box.x + x0 * box.width, box.y + y0 * box.height);
    await page.mouse.down();
    for (const [x, y] of stroke.slice(1)) await page.mouse.move(box.x + x * box.width, box.y + y * box.height, { steps: 8 });
    await page.mouse.up();
  }
}

const score = async (page: Page) => {
  await page.waitForFunction(() => document.getElementById('score')!.dataset.score !== undefined, null, { timeout: 20_000 });
  return Number(await page.locator('#score').getAttribute('data-score'));
};

async function isolatedRun(browser: Browser): Promise<void> {
  // What the CLI gets for the same settings, in this process.
  const cliOut = mkdtempSync(join(tmpdir(), 'tsnn-web-cli-'));
  const t0 = performance.now();
  await runSiamese(parseSiameseArgs(['--epochs', String(EPOCHS), '--limit', String(LIMIT), '--seed', '0', '--backend', 'wasm', '--kernels', 'strict', '--out', cliOut])!,
    { tty: false, line: () => undefined });
  const cli = JSON.parse(readFileSync(join(cliOut, 'history.json'), 'utf8')) as Record<'loss' | 'binary_accuracy' | 'val_loss' | 'val_binary_accuracy', number[]>;
  rmSync(cliOut, { recursive: true, force: true });
  console.log(`  (the CLI's run: ${((performance.now() - t0) / 1000).toFixed(1)} s; val_binary_accuracy ${cli.val_binary_accuracy.map((v) => v.toFixed(4)).join(', ')})`);

  const web = await startWebServer({ port: 0, isolation: true });
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  const errors = watchErrors(page);
  try {
    await page.goto(`${web.url}?epochs=${EPOCHS}&limit=${LIMIT}&seed=0&threads=2&kernels=strict`);
    await stateIs(page, ['ready', 'failed'], 60_000);
    check(await page.evaluate(() => document.body.dataset.state) === 'ready', `MNIST loaded: ${await page.locator('#data-status').textContent()}`);
    check(await page.evaluate(() => self.crossOriginIsolated), 'the page is cross-origin isolated');
    const env = (await page.locator('#env').textContent())!;
    check(/^backend: wasm \(f32x4 SIMD, shared memory, 1 thread; strict kernels\)/.test(env), `backend shown: ${env}`);

    await page.click('#start');
    await page.waitForFunction(() => Number((document.getElementById('batch-progress') as HTMLProgressElement).value) >= 40, null, { timeout: 60_000 });
    await page.click('#pause');
    await stateIs(page, ['paused'], 30_000);
    const paused = (await page.locator('#batch-text').textContent())!;
    check(/^Paused in epoch 1\/2 after step \d+\/235$/.test(paused), `paused mid-epoch: ${paused}`);
    await page.screenshot({ path: join(OUT, 'paused.png'), fullPage: true });
    await page.click('#pause'); // now labelled Resume
    await stateIs(page, ['done', 'failed'], 120_000);
    const threads = (await page.locator('#env').textContent())!;
    check(threads.includes('shared memory, gemm on 2 threads') && (await page.locator('#headline').textContent())!.includes('× 2 threads'), `trained on 2 threads: ${threads}`);
    const log = (await page.locator('#log').textContent())!.trim().split('\n');
    console.log(log.map((l) => `    ${l}`).join('\n'));
    check(log.length === EPOCHS && log.every((l, i) => l.startsWith(`Epoch ${i + 1}/${EPOCHS}  235/235 - `)), 'one CLI-style line per epoch');

    // The curves: per panel, one point per epoch for train and validation, carrying the exact figures.
    const points = await page.$$eval('#curves .panel', (panels) => panels.map((p) => ({
      panel: p.getAttribute('data-panel'),
      train: [...p.querySelectorAll('circle.train')].map((c) => Number(c.getAttribute('data-value'))),
      val: [...p.querySelectorAll('circle.val')].map((c) => Number(c.getAttribute('data-value'))),
    })));
    check(points.length === 2 && points.every((p) => p.train.length === EPOCHS && p.val.length === EPOCHS), `the curves have ${EPOCHS} train and ${EPOCHS} validation points per panel`);
    const [loss, acc] = points;
    const same = cli.loss.length === EPOCHS && cli.loss.every((_, i) => cli.loss[i] === loss.train[i] && cli.val_loss[i] === loss.val[i] &&
      cli.binary_accuracy[i] === acc.train[i] && cli.val_binary_accuracy[i] === acc.val[i]);
    check(same, `the page's loss and accuracy per epoch equal the CLI's bit for bit (page val accuracy ${acc.val.map((v) => v.toFixed(4)).join(', ')})`);
    check(acc.val[EPOCHS - 1] > 0.85, `validation binary accuracy after ${EPOCHS} epochs on ${LIMIT} pairs > 85%: ${(100 * acc.val[EPOCHS - 1]).toFixed(2)}%`);
    const cards = await page.$$eval('#grid .pair', (els) => els.map((e) => e.className));
    check(cards.length > 12 && cards.filter((c) => c.includes('right')).length === 12, `test-pair grid: ${cards.filter((c) => c.includes('right')).length} right, ${cards.filter((c) => c.includes('wrong')).length} wrong`);

    // Two drawn digits: a 7 and a 1.
    await page.locator('#draw-section').scrollIntoViewIfNeeded();
    await draw(page, '#pad-a', [[[0.25, 0.2], [0.75, 0.2], [0.45, 0.85]]]);
    await draw(page, '#pad-b', [[[0.5, 0.15], [0.52, 0.85]]]);
    const p1 = await score(page);
    check(p1 >= 0 && p1 <= 1, `the drawn pair's score is in [0, 1]: ${p1} (${await page.locator('#score').textContent()})`);
    const preview = await page.evaluate(() => {
      const d = (document.getElementById('preview-a') as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, 28, 28).data;
      let lit = 0;
      for (let i = 0; i < d.length; i += 4) lit += +(d[i] > 0);
      return lit;
    });
    check(preview > 20 && preview < 400, `the 28×28 preview of the first drawing has ${preview} lit pixels`);
    const finalText = (await page.locator('#final').textContent())!;
    await page.screenshot({ path: join(OUT, 'trained.png'), fullPage: true });

    // Save (a download), load it back, same score.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save')]);
    const saved = join(OUT, download.suggestedFilename());
    await download.saveAs(saved);
    const bytes = readFileSync(saved);
    check(decodeModel(bytes, saved).manifest.tensors.length === 10, `saved ${download.suggestedFilename()} (${bytes.length} bytes), a valid model file`);
    await page.click('#clear-b');
    await page.waitForFunction(() => document.getElementById('score')!.dataset.score === undefined);
    const corrupt = join(OUT, 'corrupted.tsnn');
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 5] ^= 0x40;
    writeFileSync(corrupt, flipped);
    await page.setInputFiles('#load', corrupt);
    await page.waitForFunction(() => !document.getElementById('error')!.hidden, null, { timeout: 20_000 });
    const err = (await page.locator('#error').textContent())!;
    check(/^error: corrupted\.tsnn: checksum mismatch: data crc32 is/.test(err), `a corrupted file is refused: ${err}`);
    await page.setInputFiles('#load', saved);
    await stateIs(page, ['loaded'], 30_000);
    check(await page.locator('#error').isHidden(), 'the good file clears the error');
    await draw(page, '#pad-b', [[[0.5, 0.15], [0.52, 0.85]]]);
    const p2 = await score(page);
    check(p2 === p1, `the loaded model scores the same drawing the same: ${p2}`);
    const loadedText = (await page.locator('#final').textContent())!;
    check(finalText.startsWith(loadedText), `the loaded model's test figures equal the trained one's: ${loadedText}`);
    await page.screenshot({ path: join(OUT, 'loaded.png'), fullPage: true });

    // Start after a load trains on from the loaded weights, as the CLI's --weights: 10 steps from them stay
    // near where the loaded model was; 10 steps from fresh weights reach nowhere near it.
    await page.fill('#epochs', '1');
    await page.fill('#limit', '1280');
    await page.click('#start');
    await stateIs(page, ['done', 'failed'], 60_000);
    const headline = (await page.locator('#headline').textContent())!;
    check(headline.includes(`from the weights of ${download.suggestedFilename()}`), `the new run names the loaded file: ${headline}`);
    const onward = (await page.locator('#log').textContent())!.trim();
    const onwardVal = Number(/val_binary_accuracy: ([\d.]+)/.exec(onward)![1]);
    const loadedVal = Number(/binary accuracy ([\d.]+)%/.exec(loadedText)![1]) / 100;
    check(onwardVal > loadedVal - 0.03, `10 steps on from the loaded weights: validation binary accuracy ${(100 * onwardVal).toFixed(2)}% (the loaded model's ${(100 * loadedVal).toFixed(2)}%, less at most 3 points)`);
    check(errors.length === 0, `no console errors${errors.length ? `: ${errors.join(' | ')}` : ''}`);
  } finally {
    await context.close();
    await web.close();
  }
}

async function unsharedRun(browser: Browser): Promise<void> {
  const web = await startWebServer({ port: 0, isolation: false });
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const errors = watchErrors(page);
  try {
    await page.goto(`${web.url}?epochs=1&limit=3000&memory=unshared`);
    await stateIs(page, ['ready', 'failed'], 60_000);
    check(!(await page.evaluate(() => self.crossOriginIsolated)), 'the page is not cross-origin isolated');
    await page.waitForFunction(() => document.getElementById('env')!.textContent!.includes('unshared memory'), null, { timeout: 10_000 });
    check(true, `backend shown: ${await page.locator('#env').textContent()}`);
    await page.click('#start');
    await stateIs(page, ['done', 'failed'], 60_000);
    const line = (await page.locator('#log').textContent())!.trim();
    console.log(`    ${line}`);
    check(/^Epoch 1\/1  24\/24 - .* val_binary_accuracy: 0\.\d{4}/.test(line), 'one epoch trained over the unshared memory');
    await page.screenshot({ path: join(OUT, 'unshared.png'), fullPage: true });
    check(errors.length === 0, `no console errors${errors.length ? `: ${errors.join(' | ')}` : ''}`);
  } finally {
    await page.close();
    await web.close();
  }
}

if (!existsSync(CHROMIUM)) {
  console.error(`test:web: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM=/path/to/it)`);
  process.exit(1);
}
mkdirSync(OUT, { recursive: true });
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  console.log(`test:web: ${browser.version()}, cross-origin isolated page`);
  await isolatedRun(browser);
  console.log('test:web: not isolated, wasm over an unshared memory');
  await unsharedRun(browser);
} catch (e) {
  problems.push(`crashed: ${(e as Error).stack}`);
} finally {
  await browser.close();
}
if (problems.length) {
  console.error(`test:web: FAILED\n${problems.map((p) => `  ${p}`).join('\n')}`);
  process.exit(1);
}
console.log(`test:web: ok (screenshots in ${OUT})`);
