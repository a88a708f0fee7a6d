#!/usr/bin/env bash
# The report's hostile-text test opens the report in a real browser: Debian's chromium, driven by
# playwright-core (no bundled browser download). Install it when missing, so that `npm test` works
# on a fresh machine. Runs as `pretest`.
set -euo pipefail
[ -x /usr/bin/chromium ] && exit 0
echo "modeval: /usr/bin/chromium is missing; installing Debian's chromium for the browser test" >&2
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null
