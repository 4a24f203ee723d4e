#!/usr/bin/env bash
# Makes sure PostgreSQL and Redis run on 127.0.0.1 for Hromada: installs them
# from Debian's packages when missing, starts them when stopped, lets local
# TCP connections in without a password (development and CI machines only),
# and creates the database "hromada". Safe to run again and again.
set -euo pipefail

log() { echo "services: $*" >&2; }
die() { echo "services: ERROR: $*" >&2; exit 1; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || die "not root and no sudo: install and start PostgreSQL and Redis yourself"
  SUDO="sudo"
fi

apt_install() {
  log "installing $* from Debian's packages"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

pg_ok() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
pg_login() { psql -h 127.0.0.1 -U postgres -d postgres -Atqc 'select 1' >/dev/null 2>&1; }

# --- PostgreSQL ---
if ! command -v pg_ctlcluster >/dev/null || [ -z "$(ls /usr/lib/postgresql/*/bin/postgres 2>/dev/null)" ]; then
  apt_install postgresql postgresql-client
fi
if ! pg_ok; then
  ver=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n1)
  if [ -z "$ver" ]; then
    ver=$(ls /usr/lib/postgresql | sort -V | tail -n1)
    log "creating PostgreSQL $ver cluster"
    $SUDO pg_createcluster "$ver" main >/dev/null
  fi
  log "starting PostgreSQL $ver"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true
  for _ in $(seq 1 30); do pg_ok && break; sleep 1; done
  pg_ok || die "PostgreSQL did not start on 127.0.0.1:5432"
fi
if ! pg_login; then
  ver=$(ls /etc/postgresql | sort -V | tail -n1)
  hba=/etc/postgresql/$ver/main/pg_hba.conf
  [ -f "$hba" ] || die "cannot log in to PostgreSQL as postgres on 127.0.0.1 and $hba is missing"
  log "allowing passwordless local TCP logins in $hba (127.0.0.1 and ::1 only)"
  $SUDO sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$ver" main reload
  sleep 1
  pg_login || die "still cannot log in to PostgreSQL as postgres on 127.0.0.1"
fi
if [ "$(psql -h 127.0.0.1 -U postgres -d postgres -Atqc "select 1 from pg_database where datname='hromada'")" != "1" ]; then
  log "creating database hromada"
  psql -h 127.0.0.1 -U postgres -d postgres -qc 'create database hromada' >/dev/null
fi

# --- Redis ---
redis_ok() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }
if ! command -v redis-server >/dev/null; then
  apt_install redis-server
fi
if ! redis_ok; then
  log "starting Redis on 127.0.0.1:6379"
  $SUDO mkdir -p /var/lib/redis /var/log/redis
  $SUDO redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/hromada.log
  for _ in $(seq 1 30); do redis_ok && break; sleep 0.5; done
  redis_ok || die "Redis did not start on 127.0.0.1:6379"
fi
log "PostgreSQL and Redis are up on 127.0.0.1"
