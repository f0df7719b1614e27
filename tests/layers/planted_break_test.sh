#!/usr/bin/env bash
# Verifies that scripts/check_layers.sh fails on a planted break of each forbidden direction (and names the
# file, line and include), and passes on the same tree once the break is removed.
set -euo pipefail
check=${1:?usage: planted_break_test.sh path/to/check_layers.sh}
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
mkdir -p "$tree/domain" "$tree/app" "$tree/adapters/store" "$tree/server"
printf '#pragma once\n#include "domain/model.hpp"\n#include <string>\n' >"$tree/domain/ok.hpp"
printf '#include "domain/ok.hpp"\n' >"$tree/app/ok.cpp"
printf '#include "domain/ok.hpp"\n#include "adapters/store/x.hpp"\n' >"$tree/adapters/store/ok.cpp"
printf '#include "app/ok.hpp"\n#include "adapters/store/x.hpp"\n' >"$tree/server/ok.cpp"
"$check" "$tree" >/dev/null || { echo "FAIL: a clean tree was refused"; exit 1; }

expect_refused() {  # FILE LINE-TEXT EXPECTED-MESSAGE
  local file=$1 text=$2 expected=$3 out
  printf '%s\n' "// planted" "$text" >"$tree/$file"
  if out=$("$check" "$tree"); then
    echo "FAIL: $file including a forbidden layer passed: $out"
    exit 1
  fi
  if ! grep -qF "$expected" <<<"$out"; then
    echo "FAIL: expected \"$expected\" in: $out"
    exit 1
  fi
  rm "$tree/$file"
}
expect_refused domain/bad.cpp '#include "server/config.hpp"' "domain/bad.cpp:2: domain/ may not include server/config.hpp"
expect_refused domain/bad.hpp '#  include <adapters/store/database.hpp>' "domain/bad.hpp:2: domain/ may not include adapters/store/database.hpp"
expect_refused domain/bad2.hpp '#include "app/facts.hpp"' "domain/ may not include app/facts.hpp"
expect_refused app/bad.cpp '#include "adapters/store/ledger_store.hpp"' "app/bad.cpp:2: app/ may not include adapters/store/ledger_store.hpp"
expect_refused app/bad.hpp '#include "server/http_message.hpp"' "app/ may not include server/http_message.hpp"
expect_refused adapters/store/bad.cpp '#include "server/api/api_support.hpp"' "adapters/store/bad.cpp:2: adapters/ may not include server/api/api_support.hpp"
expect_refused adapters/store/bad2.cpp '#include "app/detection.hpp"' "adapters/ may not include app/detection.hpp"
expect_refused adapters/store/bad3.cpp '#include "../../server/config.hpp"' "adapters/store/bad3.cpp:2: adapters/ may not include a relative path with ../"
expect_refused domain/bad3.cpp '#include "../domain/money.hpp"' "domain/bad3.cpp:2: domain/ may not include a relative path with ../"

"$check" "$tree" >/dev/null || { echo "FAIL: the tree with the breaks removed was refused"; exit 1; }
echo "planted_break_test: every planted break was refused"
