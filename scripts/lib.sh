# Shared by the launcher scripts: builds on first run (or when sources changed) and runs a main class
# with the JVM flags from config/jvm/ chosen by the Java major version.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

java_major() {
  "$JAVA" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}'
}

jvm_flags() {
  local flags=("@$ROOT/config/jvm/common.args")
  if [ "$(java_major)" -ge 24 ]; then
    flags+=("@$ROOT/config/jvm/jdk24plus.args")
  fi
  printf '%s\n' "${flags[@]}"
}

# Rebuilds when a module's jar is missing or any source or pom changed since the last build by these
# scripts (a stamp file: Maven leaves an unchanged jar's timestamp alone, so the jar cannot serve).
ensure_built() {
  local stale=0 module jar stamp="$ROOT/target/scripts-build.stamp"
  [ -f "$stamp" ] || stale=1
  for module in client dispatcher load-tests; do
    jar=$(ls "$ROOT/$module"/target/*.jar 2>/dev/null | grep -v -e tests.jar -e sources.jar | head -n 1 || true)
    if [ -z "$jar" ] || [ ! -d "$ROOT/$module/target/lib" ]; then stale=1; break; fi
    # every module builds on protocol/ (no target/lib of its own): its sources count for each
    if [ "$stale" = 0 ] && [ -n "$(find "$ROOT/$module/src/main" "$ROOT/$module/pom.xml" "$ROOT/pom.xml" \
        "$ROOT/protocol/src/main" "$ROOT/protocol/pom.xml" \
        -newer "$stamp" -type f -print -quit 2>/dev/null)" ]; then
      stale=1; break
    fi
  done
  if [ "$stale" = 1 ]; then
    echo "building (first run or sources changed): mvn -q -DskipTests package ..." >&2
    if [ "$(java_major)" -ge 24 ]; then export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"; fi
    (cd "$ROOT" && mvn -B -q -DskipTests -pl client,dispatcher,load-tests -am package) >&2 || {
      echo "build failed" >&2; exit 1; }
    mkdir -p "$ROOT/target" && touch "$stamp"
  fi
}

module_classpath() {
  local module=$1 jar
  jar=$(ls "$ROOT/$module"/target/*.jar 2>/dev/null | grep -v -e tests.jar -e sources.jar | head -n 1 || true)
  echo "$jar:$ROOT/$module/target/lib/*"
}

# run_main MODULE MAIN_CLASS [args...]
run_main() {
  local module=$1 main=$2; shift 2
  ensure_built
  mapfile -t flags < <(jvm_flags)
  exec "$JAVA" "${flags[@]}" ${DISPATCH_JAVA_OPTS:-} -cp "$(module_classpath "$module")" "$main" "$@"
}
