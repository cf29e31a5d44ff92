#!/bin/sh
# The root filesystem every CaseGraph app image starts from (docker/Dockerfile, stage `rootfs`), built inside the
# Node base image and copied into an empty image: node, tini, the shared libraries they and the packages' native
# addons link against, a user, CA certificates, and nothing else. No shell, no package manager, no coreutils:
# the apps are started, probed and stopped without one (exec-form CMD and HEALTHCHECK, a node health check).
#
#   make-rootfs.sh <rootfs> <node_modules>...   # the node_modules folders whose *.node / *.so files will run
set -eu
R=$1
shift
mkdir -p "$R/usr/local/bin" "$R/usr/bin" "$R/etc/ssl/certs" "$R/app" "$R/tmp" "$R/data/storage"
cp /usr/local/bin/node "$R/usr/local/bin/node"
# tini's static build: PID 1, forwards SIGTERM to node and reaps zombies, links nothing.
cp /usr/bin/tini-static "$R/usr/bin/tini"

# Every shared library node and the native addons load (ldd lists the whole tree), and the dynamic loader,
# each at the path the binaries name.
{
  echo /usr/local/bin/node
  for dir in "$@"; do find "$dir" -type f \( -name '*.node' -o -name '*.so' -o -name '*.so.*' \); done
} | while read -r binary; do
  ldd "$binary" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'
done | sort -u | while read -r lib; do
  case "$lib" in "$R"/* | */node_modules/*) continue ;; esac
  mkdir -p "$R$(dirname "$lib")"
  cp -L "$lib" "$R$lib"
done

printf 'root:x:0:0:root:/root:/nonexistent\ncasegraph:x:1000:1000:casegraph:/app:/nonexistent\n' >"$R/etc/passwd"
printf 'root:x:0:\ncasegraph:x:1000:\n' >"$R/etc/group"
printf 'hosts: files dns\n' >"$R/etc/nsswitch.conf"
cp /etc/ssl/certs/ca-certificates.crt "$R/etc/ssl/certs/ca-certificates.crt"
chmod 1777 "$R/tmp"
chown 1000:1000 "$R/data/storage"
# node must start from the root file system's own libraries, not the build image's.
chroot "$R" /usr/local/bin/node -e 'require("node:crypto").randomUUID()' || { echo "node does not start inside $R" >&2; exit 1; }
echo "rootfs: $(du -sm "$R" | cut -f1) MB, $(find "$R" -type f | wc -l) files"
