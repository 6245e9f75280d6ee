/**
 * `pnpm --filter @tsnn/examples web:speed [--epochs N] [--threads 1,2] [--limit N]`: how fast the
 * `pnpm example:web` page trains in headless Chromium (Debian's, or $CHROMIUM): for each thread count, a fresh
 * cross-origin isolated page trains the reference model (seed 0, all 60,000 pairs unless --limit) and the
 * epoch lines are read back. A measurement, not a test: it prints figures and asserts nothing; the machine's
 * load average is printed with them, since other work on the machine changes them. A screenshot of each
 * page, with two drawn digits scored, goes to examples/out/web-speed/.
 */
/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { startWebServer } from '../src/web-server.js';

const { values } = parseArgs({ options: { epochs: { type: 'string', default: '2' }, threads: { type: 'string', default: '1,2' }, limit: { type: 'string' } } });
const OUT = new URL('../out/web-speed/', import.meta.url).pathname;
const epochs = Number(values.epochs), threadCounts = values.threads.split(',').map(Number);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const web = await startWebServer({ port: 0, isolation: true });
console.log(`${browser.version()}, ${epochs} epochs, seed 0, ${values.limit ?? 60000} training pairs; load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
try {
  for (const threads of threadCounts) {
    const page = await browser.newPage();
    await page.goto(`${web.url}?epochs=${epochs}&seed=0&threads=${threads}${values.limit ? `&limit=${values.limit}` : ''}`);
    await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 120_000 });
    await page.click('#start');
    await page.waitForFunction(() => ['done', 'failed'].includes(document.body.dataset.state ?? ''), null, { timeout: 600_000 });
    const lines = (await page.locator('#log').textContent())!.trim().split('\n');
    const steps = Number(/ (\d+)\/\1 /.exec(lines[0])![1]);
    const secs = lines.map((l) => (Number(/ ([\d.]+)ms\/step/.exec(l)![1]) * steps) / 1000);
    console.log(`threads ${threads} (${await page.locator('#env').textContent()}):`);
    for (const l of lines) console.log(`  ${l}`);
    console.log(`  seconds per epoch (train + validation): ${secs.map((s) => s.toFixed(2)).join(', ')}; ${await page.locator('#final').textContent()}`);
    console.log(`  load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    // Two drawn digits (a 3 and an 8), for the picture.
    await page.locator('#draw-section').scrollIntoViewIfNeeded();
    for (const [pad, strokes] of [['#pad-a', [[[0.3, 0.2], [0.7, 0.25], [0.45, 0.5], [0.72, 0.7], [0.3, 0.85]]]], ['#pad-b', [[[0.6, 0.2], [0.35, 0.3], [0.62, 0.62], [0.4, 0.85], [0.35, 0.65], [0.62, 0.45], [0.6, 0.2]]]]] as const) {
      const box = (await page.locator(pad).boundingBox())!;
      for (const stroke of strokes) {
        await page.mouse.move(box.x + stroke[0][0] * box.width, box.y + stroke[0][1] * box.height);
        await page.mouse.down();
        for (const [x, y] of stroke.slice(1)) await page.mouse.move(box.x + x * box.width, box.y + y * box.height, { steps: 10 });
        await page.mouse.up();
      }
    }
    await page.waitForFunction(() => document.getElementById('score')!.dataset.score !== undefined, null, { timeout: 20_000 });
    mkdirSync(OUT, { recursive: true });
    await page.screenshot({ path: `${OUT}threads-${threads}.png`, fullPage: true });
    await page.close();
  }
} finally {
  await web.close();
  await browser.close();
}
