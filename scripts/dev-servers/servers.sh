#!/usr/bin/env bash
# Local test servers for Fleetman (ActiveMQ Classic over AMQP 1.0, RabbitMQ, FerretDB), used by
# developers and CI alike. Idempotent; quiet on success, loud (log tail) on failure.
# See docs/local-servers.md.
#
#   servers.sh install [name...]   install what is missing (activemq rabbitmq ferretdb nginx chromium prometheus)
#   servers.sh start [name...]     start and wait until each accepts connections (no name = all three servers)
#   servers.sh stop [name...]      SIGTERM, wait, then SIGKILL
#   servers.sh restart name...     stop + start (tests use it to simulate a broker restart)
#   servers.sh reset name...       stop, wipe its data, start again if it was running
#   servers.sh status              one line per server; exit 3 if any is not running
#   servers.sh env                 export lines for TEST_ACTIVEMQ_URL, TEST_RABBITMQ_URL, TEST_MONGO_URL
# shellcheck disable=SC2317 # most functions are reached indirectly: "cmd_$command", locked "$@"
set -euo pipefail

SCRIPTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../../versions.env
source "$SCRIPTS_DIR/../../versions.env"

# Absolute: servers run with their data directory as working directory.
CACHE=$(realpath -m "${FLEETMAN_CACHE:-$HOME/.cache/fleetman}")
RUN_DIR=$CACHE/run
DATA_DIR=$CACHE/data
START_TIMEOUT=${FLEETMAN_START_TIMEOUT:-90}
STOP_TIMEOUT=${FLEETMAN_STOP_TIMEOUT:-30}

ACTIVEMQ_PORT=${FLEETMAN_ACTIVEMQ_PORT:-5682}
ACTIVEMQ_USER='admin' # local test credentials only, written in activemq.xml's user list
ACTIVEMQ_PASSWORD='admin'
RABBITMQ_PORT=${FLEETMAN_RABBITMQ_PORT:-5672}
RABBITMQ_DIST_PORT=${FLEETMAN_RABBITMQ_DIST_PORT:-25672}
MONGO_PORT=${FLEETMAN_MONGO_PORT:-27017}
FERRETDB_DEBUG_PORT=${FLEETMAN_FERRETDB_DEBUG_PORT:-8089}

SERVERS=(activemq rabbitmq ferretdb)
INSTALLABLE=(activemq rabbitmq ferretdb nginx chromium prometheus)

ACTIVEMQ_HOME=$CACHE/activemq-$ACTIVEMQ_VERSION
FERRETDB_BIN=$CACHE/bin/ferretdb-$FERRETDB_VERSION

die() { echo "servers.sh: error: $*" >&2; exit 1; }
note() { if [[ -n ${FLEETMAN_VERBOSE:-} ]]; then echo "servers.sh: $*" >&2; fi; }

as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

# ---------------------------------------------------------------------------------- install

# Debian packages behind each installable name.
debian_packages() {
  case $1 in
    rabbitmq) echo rabbitmq-server ;;
    nginx) echo nginx ;;
    chromium) echo chromium chromium-driver fonts-liberation ;;
    prometheus) echo prometheus prometheus-alertmanager ;; # promtool, amtool
    activemq) echo maven openjdk-17-jre-headless ;;         # build/run tools, only if missing
    ferretdb) echo ;;                                       # needs Go from go.dev, not Debian's
  esac
}

deb_installed() { [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) == "install ok installed" ]]; }

apt_install() {
  # Another apt run (e.g. the session warm-up) may hold the lock: wait for it instead of failing.
  local apt=(apt-get -o DPkg::Lock::Timeout=900 -y -q --no-install-recommends)
  if ! as_root env DEBIAN_FRONTEND=noninteractive "${apt[@]}" install "$@" >"$RUN_DIR/apt.log" 2>&1; then
    note "apt-get install failed, refreshing package lists once"
    as_root apt-get -o DPkg::Lock::Timeout=900 -q update >>"$RUN_DIR/apt.log" 2>&1 || true
    as_root env DEBIAN_FRONTEND=noninteractive "${apt[@]}" install "$@" >>"$RUN_DIR/apt.log" 2>&1 ||
      { tail -n 20 "$RUN_DIR/apt.log" >&2; die "apt-get install $* failed (log: $RUN_DIR/apt.log)"; }
  fi
}

install_debian_deps() {
  local name pkg missing=()
  for name in "$@"; do
    [[ $name == activemq ]] && command -v mvn >/dev/null && command -v java >/dev/null && continue
    for pkg in $(debian_packages "$name"); do deb_installed "$pkg" || missing+=("$pkg"); done
  done
  if ((${#missing[@]})); then
    note "installing Debian packages: ${missing[*]}"
    apt_install "${missing[@]}"
  fi
  # On hosts with systemd (CI runners) the package starts a system RabbitMQ on 5672, which would
  # shadow ours: turn it off. Containers without systemd never start it.
  if [[ " $* " == *" rabbitmq "* ]] && command -v systemctl >/dev/null &&
    systemctl is-active --quiet rabbitmq-server 2>/dev/null; then
    note "disabling the system rabbitmq-server service (servers.sh runs its own)"
    as_root systemctl disable --now rabbitmq-server >/dev/null 2>&1 || true
  fi
}

# Maven Central has no 6.x binary tarball, so resolve the broker's jars (checksums verified by
# Maven with -C) from scripts/dev-servers/activemq/pom.xml into $ACTIVEMQ_HOME/lib.
# The stamp (pom + versions) makes a change to either re-resolve the classpath.
activemq_stamp() { cat "$SCRIPTS_DIR/activemq/pom.xml" "$SCRIPTS_DIR/../../versions.env" | sha256sum | cut -c1-64; }

install_activemq() {
  local stamp
  stamp=$(activemq_stamp)
  [[ $(cat "$ACTIVEMQ_HOME/.stamp" 2>/dev/null) == "$stamp" ]] && return
  local tmp=$ACTIVEMQ_HOME.partial
  rm -rf "$tmp"
  if ! mvn -B -q -C -f "$SCRIPTS_DIR/activemq/pom.xml" \
      -Dmaven.repo.local="$CACHE/m2" \
      -Dactivemq.version="$ACTIVEMQ_VERSION" -Dspring.version="$SPRING_VERSION" \
      -Dslf4j.version="$SLF4J_VERSION" -Ddependency.plugin.version="$MAVEN_DEPENDENCY_PLUGIN_VERSION" \
      dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp/lib" \
      >"$RUN_DIR/install-activemq.log" 2>&1; then
    tail -n 30 "$RUN_DIR/install-activemq.log" >&2
    die "could not resolve ActiveMQ $ACTIVEMQ_VERSION from Maven Central (log: $RUN_DIR/install-activemq.log)"
  fi
  echo "$stamp" >"$tmp/.stamp"
  rm -rf "$ACTIVEMQ_HOME" && mv "$tmp" "$ACTIVEMQ_HOME"
}

# `go install ...@v$FERRETDB_VERSION` builds a binary that panics at start (the module zip lacks
# build/version/version.txt), so build from a copy of the verified module with that file written.
install_ferretdb() {
  [[ -x $FERRETDB_BIN ]] && return
  command -v go >/dev/null || die "Go is required to build FerretDB (https://go.dev/dl/)"
  local log=$RUN_DIR/install-ferretdb.log module_dir src=$CACHE/src/ferretdb-$FERRETDB_VERSION
  module_dir=$(go mod download -json "github.com/FerretDB/FerretDB@v$FERRETDB_VERSION" 2>"$log" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p') || true
  [[ -d $module_dir ]] || { cat "$log" >&2; die "could not download FerretDB v$FERRETDB_VERSION"; }
  rm -rf "$src" && mkdir -p "$(dirname "$src")" "$CACHE/bin"
  cp -r "$module_dir" "$src" && chmod -R u+w "$src"
  echo "v$FERRETDB_VERSION" >"$src/build/version/version.txt"
  (cd "$src" && GOFLAGS=-buildvcs=false nice go build -trimpath -o "$FERRETDB_BIN.partial" ./cmd/ferretdb) >>"$log" 2>&1 ||
    { tail -n 30 "$log" >&2; die "could not build FerretDB v$FERRETDB_VERSION (log: $log)"; }
  mv "$FERRETDB_BIN.partial" "$FERRETDB_BIN"
  rm -rf "$src"
}

cmd_install() {
  local names=("$@") name
  ((${#names[@]})) || names=("${INSTALLABLE[@]}")
  for name in "${names[@]}"; do
    [[ " ${INSTALLABLE[*]} " == *" $name "* ]] || die "unknown name '$name' (expected one of: ${INSTALLABLE[*]})"
  done
  install_debian_deps "${names[@]}"
  for name in "${names[@]}"; do
    case $name in
      activemq) install_activemq ;;
      ferretdb) install_ferretdb ;;
    esac
  done
}

# ---------------------------------------------------------------------------------- processes

pid_file() { echo "$RUN_DIR/$1.pid"; }
log_file() { echo "$RUN_DIR/$1.log"; }

# Start time of a process (clock ticks since boot, /proc/<pid>/stat field 22): together with the
# PID it identifies one process for good, so a reused PID is never mistaken for our server.
# Fields are split after the ")" closing the command name, which may itself contain spaces.
proc_stat() { local stat; stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1; echo "${stat##*) }"; }
start_ticks() { local f; read -ra f <<<"$(proc_stat "$1")" && [[ -n ${f[19]:-} ]] && echo "${f[19]}"; }

# Alive and not a zombie (PID 1 here may not reap orphans promptly).
alive() { local f; read -ra f <<<"$(proc_stat "$1")" && [[ -n ${f[0]:-} && ${f[0]} != Z ]]; }

# Any live member left in a process group.
group_alive() {
  local p
  alive "$1" && return 0
  for p in $(pgrep -g "$1" 2>/dev/null); do alive "$p" && return 0; done
  return 1
}

# PID of a running server, or nothing. A PID file whose process is gone or was replaced by
# another program (PID reuse) is stale and removed.
running_pid() {
  local file pid ticks
  file=$(pid_file "$1")
  [[ -f $file ]] || return 0
  read -r pid ticks <"$file" || true
  if [[ $pid =~ ^[0-9]+$ ]] && alive "$pid" && [[ $(start_ticks "$pid") == "$ticks" ]]; then
    echo "$pid"
  else
    rm -f "$file"
  fi
}

# Sets CMD (and CMD_ENV) to the command line of a server. Everything binds to 127.0.0.1 only.
server_command() {
  CMD_ENV=()
  case $1 in
    activemq)
      [[ -d $ACTIVEMQ_HOME ]] || die "ActiveMQ $ACTIVEMQ_VERSION is not installed: run 'bash scripts/dev-servers/servers.sh install activemq'"
      CMD=(java -Xms64m -Xmx512m -XX:+UseSerialGC -Djava.net.preferIPv4Stack=true
        "-Dactivemq.data=$DATA_DIR/activemq" "-Dfleetman.amqp.port=$ACTIVEMQ_PORT"
        "-Dfleetman.activemq.user=$ACTIVEMQ_USER" "-Dfleetman.activemq.password=$ACTIVEMQ_PASSWORD"
        -Dorg.slf4j.simpleLogger.showDateTime=true -Dorg.slf4j.simpleLogger.logFile=System.out
        -cp "$ACTIVEMQ_HOME/lib/*" org.apache.activemq.console.Main start
        "xbean:file:$SCRIPTS_DIR/activemq/activemq.xml")
      ;;
    rabbitmq)
      [[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]] ||
        die "RabbitMQ is not installed: run 'bash scripts/dev-servers/servers.sh install rabbitmq'"
      local base=$DATA_DIR/rabbitmq
      # The real script, not /usr/sbin/rabbitmq-server (a wrapper that switches to the rabbitmq
      # user). Everything under the cache; node, AMQP and Erlang distribution on loopback.
      CMD=(/usr/lib/rabbitmq/bin/rabbitmq-server)
      # Node name from the port: a second cache (CI matrix, a colleague's) can run beside this one.
      CMD_ENV=("RABBITMQ_NODENAME=fleetman-$RABBITMQ_PORT@localhost" "ERL_CRASH_DUMP=$RUN_DIR/rabbitmq-erl_crash.dump"
        RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 "RABBITMQ_NODE_PORT=$RABBITMQ_PORT"
        "RABBITMQ_DIST_PORT=$RABBITMQ_DIST_PORT" ERL_EPMD_ADDRESS=127.0.0.1
        "RABBITMQ_MNESIA_BASE=$base/mnesia" "RABBITMQ_LOG_BASE=$base/log"
        "RABBITMQ_ENABLED_PLUGINS_FILE=$base/enabled_plugins"
        "RABBITMQ_CONFIG_FILE=$base/rabbitmq" "RABBITMQ_ADVANCED_CONFIG_FILE=$base/advanced.config"
        RABBITMQ_CONF_ENV_FILE=/dev/null "HOME=$base"
        "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=-kernel inet_dist_use_interface {127,0,0,1}")
      mkdir -p "$base"
      [[ -f $base/enabled_plugins ]] || echo '[].' >"$base/enabled_plugins"
      # guest/guest is allowed on loopback only (RabbitMQ's default), which is all tests need.
      [[ -f $base/rabbitmq.conf ]] || printf 'loopback_users.guest = true\nlog.console = true\nlog.file = false\n' >"$base/rabbitmq.conf"
      [[ -f $base/advanced.config ]] || echo '[].' >"$base/advanced.config"
      ;;
    ferretdb)
      [[ -x $FERRETDB_BIN ]] || die "FerretDB $FERRETDB_VERSION is not installed: run 'bash scripts/dev-servers/servers.sh install ferretdb'"
      mkdir -p "$DATA_DIR/ferretdb" "$DATA_DIR/ferretdb-state"
      CMD=("$FERRETDB_BIN" --handler=sqlite "--sqlite-url=file:$DATA_DIR/ferretdb/"
        "--state-dir=$DATA_DIR/ferretdb-state" "--listen-addr=127.0.0.1:$MONGO_PORT"
        "--debug-addr=127.0.0.1:$FERRETDB_DEBUG_PORT" --telemetry=disable --log-format=text)
      ;;
  esac
}

probe() {
  local kind port
  case $1 in
    activemq) kind=amqp-1.0 port=$ACTIVEMQ_PORT ;;
    rabbitmq) kind=amqp-0-9-1 port=$RABBITMQ_PORT ;;
    ferretdb) kind=mongo port=$MONGO_PORT ;;
  esac
  node "$SCRIPTS_DIR/probe.mjs" "$kind" 127.0.0.1 "$port" 2000 2>/dev/null
}

# Reports a failed start: the error lines of this run first (a JVM's real cause is often 40
# stack frames above the end), then the log tail.
fail_with_log() {
  local name=$1 reason=$2 log from
  log=$(log_file "$name")
  from=$(grep -n "^=== .* start $name\$" "$log" | tail -n 1 | cut -d: -f1)
  echo "---- errors in this run of $name ----" >&2
  tail -n "+${from:-1}" "$log" | grep -E 'ERROR|FATAL|Caused by|\[error\]|[Ee]rror:|already in use' | head -n 12 >&2 || true
  echo "---- last lines of $log ----" >&2
  tail -n 25 "$log" >&2 || true
  die "$name: $reason"
}

# Logs are appended across restarts (a restart's cause stays visible); keep one old 20 MB file.
rotate_log() {
  local size
  size=$(stat -c %s "$1" 2>/dev/null || echo 0)
  ((size < 20 * 1024 * 1024)) || mv -f "$1" "$1.1"
}

# Seconds since $1 (an EPOCHREALTIME value), one decimal: timings go to the logs for diagnosis.
elapsed() { awk -v from="$1" -v to="$EPOCHREALTIME" 'BEGIN { printf "%.1f", to - from }'; }

start_one() {
  local name=$1 pid deadline began=$EPOCHREALTIME launched=
  pid=$(running_pid "$name")
  if [[ -z $pid ]]; then
    launched=1
    # Something else (another checkout, a system service) owns the port: say so, don't pile on.
    probe "$name" && die "$name: port already answers, but not from a server this script started (see 'ss -ltnp')"
    server_command "$name"
    rotate_log "$(log_file "$name")"
    echo "=== $(date -u +%FT%TZ) start $name" >>"$(log_file "$name")"
    # setsid: own session and process group, so a test runner killing its group spares the
    # server, and stop can signal the whole group (wrapper scripts included).
    # 9>&-: the server must not inherit (and so hold forever) the lock taken by locked().
    # env -C: stray files a server drops in its working directory (crash dumps) stay in the cache.
    mkdir -p "$DATA_DIR/$name"
    env -C "$DATA_DIR/$name" "${CMD_ENV[@]}" setsid "${CMD[@]}" </dev/null >>"$(log_file "$name")" 2>&1 9>&- &
    pid=$!
    echo "$pid $(start_ticks "$pid")" >"$(pid_file "$name")"
  fi
  deadline=$((SECONDS + START_TIMEOUT))
  until probe "$name"; do
    alive "$pid" || { rm -f "$(pid_file "$name")"; fail_with_log "$name" "exited during start-up"; }
    ((SECONDS < deadline)) || fail_with_log "$name" "not accepting connections after ${START_TIMEOUT}s (pid $pid still running)"
    sleep 0.2
  done
  [[ -z $launched ]] || echo "=== $(date -u +%FT%TZ) $name ready (pid $pid) after $(elapsed "$began")s" >>"$(log_file "$name")"
}

stop_one() {
  local name=$1 pid deadline killed='' began=$EPOCHREALTIME
  pid=$(running_pid "$name")
  [[ -n $pid ]] || return 0
  kill -TERM -- "-$pid" 2>/dev/null || true
  deadline=$((SECONDS + STOP_TIMEOUT))
  while group_alive "$pid"; do
    if [[ -z $killed ]] && ((SECONDS >= deadline)); then
      echo "servers.sh: warning: $name (pid $pid) ignored SIGTERM for ${STOP_TIMEOUT}s, sending SIGKILL" >&2
      kill -KILL -- "-$pid" 2>/dev/null || true
      killed=1
    fi
    sleep 0.1
  done
  rm -f "$(pid_file "$name")"
  echo "=== $(date -u +%FT%TZ) $name stopped after $(elapsed "$began")s" >>"$(log_file "$name")"
}

# ---------------------------------------------------------------------------------- commands

# Fails on an unknown server name (here, in the main shell: a die inside $(...) would be lost).
check_server_names() {
  local name
  for name in "$@"; do
    [[ " ${SERVERS[*]} " == *" $name "* ]] || die "unknown server '$name' (expected one of: ${SERVERS[*]})"
  done
}

# Runs "$@" (an operation on server $1) under that server's lock: parallel test files calling
# `start` must not launch two brokers on one port, while a `restart activemq` need not wait for
# another server's slow start. The subshell makes the lock end with the operation.
locked() {
  (
    exec 9>"$RUN_DIR/$2.lock"
    flock -w 300 9 || die "$2: another servers.sh has held $RUN_DIR/$2.lock for 5 minutes"
    "$@"
  )
}

server_url() {
  case $1 in
    activemq) echo "amqp://$ACTIVEMQ_USER:$ACTIVEMQ_PASSWORD@127.0.0.1:$ACTIVEMQ_PORT" ;;
    rabbitmq) echo "amqp://guest:guest@127.0.0.1:$RABBITMQ_PORT" ;;
    ferretdb) echo "mongodb://127.0.0.1:$MONGO_PORT" ;;
  esac
}

# In parallel: RabbitMQ's 4-6 s boot then overlaps ActiveMQ's JVM start.
cmd_start() {
  local n pids=() failed=0
  for n in "$@"; do
    locked start_one "$n" &
    pids+=($!)
  done
  for n in "${pids[@]}"; do wait "$n" || failed=1; done
  return "$failed"
}
cmd_stop() { local n; for n in "$@"; do locked stop_one "$n"; done; }
restart_one() { stop_one "$1"; start_one "$1"; }
cmd_restart() { local n; for n in "$@"; do locked restart_one "$n"; done; }
reset_one() {
  local was_running
  was_running=$(running_pid "$1")
  stop_one "$1"
  rm -rf "${DATA_DIR:?}/$1" "${DATA_DIR:?}/$1-state"
  [[ -z $was_running ]] || start_one "$1"
}
cmd_reset() { local n; for n in "$@"; do locked reset_one "$n"; done; }
cmd_status() {
  local n pid all_up=0
  for n in "${SERVERS[@]}"; do
    pid=$(running_pid "$n")
    if [[ -n $pid ]] && probe "$n"; then
      printf '%-9s running  pid %-7s %s\n' "$n" "$pid" "$(server_url "$n")"
    elif [[ -n $pid ]]; then
      printf '%-9s starting pid %-7s %s\n' "$n" "$pid" "$(server_url "$n")"; all_up=3
    else
      printf '%-9s stopped\n' "$n"; all_up=3
    fi
  done
  return $all_up
}
cmd_env() {
  echo "export TEST_ACTIVEMQ_URL=$(server_url activemq)"
  echo "export TEST_RABBITMQ_URL=$(server_url rabbitmq)"
  echo "export TEST_MONGO_URL=$(server_url ferretdb)"
}

main() {
  local command=${1:-}
  (($#)) && shift
  case $command in
    env) cmd_env; return ;;
    status) cmd_status; return ;; # read-only: no lock, so it never waits behind a slow start
    install | start | stop | restart | reset) ;;
    *) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
  mkdir -p "$RUN_DIR" "$DATA_DIR"
  # The readiness probe is a Node script (Node is a prerequisite of the whole repo anyway).
  [[ $command == install ]] || command -v node >/dev/null || die "node is required (the readiness probe is scripts/dev-servers/probe.mjs)"
  if [[ $command == install ]]; then
    exec 9>"$RUN_DIR/install.lock" # apt and Maven runs must not overlap
    flock -w 900 9 || die "another servers.sh install has held $RUN_DIR/install.lock for 15 minutes"
    cmd_install "$@"
    return
  fi
  if ((!$#)); then
    [[ $command == restart || $command == reset ]] && die "$command needs a server name (${SERVERS[*]})"
    set -- "${SERVERS[@]}"
  fi
  check_server_names "$@"
  "cmd_$command" "$@"
}

# On one line: bash reads scripts lazily, so an edit during a run cannot inject code after main.
main "$@"; exit $?
