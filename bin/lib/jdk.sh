# Sourced by every launcher: find a JDK 25 (FFM API final) and export JAVA_HOME.
# Order: $JAVA_HOME, `java` on PATH, then the JDKs installed under /usr/lib/jvm and /opt.
# Stops with one line saying what to install when none is found.

java_major() {  # prints the feature version of the java binary $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n1
}

find_jdk25() {
  local candidates=() c
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  for c in /usr/lib/jvm/*25* /usr/lib/jvm/* /opt/*jdk*25* /opt/java/*; do
    [ -d "$c" ] && candidates+=("$c")
  done
  for c in "${candidates[@]}"; do
    if [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ]; then
      local v; v=$(java_major "$c/bin/java")
      if [ -n "$v" ] && [ "$v" -ge 25 ]; then
        echo "$c"; return 0
      fi
    fi
  done
  return 1
}

if ! JAVA_HOME=$(find_jdk25); then
  echo "vswitch: no JDK 25 found (checked \$JAVA_HOME, PATH, /usr/lib/jvm, /opt): install one, e.g. 'apt-get install temurin-25-jdk' or 'openjdk-25-jdk', or set JAVA_HOME" >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
# Maven 3.8 itself still calls sun.misc.Unsafe (through guava/guice); keep JDK 25 quiet about it.
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
VSWITCH_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export VSWITCH_HOME

# Builds module $1 (and what it needs) when it was never built or sources changed since its last build.
# A stamp file marks the last successful build: an up-to-date `mvn package` does not rewrite the jar, so the
# jar's own date cannot tell.
ensure_built() {
  local module=$1 jar="$VSWITCH_HOME/$1/target/$1.jar" stamp="$VSWITCH_HOME/$1/target/.built"
  if [ ! -f "$jar" ] || [ ! -f "$stamp" ] \
     || [ -n "$(find "$VSWITCH_HOME" -path "$VSWITCH_HOME/benchmarks" -prune -o -path "$VSWITCH_HOME/*/src/main/*" -newer "$stamp" -print -quit 2>/dev/null)" ] \
     || [ -n "$(find "$VSWITCH_HOME" -maxdepth 2 -name pom.xml -newer "$stamp" -print -quit 2>/dev/null)" ]; then
    echo "building $module (first use or sources changed)..." >&2
    (set -o pipefail; cd "$VSWITCH_HOME" && mvn -B -q -Dstyle.color=never -pl "$module" -am package -DskipTests 2>&1 \
      | sed 's/\x1b\[[0-9;]*m//g') >&2 || {
      echo "vswitch: build of $module failed (run 'bin/build' to see why)" >&2; exit 1; }
    touch "$stamp"
  fi
}

# Runs main class $2 of module $1 with the module's jar and dependencies on the classpath.
run_java() {
  local module=$1 main=$2; shift 2
  exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED ${VSWITCH_JAVA_OPTS:-} \
    -cp "$VSWITCH_HOME/$module/target/$module.jar:$VSWITCH_HOME/$module/target/lib/*" "$main" "$@"
}
