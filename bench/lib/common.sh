# Shared by bench/run and the suites (sourced). Needs BENCH, ROOT, RESULTS, CACHE.
log()  { echo "bench: $*" >&2; }
warn() { echo "bench: warning: $*" >&2; }
die()  { echo "bench: error: $*" >&2; exit 1; }
now()  { date +%s.%N; }

# The same JDK search as ./longvqa: JAVA_HOME, then /usr/lib/jvm/*, then java on the PATH.
find_jdk() {
  local c v
  for c in "${JAVA_HOME:-}" /usr/lib/jvm/* "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")"; do
    [[ -n "$c" && -x "$c/bin/java" && -x "$c/bin/javac" ]] || continue
    v=$("$c/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1)
    if [[ -n "$v" && "${v%%.*}" -ge 21 ]]; then echo "$c"; return 0; fi
  done
  return 1
}

# Installs a Debian package when the command is missing and we may (root + apt); else fails.
need() { # command package
  command -v "$1" >/dev/null 2>&1 && return 0
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    log "installing $2 (apt)"
    (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2") >/dev/null 2>&1 || true
  fi
  command -v "$1" >/dev/null 2>&1 || die "$1 is needed (apt-get install $2)"
}

setup() {
  need ffmpeg ffmpeg
  [[ -x /usr/bin/time ]] || need /usr/bin/time time
  JAVA_HOME="$(find_jdk)" || die "no JDK 21 or newer found"
  export JAVA_HOME
  mkdir -p "$RESULTS" "$CACHE"
  # ./longvqa builds the core if it is missing or stale; its --help run is the cheapest way in.
  "$ROOT/longvqa" --help >/dev/null 2>&1 || die "could not build longvqa (run ./longvqa --help to see why)"
}

# Our helper mains (charts, cut scoring) from the core's classes, without the launcher's exec.
bench_tool() {
  "$JAVA_HOME/bin/java" -Djava.awt.headless=true -cp "$ROOT/src/target/classes:$(cat "$ROOT/src/target/classpath.txt")" \
    dev.longvqa.report.BenchTool "$@"
}

# timed OUT_PREFIX cmd...: runs cmd under /usr/bin/time; stdout to OUT_PREFIX.out, stderr to
# OUT_PREFIX.err; prints "wall_seconds peak_rss_kb". Fails if cmd fails.
timed() {
  local p="$1"; shift
  /usr/bin/time -f "%e %M" -o "$p.time" "$@" > "$p.out" 2> "$p.err" || { warn "failed: $* (see $p.err)"; tail -5 "$p.err" >&2; return 1; }
  cat "$p.time"
}

machine_line() {
  local cpu mem
  cpu=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n1)
  mem=$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
  echo "$(nproc) cores ($cpu), $mem RAM, $(ffmpeg -version | head -n1 | cut -d' ' -f1-3), $("$JAVA_HOME/bin/java" -version 2>&1 | head -n1)"
}

assemble_readme() {
  {
    echo "# Benchmark results"
    echo
    echo "Written by \`bench/run\` (see docs/BENCH.md). Every figure is a ratio against a reference"
    echo "run made in the same invocation on the same machine; absolute numbers are shown only next"
    echo "to their reference. Each section says when and where it was measured."
    echo
    local s
    for s in decode cuts micro compress ask; do
      [[ -f "$RESULTS/$s.md" ]] && { cat "$RESULTS/$s.md"; echo; }
    done
  } > "$RESULTS/README.md.tmp"
  mv "$RESULTS/README.md.tmp" "$RESULTS/README.md"
}

section_header() { # title
  echo "## $1"
  echo
  echo "_Measured $(date -u +%Y-%m-%dT%H:%MZ) on $(machine_line)._"
  echo
}
