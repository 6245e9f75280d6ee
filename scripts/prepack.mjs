// @ts-check
/**
 * `prepack` of @tsnn/tensor, @tsnn/layers and @tsnn/optimizers: refuses to pack with anything but pnpm.
 * `npm pack` would ship `"@tsnn/tensor": "workspace:*"` as is, and `npm install` of that tarball fails
 * with EUNSUPPORTEDPROTOCOL; `pnpm pack` writes the real version there, and `.pnpmfile.cjs` (beforePacking)
 * drops the repo-only `source` export condition and the scripts. The package script then builds dist afresh.
 */
const agent = process.env.npm_config_user_agent ?? '';
if (!agent.startsWith('pnpm/')) {
  const name = process.env.npm_package_name ?? 'this package';
  console.error(
    `${name}: pack it with \`pnpm pack\`, not ${agent.split(' ')[0] || 'this tool'}: ` +
      `only pnpm writes real versions in place of "workspace:*" dependency ranges (an npm-packed @tsnn/layers would not install) ` +
      `and drops the repo-only \`source\` export condition (.pnpmfile.cjs).`,
  );
  process.exit(1);
}
