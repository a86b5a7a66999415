// Bundles the CLI and its worker scripts into dist/bundle (esbuild, ESM, splitting),
// after tsc has type-checked and emitted dist/ for the library. One file per entry
// loads in ~1/3 of the time of ~80 separate modules: start-up is most of an
// unchanged commit, which the benchmark compares with git's.
import { readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { build } from 'esbuild';

const BANNER =
  "import { createRequire as __vaultCreateRequire } from 'node:module'; const require = __vaultCreateRequire(import.meta.url);";

const options = {
  metafile: true,
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  // whitespace and syntax only: identifiers stay, so stack traces stay readable
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  // loaded at run time through createRequire: stays in node_modules. ink and react are bundled (into
  // the TUI's own chunk, loaded only by `vault tui`): one file imports in about half the time of ink's
  // ~100 modules (measured 0.27-0.37 s vs 0.62-0.77 s). react-devtools-core is ink's optional
  // DEV=true import, not installed. @resvg/resvg-js loads its native .node binary (the creative
  // persona's SVG renderer), which a bundle cannot hold.
  external: ['zstd-codec', 'tsx', 'react-devtools-core', '@resvg/resvg-js'],
  // React's production build (only react, react-reconciler and scheduler read NODE_ENV): the development
  // build of the reconciler alone is 0.5 MB more for `vault tui` to load, and it renders more slowly
  define: { 'process.env.NODE_ENV': '"production"' },
  banner: { js: BANNER },
};

const builds = [
  build({
    ...options,
    entryPoints: {
      main: 'src/cli/main.ts',
      storeWorker: 'src/plumbing/storeWorker.ts',
      restoreWorker: 'src/plumbing/restoreWorker.ts',
      codecWorker: 'src/plumbing/codecWorker.ts',
      thumbnailWorker: 'src/personas/creative/thumbnails/thumbnailWorker.ts',
      compareWorker: 'src/personas/creative/visual/compareWorker.ts',
    },
  }),
];
// The commands users run most get a build of their own each (bin/vault picks it by the command word). esbuild
// puts a module in a chunk by the set of entries (dynamic imports count) that reach it, so with every command
// in one build `vault commit` loads ~60 chunks, and each ESM load costs ~0.3 ms to resolve and link (~15 ms of
// an unchanged commit's ~130). Its own build: ~10 files, the same code; its modules never meet the main
// build's in one process (a class of one build is not `instanceof` the other's). Workers stay the main build's:
// a worker is a thread of its own, found beside the chunk that starts it, with the same messages.
for (const file of readdirSync('src/cli/hot')) {
  const name = `hot-${basename(file, '.ts')}`;
  builds.push(
    build({ ...options, entryPoints: { [name]: `src/cli/hot/${file}` }, chunkNames: `${name}.[name]-[hash]` }),
  );
}
const outputs = (await Promise.all(builds)).flatMap((r) => Object.keys(r.metafile.outputs));

// createRequire per chunk costs ~25 us at start-up (5 ms of an unchanged commit's ~40 chunks, in a profile):
// the banner stays only in chunks that use `require` (a few: CommonJS dependencies). It is blanked, not
// removed, so the source maps' line numbers hold.
for (const out of outputs) {
  if (!out.endsWith('.js')) continue;
  const code = readFileSync(out, 'utf8');
  if (!code.startsWith(BANNER)) continue;
  if ((code.match(/\brequire\b/g) ?? []).length > 1) continue;
  writeFileSync(out, code.slice(BANNER.length));
}

// chunk names change with content: drop chunks of earlier builds that are more than ten
// minutes old (a command or test started from a build a moment ago keeps its files)
const fresh = new Set(outputs.map((f) => basename(f)));
const old = Date.now() - 10 * 60 * 1000;
for (const f of readdirSync('dist/bundle')) {
  const p = `dist/bundle/${f}`;
  if (!fresh.has(f) && statSync(p).mtimeMs < old) rmSync(p, { force: true });
}
