#!/usr/bin/env bash
# Make sure PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) answer: start them when they are installed but
# stopped, otherwise say exactly what to install. Exits non-zero when either stays unreachable.
set -u

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() {  # port, seconds
  for _ in $(seq 1 "$2"); do listening "$1" && return 0; sleep 1; done
  return 1
}

if ! listening 5432; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    echo "PostgreSQL is stopped: starting it"
    for version in /etc/postgresql/*; do
      pg_ctlcluster --skip-systemctl-redirect "$(basename "$version")" main start || true
    done
  else
    echo "PostgreSQL is not installed. Install it (Debian/Ubuntu: apt-get install -y postgresql) with trust" \
         "auth for user postgres on 127.0.0.1:5432, or set OPENCLAW_DATABASE_URL to a server you have." >&2
    exit 1
  fi
  wait_for 5432 30 || { echo "PostgreSQL did not come up on 127.0.0.1:5432" >&2; exit 1; }
fi

if ! listening 6379; then
  if command -v redis-server >/dev/null 2>&1; then
    echo "Redis is stopped: starting it"
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log
  else
    echo "Redis is not installed. Install it (Debian/Ubuntu: apt-get install -y redis-server)," \
         "or set OPENCLAW_REDIS_URL to a server you have." >&2
    exit 1
  fi
  wait_for 6379 15 || { echo "Redis did not come up on 127.0.0.1:6379" >&2; exit 1; }
fi
echo "PostgreSQL and Redis are reachable"
