#!/usr/bin/env bash
# The real golden sets built from Debian packages: fortunes (`modeval data build fortunes`, the
# multi-policy demo and its tests) and images (`modeval data build images`: clip art and
# wallpapers, the nsfwjs tests). Install the ones missing, so `npm test` works on a fresh machine.
# Runs as part of `pretest`.
set -euo pipefail
missing=()
for p in fortunes-es fortunes-es-off fortunes-it fortunes-it-off openclipart-png gnome-backgrounds mate-backgrounds; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "modeval: installing Debian ${missing[*]} for the real golden sets" >&2
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
