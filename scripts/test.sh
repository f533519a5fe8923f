#!/usr/bin/env bash
# npm test: unit + integration (vitest), e2e (Playwright in Debian Chromium), and the zero-config smoke.
# Installs what it needs on a fresh machine of this kind (Debian, root): chromium, dcmtk, dicom3tools.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null || need+=(chromium)
command -v dcmdump >/dev/null || need+=(dcmtk)
command -v dciodvfy >/dev/null || need+=(dicom3tools)
if [ ${#need[@]} -gt 0 ]; then
  echo "[test] installing ${need[*]} (Debian packages)"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
[ -d node_modules ] || npm ci

# databases this script made, dropped when it ends (on the server of DATABASE_URL)
DROP_AT_EXIT=()
drop_databases() {
  for db in "${DROP_AT_EXIT[@]}"; do psql "${DATABASE_URL%/*}/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true; done
}
trap drop_databases EXIT

# The tests run against PostgreSQL, as CI does: DATABASE_URL when given, else a fresh database on the
# machine's PostgreSQL when one answers on 127.0.0.1:5432 (dropped afterwards), else embedded PGlite.
if [ -z "${DATABASE_URL:-}" ] && command -v pg_isready >/dev/null && pg_isready -h 127.0.0.1 -p 5432 -q \
  && psql -h 127.0.0.1 -U postgres -d postgres -qAtc 'select 1' >/dev/null 2>&1; then
  DB="segflow_test_$(date +%s)_$$"
  psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE $DB"
  DROP_AT_EXIT+=("$DB")
  export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
fi

echo "[test] typecheck"
npx tsc --noEmit

echo "[test] lint (Biome; import rules: dependency-cruiser)"
npm run --silent lint

echo "[test] build the CLI (one build, not one per test process)"
node bin/build-cli.mjs

echo "[test] vitest (DATABASE_URL=${DATABASE_URL:-embedded PGlite})"
npx vitest run

echo "[test] e2e (Playwright, Debian Chromium)"
rm -rf .data/e2e
# the e2e app gets a database of its own: the integration tests leave rows there (studies whose objects
# live in their own store, queued runs) that the app's executor would otherwise pick up
E2E_DATABASE_URL="${DATABASE_URL:-}"
if [ -n "${DATABASE_URL:-}" ]; then
  E2E_DB="$(basename "${DATABASE_URL%%\?*}")_e2e"
  psql "$DATABASE_URL" -qc "DROP DATABASE IF EXISTS $E2E_DB WITH (FORCE)" -c "CREATE DATABASE $E2E_DB"
  DROP_AT_EXIT+=("$E2E_DB")
  E2E_DATABASE_URL="${DATABASE_URL%/*}/$E2E_DB"
fi
DATABASE_URL="$E2E_DATABASE_URL" npx playwright test

echo "[test] zero-config smoke"
npx tsx scripts/smoke-zero-config.ts
