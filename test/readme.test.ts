/**
 * The README's library snippet is run as written: extracted from README.md, imported, and its printed
 * result checked, so the front door never shows code that does not work.
 */
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';

const root = join(__dirname, '..');
const snippetFile = join(__dirname, '.readme-snippet.ts');

afterAll(() => rmSync(snippetFile, { force: true }));

it('the README snippet runs and learns its toy task', async () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const m = /<!-- snippet:start -->\s*```ts\n([\s\S]*?)```\s*<!-- snippet:end -->/.exec(readme);
  expect(m, 'README.md has a ```ts block between <!-- snippet:start --> and <!-- snippet:end -->').not.toBeNull();
  writeFileSync(snippetFile, m![1]);
  const logs: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logs.push(args.join(' ')));
  try {
    await import(snippetFile);
  } finally {
    spy.mockRestore();
  }
  // The summary's total is the one the snippet's comment quotes.
  const claimed = /parameter counts \(([\d,]+) in all\)/.exec(m![1])?.[1];
  expect(claimed, 'the snippet says how many parameters the model has').toBeDefined();
  expect(logs.join('\n')).toContain(`Total params: ${claimed} `);
  const last = logs.find((l) => l.startsWith('test accuracy'));
  expect(last, logs.join('\n')).toBeDefined();
  expect(Number(last!.split(' ').at(-1))).toBeGreaterThan(0.9);
});

it('the README classifier snippet trains, stops early, saves and reloads the same model', async () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const m = /<!-- snippet:classifier:start -->\s*```ts\n([\s\S]*?)```\s*<!-- snippet:classifier:end -->/.exec(readme);
  expect(m, 'README.md has a ```ts block between <!-- snippet:classifier:start --> and <!-- snippet:classifier:end -->').not.toBeNull();
  const file = join(__dirname, '.readme-classifier.ts');
  writeFileSync(file, m![1]);
  const logs: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logs.push(args.join(' ')));
  try {
    await import(file);
  } finally {
    spy.mockRestore();
    rmSync(file, { force: true });
  }
  const text = logs.join('\n');
  expect(text).toContain('history keys loss accuracy val_loss val_accuracy');
  expect(text).toContain('reloaded model gives the same outputs: true');
  const acc = logs.find((l) => l.startsWith('classifier accuracy'));
  expect(acc, text).toBeDefined();
  expect(Number(acc!.split(' ').at(-1))).toBeGreaterThan(0.9);
});
