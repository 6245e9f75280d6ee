// @ts-check
/**
 * pnpm hooks. `beforePacking` shapes the package.json that goes into a tarball made by `pnpm pack`
 * (see docs/packaging.md): the `source` export condition, which points the repo's own tests and tsx at
 * the TypeScript sources, is dropped (a consumer that sets a `source` condition for its own packages must
 * get the built files, not tsnn's .ts), and so are the scripts, which only make sense inside the repo.
 * pnpm has already replaced `workspace:` ranges with versions here; a range still left is an error.
 */
function withoutSource(target) {
  if (target === null || typeof target !== 'object' || Array.isArray(target)) return target;
  const out = {};
  for (const [key, value] of Object.entries(target)) if (key !== 'source') out[key] = withoutSource(value);
  return out;
}

function beforePacking(pkg) {
  if (pkg.exports) pkg.exports = withoutSource(pkg.exports);
  delete pkg.scripts;
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [name, range] of Object.entries(pkg[field] ?? {})) {
      if (String(range).startsWith('workspace:')) throw new Error(`${pkg.name}: ${field}.${name} is still '${range}' in the packed package.json`);
    }
  }
  return pkg;
}

module.exports = { hooks: { beforePacking } };
