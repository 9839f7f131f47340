#!/usr/bin/env bash
# Install the pinned agent CLIs used by the real-client conformance tests (tests/clients).
#
#   scripts/ci/install-clients.sh          `npm ci` in tests/clients unless the pinned CLIs are
#                                          already installed from the current package-lock.json
#   scripts/ci/install-clients.sh --force  reinstall even if they look installed
#
# Pins live in tests/clients/package.json and package-lock.json:
#   @anthropic-ai/claude-code 2.1.332  -> tests/clients/node_modules/.bin/claude
#   @openai/codex 0.171.0              -> tests/clients/node_modules/.bin/codex
# About 720 MB under node_modules (two native binaries); cache that directory in CI.
#
# Idempotent: a stamp (sha256 of package-lock.json) is written after a successful install and
# both binaries are asked for their version; when both match, the script exits at once.
#
# Exit codes: 0 installed (or already installed); 1 cannot install (one line on stderr says
# why: npm or node missing, npm ci failed, a binary does not run); 2 usage error.
set -euo pipefail

readonly ROOT=$(cd "$(dirname "$0")/../.." && pwd)
readonly DIR=$ROOT/tests/clients
readonly STAMP=$DIR/node_modules/.taxiway-install-stamp
readonly CLAUDE_WANT="2.1.332"
readonly CODEX_WANT="0.171.0"

me=$(basename "$0")
log() { printf '[%s] %s\n' "$me" "$*"; }
die() { printf '%s: error: %s\n' "$me" "$*" >&2; exit 1; }

force=0
case "${1:-}" in
  "") ;;
  --force) force=1 ;;
  -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) printf '%s: usage: %s [--force]\n' "$me" "$me" >&2; exit 2 ;;
esac

lock_sum() { sha256sum "$DIR/package-lock.json" | cut -d' ' -f1; }

# The version a binary reports, or nothing when it does not run.
claude_version() { "$DIR/node_modules/.bin/claude" --version 2>/dev/null </dev/null | awk '{print $1; exit}'; }
codex_version() { "$DIR/node_modules/.bin/codex" --version 2>/dev/null </dev/null | awk '{print $2; exit}'; }

installed() {
  [[ -s $STAMP && $(<"$STAMP") == "$(lock_sum)" ]] || return 1
  [[ $(claude_version) == "$CLAUDE_WANT" ]] || return 1
  [[ $(codex_version) == "$CODEX_WANT" ]] || return 1
}

[[ -f $DIR/package.json && -f $DIR/package-lock.json ]] || die "$DIR/package.json or package-lock.json is missing"

if (( ! force )) && installed; then
  log "claude $CLAUDE_WANT and codex $CODEX_WANT already installed in ${DIR#"$ROOT"/}/node_modules"
  exit 0
fi

command -v node >/dev/null 2>&1 || die "node is not on PATH; install Node.js 20 or newer (Debian: apt-get install nodejs npm)"
command -v npm >/dev/null 2>&1 || die "npm is not on PATH; install it (Debian: apt-get install npm) and run $me again"

log "npm ci in ${DIR#"$ROOT"/} (node $(node --version), npm $(npm --version))"
rm -f "$STAMP"
# --foreground-scripts shows the claude-code postinstall; --no-audit/--no-fund keep it offline-friendly.
(cd "$DIR" && npm ci --no-audit --no-fund --foreground-scripts) || die "npm ci failed in $DIR (see npm's output above)"

# claude-code's postinstall links its native binary over bin/claude.exe. Where install scripts
# did not run (--ignore-scripts, or an npm that enforces allowScripts), that file is a stub
# printing "claude native binary not installed": run the postinstall by hand.
if [[ $(claude_version) != "$CLAUDE_WANT" ]]; then
  log "claude does not run yet; running the claude-code postinstall (install.cjs) by hand"
  (cd "$DIR/node_modules/@anthropic-ai/claude-code" && node install.cjs) || die "claude-code install.cjs failed"
fi

got_claude=$(claude_version)
got_codex=$(codex_version)
[[ $got_claude == "$CLAUDE_WANT" ]] || die "node_modules/.bin/claude reports '${got_claude:-nothing}', want $CLAUDE_WANT"
[[ $got_codex == "$CODEX_WANT" ]] || die "node_modules/.bin/codex reports '${got_codex:-nothing}', want $CODEX_WANT"

lock_sum >"$STAMP"
log "installed claude $got_claude and codex $got_codex in ${DIR#"$ROOT"/}/node_modules"
