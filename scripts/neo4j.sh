#!/usr/bin/env bash
# Runs a throwaway Neo4j 5.26 LTS Community server on this machine, without Docker,
# from Maven Central artifacts (needs only `java` 17/21 and `mvn`).
#
#   scripts/neo4j.sh start    fetch the jars once, write the config, start the server in the
#                             background and wait until Bolt answers; prints export lines
#   scripts/neo4j.sh stop     SIGTERM, wait up to NEO4J_STOP_TIMEOUT (60 s), then SIGKILL
#   scripts/neo4j.sh status   exit 0 if the server runs and Bolt answers (1: runs but Bolt does
#                             not answer, 3: not running)
#   scripts/neo4j.sh env      print the export lines (NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD)
#
# Typical use:   eval "$(scripts/neo4j.sh start)"   ...   scripts/neo4j.sh stop
# Progress goes to stderr; only the export lines go to stdout.
#
# Environment (all optional):
#   NEO4J_VERSION        Neo4j version to fetch                     (5.26.30)
#   NEO4J_CACHE          Neo4j home holding lib/ (the jars)         ($HOME/.cache/hopcheck/neo4j-$NEO4J_VERSION)
#   NEO4J_RUN_DIR        conf/, data/, logs/, run/, pid file        (/tmp/hopcheck-neo4j)
#   NEO4J_BOLT_PORT      Bolt port on 127.0.0.1                     (7687)
#   NEO4J_HTTP_PORT      HTTP port on 127.0.0.1; 0 or off disables  (7474)
#   NEO4J_PASSWORD       password of user neo4j                     (hopcheck-test)
#   NEO4J_KEEP_DATA      1 keeps data/ (and the password it was created with) across starts
#   NEO4J_START_TIMEOUT  seconds to wait for Bolt                   (180)
#   NEO4J_STOP_TIMEOUT   seconds to wait after SIGTERM              (60)
#   NEO4J_HEAP_INITIAL / NEO4J_HEAP_MAX / NEO4J_PAGECACHE           (512m / 1g / 256m)
#   JAVA_HOME            Java 17 or 21 to use (else `java` on PATH)
#
# How it runs Neo4j (mirrors the official tarball, checked against `neo4j console --dry-run`):
#   lib/      = `mvn dependency:copy-dependencies` of org.neo4j:neo4j:$NEO4J_VERSION (scripts/neo4j/pom.xml)
#   password  = org.neo4j.cli.AdminTool dbms set-initial-password  (what bin/neo4j-admin forks)
#   server    = java -cp plugins/*:conf/*:lib/* <server.jvm.additional> -Xms.. -Xmx..
#               org.neo4j.server.CommunityEntryPoint --home-dir=RUN --config-dir=RUN/conf --console-mode
#               (= what bin/neo4j console forks), started directly so the pid file names the server.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
POM_SRC="$SCRIPT_DIR/neo4j/pom.xml"
DEP_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.8.1"

NEO4J_VERSION="${NEO4J_VERSION:-5.26.30}"
CACHE_DIR="${NEO4J_CACHE:-${HOME:-/tmp}/.cache/hopcheck/neo4j-$NEO4J_VERSION}"
RUN_DIR="${NEO4J_RUN_DIR:-/tmp/hopcheck-neo4j}"
BOLT_PORT="${NEO4J_BOLT_PORT:-7687}"
HTTP_PORT="${NEO4J_HTTP_PORT:-7474}"
DB_USER="neo4j"
DB_PASSWORD="${NEO4J_PASSWORD:-hopcheck-test}"
KEEP_DATA="${NEO4J_KEEP_DATA:-0}"
START_TIMEOUT="${NEO4J_START_TIMEOUT:-180}"
STOP_TIMEOUT="${NEO4J_STOP_TIMEOUT:-60}"
HEAP_INITIAL="${NEO4J_HEAP_INITIAL:-512m}"
HEAP_MAX="${NEO4J_HEAP_MAX:-1g}"
PAGECACHE="${NEO4J_PAGECACHE:-256m}"

LIB_DIR="$CACHE_DIR/lib"
CONF_DIR="$RUN_DIR/conf"
DATA_DIR="$RUN_DIR/data"
LOG_DIR="$RUN_DIR/logs"
PID_FILE="$RUN_DIR/neo4j.pid"
CONSOLE_LOG="$LOG_DIR/console.log"
MARKER="$RUN_DIR/.hopcheck-neo4j"
MAIN_CLASS="org.neo4j.server.CommunityEntryPoint"

HTTP_ENABLED=true
case "$HTTP_PORT" in 0 | off | false | no | "") HTTP_ENABLED=false ;; esac

# JVM options of the server: Neo4j 5.26's default conf/neo4j.conf `server.jvm.additional` set,
# less -XX:+AlwaysPreTouch (would commit the whole initial heap up front), plus
# -XX:+ExitOnOutOfMemoryError so that a broken test run fails fast instead of hanging.
JVM_ADDITIONAL=(
  -XX:+UseG1GC
  -XX:-OmitStackTraceInFastThrow
  -XX:+UnlockExperimentalVMOptions
  -XX:+TrustFinalNonStaticFields
  -XX:+DisableExplicitGC
  -Djdk.nio.maxCachedBufferSize=1024
  -Dio.netty.tryReflectionSetAccessible=true
  -Djdk.tls.ephemeralDHKeySize=2048
  -Djdk.tls.rejectClientInitiatedRenegotiation=true
  -XX:FlightRecorderOptions=stackdepth=256
  -XX:+UnlockDiagnosticVMOptions
  -XX:+DebugNonSafepoints
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --enable-native-access=ALL-UNNAMED
  -Dlog4j2.disable.jmx=true
  -Dlog4j.layout.jsonTemplate.maxStringLength=32768
  -XX:+ExitOnOutOfMemoryError
)

log() { printf 'neo4j.sh: %s\n' "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}

usage() {
  sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

check_port() {
  [[ "$1" =~ ^[0-9]+$ ]] && (("$1" > 0 && "$1" < 65536)) || die "invalid port: $1"
}

# ---------------------------------------------------------------- java

JAVA=""
find_java() {
  if [[ -n "${JAVA_HOME:-}" && -x "${JAVA_HOME}/bin/java" ]]; then
    JAVA="${JAVA_HOME}/bin/java"
  elif command -v java >/dev/null 2>&1; then
    JAVA="$(command -v java)"
  else
    die "java not found (Neo4j $NEO4J_VERSION needs Java 17 or 21)"
  fi
  local spec
  spec="$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n1)"
  case "$spec" in
    17 | 21) ;;
    1.* | 9 | 1[0-6]) die "$JAVA is Java $spec; Neo4j $NEO4J_VERSION needs Java 17 or 21" ;;
    *) log "WARNING: $JAVA is Java ${spec:-?}; Neo4j $NEO4J_VERSION supports Java 17 and 21" ;;
  esac
}

# ---------------------------------------------------------------- fetch (once)

lib_complete() {
  [[ -f "$CACHE_DIR/.complete" && "$(cat "$CACHE_DIR/.complete")" == "$NEO4J_VERSION" &&
    -f "$LIB_DIR/neo4j-$NEO4J_VERSION.jar" ]]
}

fetch() {
  lib_complete && return 0
  command -v mvn >/dev/null 2>&1 || die "mvn not found (needed once, to fetch Neo4j $NEO4J_VERSION from Maven Central)"
  mkdir -p "$CACHE_DIR"
  # Several callers may fetch at once (parallel CI jobs): one fetches, the others wait.
  if command -v flock >/dev/null 2>&1; then
    exec 8>"$CACHE_DIR/.fetch.lock"
    flock -w 900 8 || die "timed out waiting for another fetch into $CACHE_DIR"
    if lib_complete; then
      exec 8>&-
      return 0
    fi
  fi
  cp "$POM_SRC" "$CACHE_DIR/pom.xml" # mvn runs there, so the work tree stays untouched
  local tmp="$CACHE_DIR/lib.tmp" attempt started=$SECONDS
  log "fetching Neo4j $NEO4J_VERSION jars from Maven Central into $LIB_DIR (once) ..."
  for attempt in 1 2; do
    rm -rf "$tmp"
    if mvn -q -B -Dstyle.color=never -f "$CACHE_DIR/pom.xml" -Dneo4j.version="$NEO4J_VERSION" \
      "$DEP_PLUGIN:copy-dependencies" -DincludeScope=runtime -DoutputDirectory="$tmp" \
      </dev/null >"$CACHE_DIR/mvn.log" 2>&1 &&
      [[ -f "$tmp/neo4j-$NEO4J_VERSION.jar" && -f "$tmp/neo4j-server-$NEO4J_VERSION.jar" ]]; then
      break
    fi
    if ((attempt == 2)); then
      tail -n 40 "$CACHE_DIR/mvn.log" >&2 || true
      die "could not fetch Neo4j $NEO4J_VERSION (Maven log: $CACHE_DIR/mvn.log)"
    fi
    log "fetch attempt $attempt failed; retrying in 5 s (Maven log: $CACHE_DIR/mvn.log)"
    sleep 5
  done
  rm -rf "$LIB_DIR"
  mv "$tmp" "$LIB_DIR"
  echo "$NEO4J_VERSION" >"$CACHE_DIR/.complete"
  exec 8>&- # release the fetch lock
  log "fetched $(find "$LIB_DIR" -name '*.jar' | wc -l) jars ($(du -sh "$LIB_DIR" | cut -f1)) in $((SECONDS - started)) s"
}

# ---------------------------------------------------------------- process helpers

# Our server's pid: the pid file's process if it is this run dir's Neo4j, else any process
# whose command line is this run dir's Neo4j (pid file lost); non-zero exit when none.
is_our_server() {
  local pid="$1" stat arg home=0 main=0
  local -a args=()
  [[ "$pid" =~ ^[0-9]+$ && -r "/proc/$pid/cmdline" ]] || return 1
  # Builtins only (this runs for every process when the pid file is missing).
  read -r stat <"/proc/$pid/stat" 2>/dev/null || return 1
  stat="${stat##*) }"
  [[ "${stat%% *}" != Z ]] || return 1 # a zombie is as good as gone
  mapfile -d '' -t args <"/proc/$pid/cmdline" 2>/dev/null || return 1
  for arg in "${args[@]}"; do
    [[ "$arg" == "$MAIN_CLASS" ]] && main=1
    [[ "$arg" == "--home-dir=$RUN_DIR" ]] && home=1
  done
  ((main && home))
}

server_pid() {
  local pid=""
  [[ -f "$PID_FILE" ]] && pid="$(tr -dc '0-9' <"$PID_FILE")"
  if [[ -n "$pid" ]] && is_our_server "$pid"; then
    echo "$pid"
    return 0
  fi
  local d
  for d in /proc/[0-9]*; do
    pid="${d#/proc/}"
    if is_our_server "$pid"; then
      echo "$pid" >"$PID_FILE" 2>/dev/null || true
      echo "$pid"
      return 0
    fi
  done
  return 1
}

# Bolt handshake: magic 0x6060B017, then proposals 5.8 (range down to 5.0), 4.4, none, none.
# Prints the version the server agreed to (5.8 for 5.26); fails unless a Bolt server answered.
bolt_version() {
  local out
  local -a b
  out="$(timeout 5 bash -c '
      exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
      printf "\x60\x60\xb0\x17\x00\x08\x08\x05\x00\x00\x04\x04\x00\x00\x00\x00\x00\x00\x00\x00" >&3
      head -c 4 <&3 | od -An -tu1' _ "$BOLT_PORT" 2>/dev/null)" || return 1
  read -r -a b <<<"$out"
  ((${#b[@]} == 4)) && ((b[3] > 0)) || return 1
  echo "${b[3]}.${b[2]}"
}

port_open() {
  timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null
}

# Neo4j's HTTP discovery document; prints neo4j_version when the HTTP connector answers.
http_version() {
  local out
  out="$(timeout 5 bash -c '
      exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
      printf "GET / HTTP/1.0\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n\r\n" >&3
      cat <&3' _ "$HTTP_PORT" 2>/dev/null)" || return 1
  grep -q '^HTTP/[0-9.]* 200' <<<"$out" || return 1
  sed -n 's/.*"neo4j_version" *: *"\([^"]*\)".*/\1/p' <<<"$out" | head -n1
}

show_logs() {
  local f
  for f in "$LOG_DIR/neo4j.log" "$CONSOLE_LOG"; do
    if [[ -s "$f" ]]; then
      log "---- last 50 lines of $f ----"
      tail -n 50 "$f" >&2
      break
    fi
  done
  if [[ -s "$LOG_DIR/debug.log" ]] && grep -q ' ERROR ' "$LOG_DIR/debug.log"; then
    log "---- last ERROR lines of $LOG_DIR/debug.log ----"
    grep -A5 ' ERROR ' "$LOG_DIR/debug.log" | tail -n 30 >&2
  fi
}

print_env() {
  printf 'export NEO4J_URI=%q\n' "bolt://127.0.0.1:$BOLT_PORT"
  printf 'export NEO4J_USER=%q\n' "$DB_USER"
  printf 'export NEO4J_PASSWORD=%q\n' "$DB_PASSWORD"
}

# ---------------------------------------------------------------- run dir and config

prepare_run_dir() {
  [[ "$RUN_DIR" == /* ]] || die "NEO4J_RUN_DIR must be an absolute path: $RUN_DIR"
  case "$RUN_DIR" in / | /tmp | /root | /home | "${HOME:-/nonexistent}") die "refusing to use $RUN_DIR as run dir" ;; esac
  if [[ -d "$RUN_DIR" && ! -f "$MARKER" ]] && [[ -n "$(ls -A "$RUN_DIR" 2>/dev/null)" ]]; then
    die "$RUN_DIR exists, is not empty and was not made by this script; refusing to wipe it"
  fi
  mkdir -p "$RUN_DIR"
  touch "$MARKER"
  if [[ "$KEEP_DATA" != 1 ]]; then
    rm -rf "$DATA_DIR" "$LOG_DIR" "$RUN_DIR/run" "$RUN_DIR/import"
  fi
  mkdir -p "$CONF_DIR" "$DATA_DIR" "$LOG_DIR" "$RUN_DIR/run" "$RUN_DIR/plugins" "$RUN_DIR/import"
  : >"$CONSOLE_LOG"
}

write_conf() {
  local http_listen="127.0.0.1:${HTTP_PORT}"
  [[ "$HTTP_ENABLED" == true ]] || http_listen="127.0.0.1:7474"
  {
    echo "# Written by scripts/neo4j.sh for a throwaway local test server; rewritten on every start."
    echo "server.directories.lib=$LIB_DIR"
    echo "server.directories.data=$DATA_DIR"
    echo "server.directories.logs=$LOG_DIR"
    echo "server.directories.run=$RUN_DIR/run"
    echo "server.directories.plugins=$RUN_DIR/plugins"
    echo "server.directories.import=$RUN_DIR/import"
    echo
    echo "server.default_listen_address=127.0.0.1"
    echo "server.default_advertised_address=127.0.0.1"
    echo "server.bolt.enabled=true"
    echo "server.bolt.listen_address=127.0.0.1:$BOLT_PORT"
    echo "server.bolt.advertised_address=127.0.0.1:$BOLT_PORT"
    echo "server.bolt.tls_level=DISABLED"
    echo "server.http.enabled=$HTTP_ENABLED"
    echo "server.http.listen_address=$http_listen"
    echo "server.https.enabled=false"
    echo
    echo "dbms.security.auth_enabled=true"
    echo "dbms.usage_report.enabled=false"
    echo
    echo "server.memory.heap.initial_size=$HEAP_INITIAL"
    echo "server.memory.heap.max_size=$HEAP_MAX"
    echo "server.memory.pagecache.size=$PAGECACHE"
    echo "db.tx_log.rotation.retention_policy=1 files"
    echo
    echo "# Used by bin/neo4j-style launchers; scripts/neo4j.sh passes the same options itself."
    local opt
    for opt in "${JVM_ADDITIONAL[@]}"; do
      echo "server.jvm.additional=$opt"
    done
  } >"$CONF_DIR/neo4j.conf"
}

set_initial_password() {
  if [[ -d "$DATA_DIR/databases/system" ]]; then
    log "kept data: the password is the one the data was created with"
    return 0
  fi
  log "setting the initial password of user $DB_USER (neo4j-admin dbms set-initial-password)"
  # bin/neo4j-admin runs org.neo4j.server.startup.Neo4jAdminCommand, which forks
  # `java -cp plugins/*:conf/*:lib/* ... org.neo4j.cli.AdminTool <args>` with NEO4J_HOME and
  # NEO4J_CONF set; running that fork directly does the same and saves a JVM start (~1.5 s).
  if ! env -u JAVA_OPTS NEO4J_HOME="$RUN_DIR" NEO4J_CONF="$CONF_DIR" \
    "$JAVA" -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dfile.encoding=UTF-8 \
    -cp "$RUN_DIR/plugins/*:$CONF_DIR/*:$LIB_DIR/*" \
    org.neo4j.cli.AdminTool dbms set-initial-password "$DB_PASSWORD" \
    </dev/null >"$LOG_DIR/set-initial-password.log" 2>&1; then
    cat "$LOG_DIR/set-initial-password.log" >&2
    die "neo4j-admin dbms set-initial-password failed"
  fi
}

launch() {
  local cmd=(
    "$JAVA" -cp "$RUN_DIR/plugins/*:$CONF_DIR/*:$LIB_DIR/*"
    "${JVM_ADDITIONAL[@]}" -Dfile.encoding=UTF-8 "-Xms$HEAP_INITIAL" "-Xmx$HEAP_MAX"
    "$MAIN_CLASS" "--home-dir=$RUN_DIR" "--config-dir=$CONF_DIR" --console-mode
  )
  # Neo4j recommends >= 40000 open files; raise the soft limit as far as allowed.
  ulimit -n 40000 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  local detach=()
  command -v setsid >/dev/null 2>&1 && detach=(setsid)
  # A job of this non-interactive script is no process-group leader, so setsid execs in place:
  # $! is the JVM's pid. The server outlives this script (own session, no stdin, SIGHUP ignored).
  (
    # Keep no descriptor of the caller open (a caller reading our stdout through a pipe, e.g.
    # $(scripts/neo4j.sh start), would otherwise wait for the server to exit).
    for fd in /proc/$BASHPID/fd/*; do
      fd="${fd##*/}"
      ((fd > 2)) && eval "exec $fd>&-" 2>/dev/null
    done
    cd "$RUN_DIR" && exec "${detach[@]}" nohup "${cmd[@]}" </dev/null >>"$CONSOLE_LOG" 2>&1
  ) &
  echo "$!" >"$PID_FILE"
}

wait_ready() {
  local pid="$1" deadline=$((SECONDS + START_TIMEOUT)) bolt="" http=""
  while :; do
    if ! is_our_server "$pid"; then
      sleep 1 # let the last log lines land
      log "Neo4j (pid $pid) exited during start-up"
      show_logs
      rm -f "$PID_FILE"
      exit 1
    fi
    if bolt="$(bolt_version)"; then
      if [[ "$HTTP_ENABLED" != true ]]; then
        break
      elif http="$(http_version)" && [[ -n "$http" ]]; then
        break
      fi
    fi
    if ((SECONDS >= deadline)); then
      log "Neo4j did not answer on Bolt port $BOLT_PORT within $START_TIMEOUT s (pid $pid); stopping it"
      show_logs
      cmd_stop
      exit 1
    fi
    sleep 1
  done
  log "Neo4j ${http:-$NEO4J_VERSION} ready: pid $pid, bolt://127.0.0.1:$BOLT_PORT (Bolt $bolt)$([[ "$HTTP_ENABLED" == true ]] && echo ", http://127.0.0.1:$HTTP_PORT"), logs in $LOG_DIR"
}

# ---------------------------------------------------------------- commands

cmd_start() {
  check_port "$BOLT_PORT"
  if [[ "$HTTP_ENABLED" == true ]]; then
    check_port "$HTTP_PORT"
  fi
  if ((${#DB_PASSWORD} < 8)); then
    die "NEO4J_PASSWORD must have at least 8 characters (Neo4j's minimum)"
  fi
  local pid
  if pid="$(server_pid)"; then
    if bolt_version >/dev/null; then
      log "already running (pid $pid), bolt://127.0.0.1:$BOLT_PORT"
    else
      log "already starting (pid $pid); waiting for Bolt"
      wait_ready "$pid"
    fi
    print_env
    return 0
  fi
  rm -f "$PID_FILE"
  if port_open "$BOLT_PORT"; then
    die "port $BOLT_PORT is already in use by another process (set NEO4J_BOLT_PORT)"
  fi
  if [[ "$HTTP_ENABLED" == true ]] && port_open "$HTTP_PORT"; then
    die "port $HTTP_PORT is already in use by another process (set NEO4J_HTTP_PORT, or 0 to disable HTTP)"
  fi
  find_java
  fetch
  local started=$SECONDS
  prepare_run_dir
  write_conf
  set_initial_password
  log "starting Neo4j $NEO4J_VERSION (heap $HEAP_INITIAL..$HEAP_MAX, page cache $PAGECACHE, run dir $RUN_DIR)"
  launch
  pid="$(cat "$PID_FILE")"
  sleep 0.5
  wait_ready "$pid"
  log "started in $((SECONDS - started)) s"
  print_env
}

cmd_stop() {
  local pid
  if ! pid="$(server_pid)"; then
    rm -f "$PID_FILE"
    log "not running"
    return 0
  fi
  log "stopping Neo4j (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + STOP_TIMEOUT))
  while is_our_server "$pid" && ((SECONDS < deadline)); do
    sleep 0.5
  done
  if is_our_server "$pid"; then
    log "still running after $STOP_TIMEOUT s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    deadline=$((SECONDS + 10))
    while is_our_server "$pid" && ((SECONDS < deadline)); do
      sleep 0.5
    done
    is_our_server "$pid" && die "pid $pid survived SIGKILL"
  fi
  rm -f "$PID_FILE"
  log "stopped"
}

cmd_status() {
  local pid bolt
  if ! pid="$(server_pid)"; then
    log "not running"
    return 3
  fi
  if bolt="$(bolt_version)"; then
    log "running (pid $pid), bolt://127.0.0.1:$BOLT_PORT answers (Bolt $bolt)"
    return 0
  fi
  log "running (pid $pid) but Bolt port $BOLT_PORT does not answer"
  return 1
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) print_env ;;
  -h | --help | help) usage ;;
  *) usage ;;
esac
