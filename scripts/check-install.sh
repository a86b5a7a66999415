#!/usr/bin/env bash
# The install a user does, checked: `npm pack` (prepare builds dist/), the tarball installed globally into a
# temp prefix (no dev dependencies, no install scripts), then `vault` run from a folder that has nothing to do
# with this clone: --help, --version, and a small real session (init, commit, status, log, restore, verify),
# so the bundle, its worker scripts and its runtime dependencies (zstd-codec's wasm...) all load from there.
# Also `npx --package TARBALL vault`, the way to run it without installing. Needs the npm registry (the
# tarball's dependencies). Called by .ci/run; by hand:
#
#   scripts/check-install.sh            exit 1 and the failing step on stderr if the install does not work
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/vault-install-check-XXXXXX")"
trap 'rm -rf "$work"' EXIT
fail() {
  echo "check-install: $*" >&2
  exit 1
}

version="$(node -p "require('$root/package.json').version")"
echo "== npm pack (prepare builds dist/)"
(cd "$root" && npm pack --silent --pack-destination "$work" >/dev/null)
tarball="$work/vault-vcs-$version.tgz"
[ -f "$tarball" ] || fail "npm pack made no $tarball"

echo "== what the tarball holds"
listing="$(tar tzf "$tarball")"
for f in package/bin/vault package/dist/bundle/main.js package/dist/bundle/storeWorker.js \
  package/dist/bundle/codecWorker.js package/dist/index.js package/README.md; do
  grep -qx "$f" <<<"$listing" || fail "the tarball lacks $f"
done
if grep -qE '^package/(src|test|bench|node_modules)/' <<<"$listing"; then
  fail "the tarball holds sources, tests or node_modules"
fi

echo "== npm install -g into a temp prefix"
prefix="$work/prefix"
# --ignore-scripts: the tarball already holds dist/; its `prepare` (the build) is for clones only
npm install -g --prefix "$prefix" --ignore-scripts --no-audit --no-fund --loglevel=error "$tarball" >/dev/null
installed="$prefix/lib/node_modules/vault-vcs"
for dev in typescript esbuild oxlint @swc/core tsx; do
  [ ! -e "$installed/node_modules/$dev" ] && [ ! -e "$prefix/lib/node_modules/$dev" ] ||
    fail "the global install pulled in the dev dependency $dev"
done

echo "== vault from an unrelated folder"
elsewhere="$work/elsewhere"
mkdir -p "$elsewhere/project/Art"
cd "$elsewhere"
export PATH="$prefix/bin:$PATH"
[ "$(command -v vault)" = "$prefix/bin/vault" ] || fail "vault is not the installed one: $(command -v vault)"
help="$(vault --help)" || fail "vault --help exited $?"
grep -q '^usage: vault <command>' <<<"$help" || fail "vault --help printed no usage line"
grep -q 'vault commit' <<<"$help" || fail "vault --help does not list commit"
[ "$(vault --version)" = "$version" ] || fail "vault --version is not $version"
[ "$(vault-vcs --version)" = "$version" ] || fail "vault-vcs --version is not $version"
head -c 3000000 /dev/urandom >project/Art/hero.psd
printf 'notes\n' >project/notes.md
vault -C project init >/dev/null
vault -C project commit -q -m "first"
printf 'more\n' >>project/notes.md
vault -C project status | grep -q 'M  notes.md' || fail "status does not see the change"
vault -C project commit -q -m "second"
[ "$(vault -C project log --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).length))')" = 2 ] ||
  fail "log does not show two snapshots"
vault -C project restore -q HEAD~1 --to "$elsewhere/copy"
cmp -s project/Art/hero.psd copy/Art/hero.psd || fail "restore --to did not give the file back"
vault -C project verify --read-data -q || fail "verify --read-data found problems"

echo "== npx --package TARBALL vault (no install)"
[ "$(npx --yes --package "$tarball" vault --version)" = "$version" ] || fail "npx --package $tarball vault failed"

echo "install check passed: vault $version from the packed tarball"
