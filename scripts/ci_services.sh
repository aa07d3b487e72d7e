#!/usr/bin/env bash
# Install and start what the review tests need, idempotently (quick when already there):
#   * Debian's `chromium` (the browser end-to-end test drives /usr/bin/chromium via Playwright)
#   * Debian's `postgresql`, started on loopback only, with a test role and database.
# Needs root (apt-get, pg_ctlcluster).  Exports nothing: it prints the PostgreSQL DSN as the last
# line of stdout, and writes it to FILE too with `--dsn-file FILE`.  Progress goes to stderr.
#
#   dsn=$(bash scripts/ci_services.sh) && export CLINLABEL_TEST_PG_URL="$dsn"
set -euo pipefail

DSN_FILE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --dsn-file) DSN_FILE="$2"; shift 2 ;;
    --dsn-file=*) DSN_FILE="${1#*=}"; shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "ci_services.sh: unknown argument $1 (use --dsn-file FILE)" >&2; exit 2 ;;
  esac
done

PG_USER="${CLINLABEL_PG_USER:-clinlabel}"
PG_PASS="${CLINLABEL_PG_PASSWORD:-clinlabel}"
PG_DB="${CLINLABEL_PG_DB:-clinlabel_test}"

log() { echo "ci_services: $*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
else
  SUDO=""
fi

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v pg_ctlcluster >/dev/null 2>&1 || missing+=(postgresql)
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing ${missing[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >&2
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
log "chromium: $(chromium --version 2>/dev/null || echo 'not runnable')"

# --- PostgreSQL: first cluster of the newest installed version, on loopback -------------------
PG_VERSION="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
if ! pg_lsclusters -h 2>/dev/null | awk '{print $1}' | grep -qx "$PG_VERSION"; then
  log "creating cluster $PG_VERSION/main"
  $SUDO pg_createcluster "$PG_VERSION" main >&2
fi
read -r CL_VER CL_NAME CL_PORT CL_STATUS _ < <(pg_lsclusters -h | awk -v v="$PG_VERSION" '$1==v' | head -n 1)
CONF_DIR="/etc/postgresql/$CL_VER/$CL_NAME"
if ! grep -Eq "^listen_addresses *= *'(localhost|127\.0\.0\.1)'" "$CONF_DIR/postgresql.conf"; then
  echo "listen_addresses = 'localhost'" | $SUDO tee -a "$CONF_DIR/postgresql.conf" >/dev/null
  [ "$CL_STATUS" = "online" ] && $SUDO pg_ctlcluster "$CL_VER" "$CL_NAME" restart >&2
fi
if [ "$CL_STATUS" != "online" ] || ! pg_lsclusters -h | awk -v v="$CL_VER" -v n="$CL_NAME" '$1==v && $2==n' | grep -q online; then
  log "starting cluster $CL_VER/$CL_NAME on port $CL_PORT"
  $SUDO pg_ctlcluster "$CL_VER" "$CL_NAME" start >&2
fi

if [ "$(id -u)" -eq 0 ]; then AS_PG=(runuser -u postgres --); else AS_PG=(sudo -u postgres); fi
psql_pg() { "${AS_PG[@]}" psql -p "$CL_PORT" -v ON_ERROR_STOP=1 -qtA "$@"; }
for _ in $(seq 1 30); do
  psql_pg -c 'select 1' >/dev/null 2>&1 && break
  sleep 0.5
done
if [ "$(psql_pg -c "select 1 from pg_roles where rolname='$PG_USER'")" != "1" ]; then
  log "creating role $PG_USER"
  psql_pg -c "create role $PG_USER login password '$PG_PASS' createdb" >/dev/null
fi
if [ "$(psql_pg -c "select 1 from pg_database where datname='$PG_DB'")" != "1" ]; then
  log "creating database $PG_DB"
  psql_pg -c "create database $PG_DB owner $PG_USER" >/dev/null
fi

DSN="postgresql+psycopg://$PG_USER:$PG_PASS@127.0.0.1:$CL_PORT/$PG_DB"
if [ -n "$DSN_FILE" ]; then
  printf '%s\n' "$DSN" > "$DSN_FILE"
fi
echo "$DSN"
