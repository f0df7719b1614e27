#!/usr/bin/env bash
# The layering of docs/ARCHITECTURE.md, checked on the sources: which layer may include which.
#   domain/    includes domain/ only (no adapters/, app/, server/)
#   app/       includes domain/ and app/ only (no adapters/, server/)
#   adapters/  includes domain/ and adapters/ only (no app/, server/)
#   server/    may include everything (it wires the layers together)
# and no layer below server/ includes a path with "../" (the one way around the per-layer include roots the
# build compiles each layer with, cmake/PactwatchLayers.cmake).
# Usage: scripts/check_layers.sh [ROOT]   (ROOT defaults to the repository). Prints each include that
# crosses a layer the wrong way as "file:line: <layer> may not include <path>" and exits 1 if there is one.
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
status=0
check() {  # check LAYER FORBIDDEN-PREFIX...
  local layer=$1
  shift
  [[ -d "$root/$layer" ]] || return 0
  local pattern
  pattern="^[[:space:]]*#[[:space:]]*include[[:space:]]*[\"<]($(
    IFS='|'
    echo "$*"
  ))/"
  local hits
  hits=$(cd "$root" && grep -rnE --include='*.hpp' --include='*.cpp' --include='*.h' --include='*.in' \
    "$pattern" "$layer" || true)
  if [[ -n "$hits" ]]; then
    while IFS= read -r hit; do
      local where=${hit%%:#*} text=${hit#*:*:}
      local target
      target=$(sed -E 's/.*include[[:space:]]*["<]([^">]*)[">].*/\1/' <<<"$text")
      echo "$where: $layer/ may not include $target"
    done <<<"$hits"
    status=1
  fi
}
check domain adapters app server
check app adapters server
check adapters app server
for layer in domain app adapters; do
  [[ -d "$root/$layer" ]] || continue
  hits=$(cd "$root" && grep -rnE --include='*.hpp' --include='*.cpp' --include='*.h' --include='*.in' \
    '^[[:space:]]*#[[:space:]]*include[[:space:]]*["<][^">]*\.\./' "$layer" || true)
  if [[ -n "$hits" ]]; then
    while IFS= read -r hit; do
      echo "${hit%%:#*}: $layer/ may not include a relative path with ../"
    done <<<"$hits"
    status=1
  fi
done
if [[ $status -eq 0 ]]; then echo "check_layers: every include respects the layers"; fi
exit $status
