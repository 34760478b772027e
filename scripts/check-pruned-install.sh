#!/bin/sh
# Runs the production image's commands from a pruned install, as the Dockerfile builds it: package.json,
# package-lock.json, the workspace packages' manifests and builds, dist/, config/ and tenants/ in a scratch
# folder, `npm ci --omit=dev`, then
# migrate, tenants:sync (dry run) and keys:rotate against a throwaway SQLite file, through npm as the README says.
# Usage: npm run build && sh scripts/check-pruned-install.sh   (needs the npm registry or its cache)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cp "$here/package.json" "$here/package-lock.json" "$dir/"
cp -r "$here/dist" "$here/config" "$here/tenants" "$here/scripts" "$dir/"
for p in "$here"/packages/*/; do
  name=$(basename "$p")
  mkdir -p "$dir/packages/$name/dist"
  cp "$p/package.json" "$dir/packages/$name/"
  cp -r "$p/dist/src" "$dir/packages/$name/dist/"
done
rm -rf "$dir/dist/test" "$dir/dist/bench"
cd "$dir"
npm ci --omit=dev --ignore-scripts --no-audit --no-fund --prefer-offline >/dev/null
test ! -e node_modules/typescript || { echo "typescript is installed: not a pruned install"; exit 1; }
export NODE_ENV=production PARTNERPAY_PROFILE=default DATABASE_URL="sqlite:$dir/data/pp.sqlite"
npm run --silent migrate
mkdir -p "$dir/my-tenants"
npm run --silent tenants:sync -- --dry-run --dir "$dir/my-tenants"
npm run --silent keys:rotate
echo "pruned install: migrate, tenants:sync and keys:rotate ran without devDependencies"
