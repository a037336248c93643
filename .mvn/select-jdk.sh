# Sourced by ./mvnw: Tandem builds with a JDK 21 or newer. Keep JAVA_HOME when it is one; otherwise take
# `java` on PATH, then the newest under /usr/lib/jvm, and say clearly when there is none.
tandem_java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}
tandem_select_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    v=$(tandem_java_major "$JAVA_HOME/bin/java")
    [ -n "$v" ] && [ "$v" -ge 21 ] && return 0
  fi
  if command -v javac >/dev/null 2>&1; then
    home=$(cd "$(dirname "$(readlink -f "$(command -v javac)")")/.." && pwd)
    v=$(tandem_java_major "$home/bin/java")
    if [ -n "$v" ] && [ "$v" -ge 21 ]; then JAVA_HOME=$home; export JAVA_HOME; return 0; fi
  fi
  set +f  # ./mvnw runs with globbing off
  best=""; best_v=0
  for d in /usr/lib/jvm/*; do
    [ -x "$d/bin/javac" ] || continue
    v=$(tandem_java_major "$d/bin/java")
    if [ -n "$v" ] && [ "$v" -ge 21 ] && [ "$v" -gt "$best_v" ]; then best=$d; best_v=$v; fi
  done
  set -f
  if [ -n "$best" ]; then JAVA_HOME=$best; export JAVA_HOME; return 0; fi
  echo "Tandem needs a JDK 21 or newer to build; none found in JAVA_HOME, on PATH or under /usr/lib/jvm." >&2
  echo "Install one (for example: apt-get install openjdk-21-jdk) or set JAVA_HOME to it." >&2
  exit 2
}
tandem_select_jdk
