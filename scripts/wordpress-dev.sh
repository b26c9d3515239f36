#!/usr/bin/env bash
# shellcheck disable=SC2016  # PHP code is single-quoted on purpose: PHP expands it, not bash
# A private, throwaway WordPress for development and tests: Debian's `wordpress` package served by
# PHP's built-in web server on a free loopback port, backed by its own MariaDB database and user.
#
#   scripts/wordpress-dev.sh run   [options]  start, print the site, serve until Ctrl-C, clean up
#   scripts/wordpress-dev.sh start [options]  start in the background; the last line on stdout is
#       MCPHUB_WORDPRESS {"base_url": ..., "rest_url": ..., "user": ..., "app_password": ..., ...}
#   scripts/wordpress-dev.sh stop DIR         stop the instance in DIR: its PHP server, its database
#                                             and database user, and DIR itself
#   scripts/wordpress-dev.sh check            exit 0 if an instance can start here; else print why
#                                             (one line) and exit 1
#   scripts/wordpress-dev.sh install          install the Debian packages if missing and start
#                                             MariaDB if it is down (as root; what .ci/install-wordpress runs)
#
# Options for run/start:
#   --port N               port on 127.0.0.1 (default: a free one)
#   --name SUFFIX          database and database user mcphub_wp_SUFFIX ([a-z0-9], default: random)
#   --dir DIR              instance directory, must not exist (default: a new temporary directory)
#   --no-install           never install packages or start MariaDB: fail instead (the tests use this)
#   --watch-pid PID        once process PID exits, stop and clean up by itself (the tests pass theirs)
#   --strip-authorization  drop the Authorization header before WordPress sees it, as Apache with
#                          CGI/FastCGI or some proxies do (application passwords then fail)
#
# Layout. Debian's /usr/share/wordpress/wp-config.php reads /etc/wordpress/config-<host>.php keyed
# by the request's Host, so every loopback instance would share one file in /etc. Instead, each
# instance is a directory of its own: DIR/www holds symlinks to every entry of the WordPress tree,
# its own wp-config.php and its own wp-content (themes and plugins symlinked, uploads private,
# tests/support/wordpress/mu-plugin.php as a must-use plugin that logs mail instead of sending it).
# tests/support/wordpress/router.php pins ABSPATH to DIR/www (PHP resolves symlinks in __FILE__).
# Nothing outside DIR and the instance's database and user is written, so instances coexist.
# The site: WP_ENVIRONMENT_TYPE "local" (WordPress offers application passwords only over HTTPS
# or on a local site), plain permalinks (REST API at /?rest_route=/), no cron, no outbound HTTP,
# no posts, pages or comments.
#
# Environment: MCPHUB_WP_DB_HOST (127.0.0.1), MCPHUB_WP_DB_PORT (3306), MCPHUB_WP_DB_ADMIN_USER
# (root), MCPHUB_WP_DB_ADMIN_PASSWORD (empty), MCPHUB_WP_CORE (/usr/share/wordpress),
# MCPHUB_WP_WORKERS (PHP server worker processes, 4).
# Databases and users named mcphub_wp_* belong to this script: never use that prefix elsewhere.
set -euo pipefail

SELF="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
REPO="$(dirname "$(dirname "$SELF")")"
PHP_HELPERS="$REPO/tests/support/wordpress"
CORE="${MCPHUB_WP_CORE:-/usr/share/wordpress}"
DB_HOST="${MCPHUB_WP_DB_HOST:-127.0.0.1}"
DB_PORT="${MCPHUB_WP_DB_PORT:-3306}"
DB_ADMIN_USER="${MCPHUB_WP_DB_ADMIN_USER:-root}"
DB_ADMIN_PASSWORD="${MCPHUB_WP_DB_ADMIN_PASSWORD:-}"
WORKERS="${MCPHUB_WP_WORKERS:-4}"
PACKAGES=(wordpress wordpress-theme-twentytwentythree php-cli php-mysql php-xml mariadb-server mariadb-client)
ADMIN_USER="admin"
# Internal state (never taken from the environment).
KEEP_DATABASE=0  # stop: leave the database and its user alone (a failed start did not create them)
IN_WATCHDOG=0    # stop: run by the watchdog itself, which must not kill itself
STARTING_DIR=""  # start: the directory to clean up should start fail

say() { printf 'wordpress-dev: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

db_client() { command -v mariadb || command -v mysql || true; }

db_is_local() { case "$DB_HOST" in 127.0.0.1 | localhost | ::1) return 0 ;; *) return 1 ;; esac; }

# How the administrator connects: over TCP as MCPHUB_WP_DB_ADMIN_USER, or else (local server, no
# admin password, run as root) over the default socket as root, if that server listens on
# DB_PORT: a fresh Debian MariaDB lets root in only that way (unix_socket authentication).
ADMIN_CONNECTION=()
tcp_connection() { ADMIN_CONNECTION=(--protocol=TCP -h "$DB_HOST" -P "$DB_PORT" -u "$DB_ADMIN_USER"); }

run_sql() {
  local client
  client="$(db_client)"
  [ -n "$client" ] || die "no MariaDB/MySQL client (mariadb or mysql) on PATH"
  env ${DB_ADMIN_PASSWORD:+MYSQL_PWD="$DB_ADMIN_PASSWORD"} "$client" "${ADMIN_CONNECTION[@]}" \
    --connect-timeout=3 --batch --skip-column-names -e "$1"
}

choose_admin_connection() {
  [ "${#ADMIN_CONNECTION[@]}" -gt 0 ] && return 0
  tcp_connection
  run_sql "SELECT 1" >/dev/null 2>&1 && return 0
  if db_is_local && [ "$DB_ADMIN_USER" = root ] && [ -z "$DB_ADMIN_PASSWORD" ] \
    && [ "$(id -u)" -eq 0 ]; then
    ADMIN_CONNECTION=(--protocol=SOCKET -u root)
    # Only if the socket's server is the one WordPress will reach over TCP.
    [ "$(run_sql "SELECT @@port, @@skip_networking" 2>/dev/null)" = "$DB_PORT"$'\t'0 ] && return 0
  fi
  ADMIN_CONNECTION=()
  return 1
}

# Run SQL as the database administrator.
admin_sql() {
  choose_admin_connection || tcp_connection
  run_sql "$1"
}

db_reachable() { choose_admin_connection; }

# Why an instance cannot start here (empty when it can).
missing_reason() {
  command -v php >/dev/null || { echo "php not found (apt-get install php-cli)"; return; }
  php -r 'exit(extension_loaded("mysqli") ? 0 : 1);' \
    || { echo "PHP has no mysqli extension (apt-get install php-mysql)"; return; }
  [ -f "$CORE/wp-load.php" ] \
    || { echo "no WordPress at $CORE (apt-get install wordpress)"; return; }
  [ -n "$(db_client)" ] || { echo "no mariadb/mysql client (apt-get install mariadb-client)"; return; }
  local error
  if ! choose_admin_connection && ! error="$(admin_sql "SELECT 1" 2>&1 >/dev/null)"; then
    echo "MariaDB at $DB_HOST:$DB_PORT (as $DB_ADMIN_USER): $(printf '%s' "$error" | head -n 1)"
    return
  fi
}

missing_packages() {
  local pkg
  for pkg in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q '^install ok installed$' \
      || printf '%s\n' "$pkg"
  done
}

install_packages() {
  command -v dpkg-query >/dev/null || die "not a Debian system: install PHP (with mysqli), WordPress and MariaDB yourself"
  local missing
  mapfile -t missing < <(missing_packages)
  [ "${#missing[@]}" -eq 0 ] && return
  [ "$(id -u)" -eq 0 ] || die "missing packages; run as root: apt-get install --no-install-recommends ${missing[*]}"
  say "installing ${missing[*]}"
  # The packages pull in Apache (and MariaDB's postinst starts the server): keep apt from starting
  # services unless the machine already has a policy of its own.
  local policy=/usr/sbin/policy-rc.d own_policy=0
  if [ ! -e "$policy" ]; then
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && own_policy=1
  fi
  local status=0
  {
    apt-get update -qq \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
  } || status=$?
  if [ "$own_policy" -eq 1 ]; then
    rm -f "$policy"
    trap - EXIT
  fi
  [ "$status" -eq 0 ] || die "apt-get install ${missing[*]} failed"
}

start_database() {
  db_reachable && return
  db_is_local || die "MariaDB at $DB_HOST:$DB_PORT is unreachable"
  [ -x /usr/sbin/mariadbd ] || die "MariaDB is down and /usr/sbin/mariadbd is missing"
  [ "$(id -u)" -eq 0 ] || die "MariaDB is down; start it (as root) or set MCPHUB_WP_DB_HOST/PORT"
  say "starting MariaDB"
  install -d -o mysql -g mysql -m 755 /run/mysqld
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  local _
  for _ in $(seq 1 60); do db_reachable && return; sleep 0.5; done
  die "MariaDB did not answer on $DB_HOST:$DB_PORT within 30 s"
}

cmd_install() {
  install_packages
  start_database
}

cmd_check() {
  local reason
  reason="$(missing_reason)"
  [ -z "$reason" ] && return 0
  printf '%s\n' "$reason"
  return 1
}

random_hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }

free_port() {
  php -r '$s = stream_socket_server("tcp://127.0.0.1:0"); $n = stream_socket_get_name($s, false);
          echo substr($n, strrpos($n, ":") + 1);'
}

# Read KEY from DIR/instance.env.
instance_value() { sed -n "s/^$2=//p" "$1/instance.env" | tail -n 1; }

# True when PID runs (a zombie does not count: this machine's init may reap slowly).
proc_alive() {
  local state
  state="$(sed -E 's/^[0-9]+ \(.*\) (.).*/\1/' "/proc/$1/stat" 2>/dev/null)" || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

# True when PID is alive and its command line mentions TEXT (guards against a reused pid).
pid_matches() {
  local pid="$1" text="$2"
  [[ "$pid" =~ ^[0-9]+$ ]] && [ -r "/proc/$pid/cmdline" ] \
    && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$text"
}

write_config() {
  local www="$1" db="$2" db_password="$3" port="$4" keys="" name
  for name in AUTH_KEY SECURE_AUTH_KEY LOGGED_IN_KEY NONCE_KEY AUTH_SALT SECURE_AUTH_SALT \
    LOGGED_IN_SALT NONCE_SALT; do
    keys+="define('$name', '$(random_hex 32)');"$'\n'
  done
  cat >"$www/wp-config.php" <<PHP
<?php
// Written by scripts/wordpress-dev.sh for this throwaway instance; deleted with it.
define('DB_NAME', '$db');
define('DB_USER', '$db');
define('DB_PASSWORD', '$db_password');
define('DB_HOST', '$DB_HOST:$DB_PORT');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
$keys\$table_prefix = 'wp_';
define('WP_HOME', 'http://127.0.0.1:$port');
define('WP_SITEURL', 'http://127.0.0.1:$port');
define('WP_CONTENT_DIR', __DIR__ . '/wp-content');
define('WP_CONTENT_URL', 'http://127.0.0.1:$port/wp-content');
define('WP_ENVIRONMENT_TYPE', 'local');
define('WP_DEBUG', false);
define('DISABLE_WP_CRON', true);
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_AUTO_UPDATE_CORE', false);
if (!defined('ABSPATH')) {
    define('ABSPATH', __DIR__ . '/');
}
require_once ABSPATH . 'wp-settings.php';
PHP
}

build_tree() {
  local www="$1" entry
  mkdir -p "$www/wp-content/uploads"
  for entry in "$CORE"/*; do
    case "$(basename "$entry")" in wp-config.php | wp-content) continue ;; esac
    ln -s "$entry" "$www/"
  done
  for entry in "$CORE"/wp-content/*; do
    case "$(basename "$entry")" in uploads) continue ;; esac
    ln -s "$entry" "$www/wp-content/"
  done
  mkdir -p "$www/wp-content/mu-plugins"
  ln -s "$PHP_HELPERS/mu-plugin.php" "$www/wp-content/mu-plugins/mcphub-dev.php"
}

# Start the PHP server; print its pid. It leads its own process group (setsid), so stop can end
# it together with its workers.
start_server() {
  local dir="$1" port="$2" strip="$3"
  (
    cd "$dir/www"
    MCPHUB_WP_STRIP_AUTHORIZATION="$strip" PHP_CLI_SERVER_WORKERS="$WORKERS" exec setsid php \
      -d display_errors=0 -d log_errors=1 -d error_log="$dir/php-errors.log" \
      -S "127.0.0.1:$port" -t "$dir/www" "$PHP_HELPERS/router.php"
  ) </dev/null >>"$dir/server.log" 2>&1 &
  echo "$!"
}

# Wait until this instance's REST index answers (its site title names the instance: another
# server already on the port must not pass for it); fail early if the PHP server died.
wait_ready() {
  local pid="$1" port="$2" title="$3" _
  for _ in $(seq 1 100); do
    proc_alive "$pid" || return 1
    if php -r '$c = stream_context_create(["http" => ["timeout" => 2, "ignore_errors" => true]]);
               $index = json_decode((string) @file_get_contents($argv[1], false, $c), true);
               exit(($index["name"] ?? null) === $argv[2] ? 0 : 1);' \
      "http://127.0.0.1:$port/?rest_route=/" "$title" 2>/dev/null && proc_alive "$pid"; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}

cmd_start() {
  local port="" name="" dir="" no_install=0 watch_pid="" strip=0
  while [ $# -gt 0 ]; do
    case "$1" in
      --port) port="${2:?--port needs a value}"; shift 2 ;;
      --name) name="${2:?--name needs a value}"; shift 2 ;;
      --dir) dir="${2:?--dir needs a value}"; shift 2 ;;
      --no-install) no_install=1; shift ;;
      --watch-pid) watch_pid="${2:?--watch-pid needs a value}"; shift 2 ;;
      --strip-authorization) strip=1; shift ;;
      *) die "unknown option: $1 (see the top of $SELF)" ;;
    esac
  done
  [ -z "$port" ] || [[ "$port" =~ ^[0-9]+$ ]] || die "--port must be a number"
  [ -z "$watch_pid" ] || [[ "$watch_pid" =~ ^[0-9]+$ ]] || die "--watch-pid must be a number"
  name="${name:-$(random_hex 6)}"
  [[ "$name" =~ ^[a-z0-9]{1,16}$ ]] || die "--name must be 1-16 characters a-z 0-9"

  if [ "$no_install" -eq 0 ]; then cmd_install; fi
  local reason
  reason="$(missing_reason)"
  [ -z "$reason" ] || die "$reason"

  local db="mcphub_wp_$name" db_password password
  db_password="$(random_hex 16)"
  password="$(random_hex 12)"
  if [ -n "$dir" ]; then
    [ ! -e "$dir" ] || die "$dir already exists"
    mkdir -p "$dir"
  else
    dir="$(mktemp -d "${TMPDIR:-/tmp}/mcphub-wp-$name.XXXXXX")"
  fi
  dir="$(cd "$dir" && pwd)"
  printf 'DB_NAME=%s\n' "$db" >"$dir/instance.env"
  # From here on, a failure removes whatever was made (the database only if this run created it).
  STARTING_DIR="$dir"
  trap 'status=$?; if [ -n "$STARTING_DIR" ]; then say "start failed; cleaning up $STARTING_DIR"; cmd_stop "$STARTING_DIR" || true; fi; exit $status' EXIT
  KEEP_DATABASE=1
  admin_sql "CREATE DATABASE \`$db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" \
    || die "cannot create database $db (does it exist already?)"
  KEEP_DATABASE=0
  admin_sql "CREATE USER IF NOT EXISTS '$db'@'localhost' IDENTIFIED BY '$db_password';
    CREATE USER IF NOT EXISTS '$db'@'127.0.0.1' IDENTIFIED BY '$db_password';
    ALTER USER '$db'@'localhost' IDENTIFIED BY '$db_password';
    ALTER USER '$db'@'127.0.0.1' IDENTIFIED BY '$db_password';
    GRANT ALL PRIVILEGES ON \`$db\`.* TO '$db'@'localhost', '$db'@'127.0.0.1';"

  build_tree "$dir/www"
  local auto_port=0
  [ -n "$port" ] || { port="$(free_port)"; auto_port=1; }
  write_config "$dir/www" "$db" "$db_password" "$port"

  local credentials title="MCP Hub dev site $name"
  credentials="$(php -d display_errors=stderr -d log_errors=0 "$PHP_HELPERS/install.php" "$dir/www" \
    "$title" "$ADMIN_USER" "admin@example.com" "$password" "mcphub-tests")" \
    || die "WordPress install failed"

  local pid="" attempt
  for attempt in 1 2 3; do
    pid="$(start_server "$dir" "$port" "$strip")"
    printf 'PID=%s\nPORT=%s\n' "$pid" "$port" >>"$dir/instance.env"
    wait_ready "$pid" "$port" "$title" && break
    proc_alive "$pid" && die "the PHP server on port $port did not answer; see $dir/server.log"
    grep -q 'Address already in use' "$dir/server.log" \
      || die "the PHP server died: $(tail -n 1 "$dir/server.log")"
    [ "$auto_port" -eq 1 ] || die "port $port is taken"
    [ "$attempt" -lt 3 ] || die "no free port after 3 attempts"
    say "port $port was taken; trying another"
    port="$(free_port)"
    write_config "$dir/www" "$db" "$db_password" "$port"
  done

  if [ -n "$watch_pid" ]; then
    setsid "$SELF" watch "$watch_pid" "$dir" </dev/null >>"$dir/watchdog.log" 2>&1 &
    printf 'WATCHDOG_PID=%s\n' "$!" >>"$dir/instance.env"
  fi

  STARTING_DIR=""
  trap - EXIT
  php -r '$c = json_decode($argv[1], true);
          $base = "http://127.0.0.1:" . $argv[2];
          echo "MCPHUB_WORDPRESS ", json_encode([
              "base_url" => $base,
              "rest_url" => $base . "/?rest_route=/",
              "user" => $c["user"],
              "app_password" => $c["app_password"],
              "password" => $argv[3],
              "user_id" => $c["user_id"],
              "database" => $argv[4],
              "instance_dir" => $argv[5],
              "www_dir" => $argv[5] . "/www",
              "pid" => (int) $argv[6],
          ], JSON_UNESCAPED_SLASHES), "\n";' \
    "$credentials" "$port" "$password" "$db" "$dir" "$pid"
}

cmd_stop() {
  local dir="${1:?usage: stop DIR}"
  [ -f "$dir/instance.env" ] || die "$dir is not a wordpress-dev instance (no instance.env)"
  dir="$(cd "$dir" && pwd)"
  local db pid watchdog _
  db="$(instance_value "$dir" DB_NAME)"
  pid="$(instance_value "$dir" PID)"
  watchdog="$(instance_value "$dir" WATCHDOG_PID)"
  if [ -n "$watchdog" ] && [ "$IN_WATCHDOG" = 0 ] && pid_matches "$watchdog" "$dir"; then
    kill "$watchdog" 2>/dev/null || true
  fi
  if [ -n "$pid" ] && pid_matches "$pid" "$dir/www"; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do proc_alive "$pid" || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  if [ "$KEEP_DATABASE" = 1 ]; then
    : # start failed to create the database: it, and its user, belong to someone else
  elif [[ "$db" =~ ^mcphub_wp_[a-z0-9]{1,16}$ ]]; then
    admin_sql "DROP DATABASE IF EXISTS \`$db\`" || say "could not drop database $db"
    admin_sql "DROP USER IF EXISTS '$db'@'localhost', '$db'@'127.0.0.1'" \
      || say "could not drop user $db"
  else
    say "no valid DB_NAME in $dir/instance.env; no database dropped"
  fi
  rm -rf -- "$dir"
}

# The watchdog (start --watch-pid): stop the instance in DIR once PID has exited.
cmd_watch() {
  local pid="$1" dir="$2"
  while proc_alive "$pid" && [ -f "$dir/instance.env" ]; do sleep 1; done
  IN_WATCHDOG=1
  if [ -f "$dir/instance.env" ]; then cmd_stop "$dir"; fi
}

cmd_run() {
  local line dir pid
  line="$(cmd_start "$@")"
  dir="$(php -r 'echo json_decode(substr($argv[1], 17), true)["instance_dir"];' "$line")"
  pid="$(instance_value "$dir" PID)"
  trap 'trap - EXIT INT TERM; say "stopping"; cmd_stop "$dir"; exit 0' EXIT INT TERM
  printf '%s\n' "$line"
  say "serving $(php -r 'echo json_decode(substr($argv[1], 17), true)["base_url"];' "$line") — Ctrl-C stops and deletes it"
  while proc_alive "$pid"; do sleep 1; done
  say "the PHP server exited; see $dir/server.log"
}

case "${1:-}" in
  run | start | stop | check | install | watch)
    command="$1"
    shift
    "cmd_$command" "$@"
    ;;
  *)
    sed -n '3,/^set -euo/p' "$SELF" | sed '$d' | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
