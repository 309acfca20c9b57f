#!/usr/bin/env bash
# Builds the Shakedown image and runs the compose stack for real, from nothing, with Debian's podman:
# base images assembled locally (no registry is needed), PostgreSQL + API + two workers + the
# simulated lab, the demo campaign through the containers to the end, a SIGTERM to a busy worker,
# then everything torn down. .ci/run calls it; it also runs by hand on any Debian bookworm machine
# as root (`bash docker/test.sh`). Each step prints its time; the last line says passed or failed.
#
# Environment (all optional):
#   SHAKEDOWN_CONTAINER_WORK  work folder for podman's storage and the stack (default: a new temp dir)
#   SHAKEDOWN_TEST_API_PORT   loopback port the API is published on (default 38080)
#   SHAKEDOWN_CONTAINER_REUSE=1  keep the base images in the work folder between runs (for iterating on
#                             the image or the stack by hand; CI always starts from nothing)
#   NPM_CA_FILE               CA bundle npm must trust inside the build (default: npm's own cafile,
#                             then the system bundle); passed as a build secret, never baked in
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
work=${SHAKEDOWN_CONTAINER_WORK:-$(mktemp -d /tmp/shakedown-containers.XXXXXX)}
reuse=${SHAKEDOWN_CONTAINER_REUSE:-0}
api_port=${SHAKEDOWN_TEST_API_PORT:-38080}
project=shakedown-test
lab=$project-lab
started=$(date +%s)
step_started=$started

say() { printf '[docker/test %4ss] %s\n' "$(($(date +%s) - started))" "$*"; }
step() {
  local now
  now=$(date +%s)
  say "$* (previous step took $((now - step_started)) s)"
  step_started=$now
}
fail() {
  say "FAILED: $*"
  exit 1
}

for tool in podman podman-compose debootstrap runc curl; do
  command -v "$tool" >/dev/null || fail "$tool is missing (apt-get install podman podman-compose debootstrap runc netavark aardvark-dns curl)"
done
[ "$(id -u)" = 0 ] || fail "run as root: debootstrap and rootful podman need it"

# ---- podman confined to the work folder: its own storage, runtime settings and network backend ----
mkdir -p "$work"/{storage,run,tmp,stack/ssh,stack/inventory}
export CONTAINERS_STORAGE_CONF="$work/storage.conf" CONTAINERS_CONF="$work/containers.conf" TMPDIR="$work/tmp"
cat >"$CONTAINERS_STORAGE_CONF" <<EOF
[storage]
driver = "overlay"
graphroot = "$work/storage"
runroot = "$work/run"
EOF
# Sandboxes without CAP_SYS_RESOURCE refuse podman's default rlimits (a higher nofile than the
# caller's own, nproc 32768 over it): ask for exactly what this process already has.
nofile=$(ulimit -Hn)
nproc=$(ulimit -Hu)
[ "$nproc" = unlimited ] || [ "$nproc" -le 32768 ] || nproc=32768
[ "$nofile" != unlimited ] || nofile=1048576
cat >"$CONTAINERS_CONF" <<EOF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
[network]
network_backend = "netavark"
EOF

podman_compose() {
  (cd "$work/stack" && podman-compose --no-ansi -p "$project" -f compose.yaml -f compose.simlab.yaml "$@")
}

cleanup() {
  local code=$?
  trap - EXIT
  set +e
  if [ "$code" != 0 ]; then
    say "logs of the stack's containers (last lines each):"
    for c in $(podman ps -a --format '{{.Names}}' 2>/dev/null); do
      echo "---- $c"
      podman logs --tail 25 "$c" 2>&1
    done
  fi
  step "tearing down"
  podman_compose down -v >/dev/null 2>&1
  podman rm -af -t 5 >/dev/null 2>&1
  podman volume prune -f >/dev/null 2>&1
  podman network prune -f >/dev/null 2>&1
  left=$(podman ps -aq | wc -l)/$(podman volume ls -q | wc -l)/$(podman network ls -q --filter name="$project" | wc -l)
  if [ "$reuse" != 1 ]; then
    podman system reset --force >/dev/null 2>&1
    umount "$work/storage/overlay" 2>/dev/null
    rm -rf "$work"
  fi
  say "left behind: containers/volumes/networks = $left"
  if [ "$code" = 0 ] && [ "$left" != 0/0/0 ]; then code=1; fi
  say "$([ "$code" = 0 ] && echo passed || echo failed) in $(($(date +%s) - started)) s"
  exit "$code"
}
trap cleanup EXIT

have_image() { [ "$reuse" = 1 ] && podman image exists "$1"; }

# ---- base images, assembled locally ----
if ! have_image localhost/shakedown-local/node:20-bookworm-slim; then
  step "debootstrap a minimal Debian bookworm"
  mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=$(awk '/^deb / { print $2; exit }' /etc/apt/sources.list)
  debootstrap --variant=minbase bookworm "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log"; fail "debootstrap"; }
  tar -C "$work/rootfs" -c . | podman import -q - localhost/shakedown-local/debian:bookworm-minbase >/dev/null

  step "node image: that Debian plus this machine's Node $(node --version) and npm $(npm --version)"
  node_bin=$(command -v node)
  npm_dir=$(cd "$(dirname "$(readlink -f "$(command -v npm)")")/.." && pwd)
  install -D "$node_bin" "$work/rootfs/usr/local/bin/node"
  mkdir -p "$work/rootfs/usr/local/lib/node_modules"
  cp -a "$npm_dir" "$work/rootfs/usr/local/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$work/rootfs/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$work/rootfs/usr/local/bin/npx"
  tar -C "$work/rootfs" -c . | podman import -q --change 'CMD ["node"]' - localhost/shakedown-local/node:20-bookworm-slim >/dev/null
  rm -rf "$work/rootfs"
fi

if ! have_image localhost/shakedown-local/postgres:bookworm; then
  step "postgres image from Debian's postgresql"
  # Builds use the host's network: a sandboxed machine may let its own processes reach the package
  # registries but route nothing from a container's NAT (the running stack needs no outside access).
  podman build -q --network host -f "$repo/docker/local-bases/postgres.Containerfile" -t localhost/shakedown-local/postgres:bookworm \
    "$repo/docker/local-bases" >/dev/null
fi

# ---- the project image ----
step "shakedown image (docker/Dockerfile)"
ca_file=${NPM_CA_FILE:-$(npm config get cafile 2>/dev/null || true)}
[ -f "$ca_file" ] || ca_file=/etc/ssl/certs/ca-certificates.crt
podman build -q --format docker --network host -f "$repo/docker/Dockerfile" --ignorefile "$repo/docker/Dockerfile.dockerignore" \
  --build-arg NODE_IMAGE=localhost/shakedown-local/node:20-bookworm-slim \
  --secret id=npm_ca,src="$ca_file" \
  -t localhost/shakedown:test "$repo" >/dev/null
size=$(podman image inspect localhost/shakedown:test --format '{{.Size}}')
say "image localhost/shakedown:test: $((size / 1024 / 1024)) MiB"
podman run --rm localhost/shakedown:test --version >/dev/null || fail "shakedown --version in the image"
[ "$(podman run --rm --entrypoint id localhost/shakedown:test -u)" = 10001 ] || fail "the image must run as uid 10001"
if podman run --rm --entrypoint sh localhost/shakedown:test -c 'grep -rqs "BEGIN CERTIFICATE" /run/secrets /app/.npmrc /root/.npmrc'; then
  fail "the build's CA bundle was baked into the image"
fi

# ---- the stack ----
step "compose up: PostgreSQL, API, two workers, simulated lab"
cp "$repo/docker/compose.yaml" "$repo/docker/compose.simlab.yaml" "$work/stack/"
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
password=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
admin_token=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
printf 'SHAKEDOWN_ADMIN_TOKEN=%s\n' "$admin_token" >"$work/stack/shakedown.env"
cat >"$work/stack/.env" <<EOF
POSTGRES_PASSWORD=$password
POSTGRES_IMAGE=localhost/shakedown-local/postgres:bookworm
SHAKEDOWN_IMAGE=localhost/shakedown:test
SHAKEDOWN_WORKERS=2
SHAKEDOWN_WORKER_CONCURRENCY=4
SHAKEDOWN_BIND_ADDRESS=127.0.0.1
SHAKEDOWN_PORT=$api_port
SHAKEDOWN_PUBLIC_URL=http://127.0.0.1:$api_port
SHAKEDOWN_DB_PORT=$(free_port)
SHAKEDOWN_SSH_DIR=./ssh
SHAKEDOWN_INVENTORY_DIR=./inventory
SHAKEDOWN_LAB_CONTAINER=$lab
EOF
podman_compose up -d --no-build db api lab >"$work/compose-up.log" 2>&1 || { cat "$work/compose-up.log"; fail "compose up"; }

# The workers join the lab's network namespace (compose.simlab.yaml: network_mode container:...).
# Debian bookworm's podman-compose (1.0.3) adds the project network to every container it starts,
# which podman refuses together with a network_mode, so the two workers are started as the compose
# file describes them, with podman itself. Docker Compose and podman-compose 1.1+ start them as is.
in_lab() {
  podman run --env-file "$work/stack/shakedown.env" \
    -e DATABASE_URL="postgres://shakedown:$password@db:5432/shakedown" \
    -e SHAKEDOWN_DATA_DIR=/var/lib/shakedown -e SHAKEDOWN_DATABASE_WAIT_SECONDS=120 -e LOG_LEVEL=info -e SHAKEDOWN_WORKER_CONCURRENCY=4 \
    -v "${project}_shakedown-data:/var/lib/shakedown" \
    -v "$work/stack/ssh:/etc/shakedown/ssh:ro" -v "$work/stack/inventory:/etc/shakedown/inventory:ro" \
    --network "container:$lab" "$@"
}
for i in 1 2; do
  in_lab -d --name "${project}_worker_$i" --stop-signal SIGTERM localhost/shakedown:test worker --name "${project}_worker_$i" >/dev/null ||
    fail "worker $i did not start"
done

# Every published port must be on loopback.
if podman ps --format '{{.Ports}}' | grep -Eo '[0-9.]+:[0-9]+->' | grep -v '^127\.0\.0\.1:'; then
  fail "a port is published beyond loopback"
fi

api=http://127.0.0.1:$api_port
health() { curl -s -o /dev/null -w '%{http_code}' "$api/api/v1/health" || true; }
for _ in $(seq 1 120); do
  [ "$(health)" = 200 ] && break
  sleep 1
done
[ "$(health)" = 200 ] || fail "the API never answered 200 on /api/v1/health"
say "health: 200 $(curl -s "$api/api/v1/health")"

podman container exists "$lab" || fail "no lab container"
workers=$(podman ps --format '{{.Names}}' | grep -cE "^${project}[_-]worker[_-][0-9]+$" || true)
[ "$workers" = 2 ] || fail "expected 2 worker containers, found $workers"

step "simulated lab's inventory into the database"
for _ in $(seq 1 120); do
  podman logs "$lab" 2>/dev/null | grep -m1 '^{"name"' >"$work/stack/inventory/sim.json" && break
  sleep 1
done
[ -s "$work/stack/inventory/sim.json" ] || fail "the lab never printed its inventory"
lab_name=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).name)' "$work/stack/inventory/sim.json")

# One-off CLI containers: the same image and environment as a worker, in the lab's network namespace
# (so that `run start` can check the simulated hosts).
cli() { in_lab --rm localhost/shakedown:test "$@"; }
cli lab import /etc/shakedown/inventory/sim.json >"$work/import.log" 2>&1 || { cat "$work/import.log"; fail "lab import"; }

# "total done failed running" for run $1, counted from the API (failed: failed, infra-error, cancelled).
count_cases() {
  curl -sf -H "Authorization: Bearer $admin_token" "$api/api/v1/runs/$1/cases" | node -e '
    const cases = JSON.parse(require("fs").readFileSync(0, "utf8"));
    const n = (f) => cases.filter(f).length;
    const bad = ["failed", "infra-error", "cancelled"];
    console.log(cases.length, n((c) => c.status === "done"), n((c) => bad.includes(c.outcome)), n((c) => c.status === "running"));' ||
    echo "0 0 0 0"
}

step "demo campaign through the containers"
cli run start campaigns/demo.yaml --lab "$lab_name" --wait >"$work/run1.log" 2>&1 || { tail -30 "$work/run1.log"; fail "run 1"; }
read -r total finished failed running < <(count_cases 1)
say "run 1: $total cases, $finished finished, $failed failed or errored (counted from the API)"
[ "$total" -gt 0 ] && [ "$finished" = "$total" ] && [ "$failed" = 0 ] || fail "run 1 did not end clean"

step "SIGTERM to a busy worker loses nothing"
cli run start campaigns/demo.yaml --lab "$lab_name" >"$work/run2.log" 2>&1 || { cat "$work/run2.log"; fail "run 2 start"; }
# The worker running a case of run 2, as the database records it (workers are named after their container).
busy_worker() {
  podman exec "${project}_db_1" psql -U shakedown -d shakedown -tA -c \
    "SELECT c.worker FROM cases c JOIN runs r ON r.id = c.run_id WHERE r.number = 2 AND c.status = 'running' LIMIT 1"
}
victim=""
for _ in $(seq 1 240); do
  victim=$(busy_worker 2>/dev/null || true)
  [ -n "$victim" ] && break
  sleep 0.5
done
[ -n "$victim" ] || fail "no worker ever ran a case of run 2"
podman kill --signal TERM "$victim" >/dev/null
say "sent SIGTERM to $victim while it ran a case"
for _ in $(seq 1 600); do
  read -r total finished failed running < <(count_cases 2)
  [ "$total" -gt 0 ] && [ "$finished" = "$total" ] && break
  sleep 1
done
say "run 2: $total cases, $finished finished, $failed failed or errored; $victim exited with $(podman inspect "$victim" --format '{{.State.ExitCode}}')"
[ "$total" -gt 0 ] && [ "$finished" = "$total" ] && [ "$failed" = 0 ] || fail "run 2 lost or failed cases after the SIGTERM"
