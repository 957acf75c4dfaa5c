#!/usr/bin/env bash
# Local stand-ins for the Node.js base images that deploy/docker/Dockerfile names, for a machine
# that cannot pull images but has Debian's mirror: Debian bookworm from debootstrap (minbase for
# node:20-bookworm-slim; with python3, make and g++ for node:20-bookworm, as the official image
# has them) and this machine's Node.js 20 with npm in /usr/local, where the official images keep
# them, with its headers and the machine's certificate authorities. Images already present (the
# real ones, or stand-ins made before) are left alone.
# usage: test/container/node-base-images.sh WORKDIR
set -euo pipefail
work="$1"
mkdir -p "$work"
node_bin="$(readlink -f "$(command -v node)")"
npm_dir="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

stand_in() {
  local tag="$1" include="$2" root="$work/$3"
  if podman image exists "$tag"; then return 0; fi
  rm -rf "$root"
  debootstrap --variant=minbase ${include:+--include="$include"} bookworm "$root" "$mirror" >"$root.log" 2>&1 || { tail -n 20 "$root.log" >&2; exit 1; }
  install -D -m 0755 "$node_bin" "$root/usr/local/bin/node"
  mkdir -p "$root/usr/local/lib/node_modules"
  cp -a "$npm_dir" "$root/usr/local/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
  # Node's headers, where the official images have them, for native modules (node-gyp would
  # otherwise download them); this machine's certificate authorities and npm's use of them,
  # so that npm reaches the registry the way this machine does.
  mkdir -p "$root/usr/local/include"
  cp -a /usr/include/node "$root/usr/local/include/node"
  mkdir -p "$root/etc/ssl/certs" "$root/usr/local/etc"
  cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
  printf 'cafile=/etc/ssl/certs/ca-certificates.crt\nnodedir=/usr/local\n' >"$root/usr/local/etc/npmrc"
  rm -rf "$root/var/cache/apt/archives"/*.deb "$root/var/lib/apt/lists"/*
  tar -C "$root" -c . | podman import --change 'CMD ["node"]' --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - "$tag" >/dev/null
  rm -rf "$root"
}

stand_in docker.io/library/node:20-bookworm-slim "" slim
stand_in docker.io/library/node:20-bookworm "python3,make,g++,ca-certificates" full
