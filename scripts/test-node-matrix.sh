#!/usr/bin/env bash
# Runs lpack's CLI tests on the other Node versions lpack supports (22 and 24; `npm test` covers the Node you run).
# The Node binaries come from the npm registry (test/node-versions, Linux x64 only). Each run ends with the
# summary reporter's line `N passed, N failed, N skipped`. Run after `npm run build`.
set -uo pipefail
cd "$(dirname "$0")/.."

# The tests that run lpack's built CLI end to end, where a Node version shows: start-up and its compile cache,
# validate, build (esbuild, zips), transform, a deploy against the local AWS, and invoke: the Node.js bootstrap
# runs on the node that runs lpack (CommonJS, ES modules, callbacks, response streaming).
TESTS=(
  test/integration/invoke-runtimes.test.ts
  test/integration/invoke-cli.test.ts
  test/integration/cli-compile-cache.test.ts
  test/integration/validate-cli.test.ts
  test/integration/transform-cli.test.ts
  test/integration/build-core.test.ts
  test/integration/build-node.test.ts
  test/integration/build-cache.test.ts
  test/integration/deploy.test.ts
)

if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "node matrix: the Node binaries here are for Linux x64 only; skipped"
  exit 0
fi
if [ ! -x test/node-versions/node_modules/node22/bin/node ] || [ ! -x test/node-versions/node_modules/node24/bin/node ]; then
  (cd test/node-versions && npm ci --no-audit --no-fund) || { echo "node matrix: could not install Node 22/24"; echo "0 passed, 1 failed"; exit 1; }
fi

status=0
for version in 22 24; do
  bin="$PWD/test/node-versions/node_modules/node$version/bin"
  echo "== Node $("$bin/node" --version)"
  PATH="$bin:$PATH" npx vitest run "${TESTS[@]}" || status=1
done
exit $status
