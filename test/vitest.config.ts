import { defineConfig } from 'vitest/config';

// One config, one project per package (as fast-check does). The `source` condition makes
// `@tsnn/*` imports resolve to TypeScript sources, so tests never need a build first.
const project = (name: string, dir: string, extra: object = {}) => ({
  extends: true as const,
  test: { name, root: dir, include: ['test/**/*.test.ts', '*.test.ts'], ...extra },
});

export default defineConfig({
  root: new URL('..', import.meta.url).pathname,
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    testTimeout: 120_000,
    projects: [
      project('tensor', 'packages/tensor'),
      project('layers', 'packages/layers'),
      project('optimizers', 'packages/optimizers'),
      project('examples', 'examples'),
      project('cross', 'test'),
    ],
  },
});
