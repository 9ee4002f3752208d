#!/usr/bin/env bash
# Runs a command against a private PostgreSQL 15 cluster (Debian's postgresql-15) on a free
# loopback port, with TEST_DATABASE_URL pointing at it; stops and removes the cluster after.
# Usage: bash scripts/with-postgres15.sh npm run test:int
set -euo pipefail
bin=${PG15_BIN:-/usr/lib/postgresql/15/bin}
if [ ! -x "$bin/initdb" ]; then
  echo "with-postgres15: $bin/initdb not found: apt-get install postgresql-15 (or set PG15_BIN)" >&2
  exit 2
fi
dir=$(mktemp -d /tmp/pension-pg15.XXXXXX)
chmod 755 "$dir"
as_pg=()
if [ "$(id -u)" = 0 ]; then
  id -u postgres >/dev/null 2>&1 || useradd --system --user-group --no-create-home --shell /usr/sbin/nologin postgres
  chown postgres: "$dir"
  as_pg=(runuser -u postgres --)
fi
port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
password=$(node -e 'console.log(require("crypto").randomBytes(12).toString("hex"))')
printf '%s\n' "$password" > "$dir/pw"
[ ${#as_pg[@]} -eq 0 ] || chown postgres: "$dir/pw"
cleanup() {
  "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
"${as_pg[@]}" "$bin/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pw" --auth=scram-sha-256 -E UTF8 --locale=C >/dev/null
"${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=200" start >/dev/null
echo "with-postgres15: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
set +e
TEST_DATABASE_URL="postgresql://postgres:$password@127.0.0.1:$port/postgres" "$@"
code=$?
set -e
exit $code
