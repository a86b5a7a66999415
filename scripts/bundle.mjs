// Bundles the CLI and its worker scripts into dist/bundle (esbuild, ESM, splitting),
// after tsc has type-checked and emitted dist/ for the library. One file per entry
// loads in ~1/3 of the time of ~80 separate modules: start-up is most of an
// unchanged commit, which the benchmark compares with git's.
import { build } from 'esbuild';

await build({
  entryPoints: {
    main: 'src/cli/main.ts',
    storeWorker: 'src/plumbing/storeWorker.ts',
    restoreWorker: 'src/plumbing/restoreWorker.ts',
    codecWorker: 'src/plumbing/codecWorker.ts',
  },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // loaded at run time through createRequire: stays in node_modules
  external: ['zstd-codec', 'ink', 'react', 'tsx'],
  banner: { js: "import { createRequire as __vaultCreateRequire } from 'node:module'; const require = __vaultCreateRequire(import.meta.url);" },
});
