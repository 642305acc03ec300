package dev.balanced.testing.process;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A detached shell process that cleans up after a JVM that died without closing its cluster (of
 * PostgreSQL or MariaDB servers) ({@code kill -9}, a crash, a CI timeout): once the JVM is gone it
 * shuts the servers down immediately, kills what is left of them, and deletes the cluster
 * directory. A shutdown hook cannot do this, since nothing runs in a JVM killed with SIGKILL.
 *
 * <p>It runs in its own session ({@code setsid}), so that signals sent to the JVM's process group
 * (Ctrl-C, a build tool stopping its forks) do not take it down too. It ends by itself when the
 * directory disappears, which is how a cluster's {@code close()} normally ends it (besides
 * destroying it).
 */
public final class Watchdog implements AutoCloseable {
  /**
   * $1 cluster directory, $2 pid of the JVM, $3 token (the directory's name, also in every server's
   * cluster_name).
   *
   * <p>First an immediate shutdown of each PostgreSQL postmaster, which takes its children down
   * cleanly. A postmaster counts only if its command line holds its data directory, since a stale
   * postmaster.pid may name an unrelated process. Then SIGKILL, until nothing is left for a few
   * rounds, to whatever still belongs to the cluster (a MariaDB server names its data directory on
   * its command line): a server that started after that scan, its children (titled {@code
   * "postgres: <token>/<node>: ..."}), or a tool the JVM had started (initdb, pg_ctl,
   * pg_basebackup, cp, runuser) that still works on the directory. The watchdog's own command line
   * names the directory too, hence the exception for "balanced-pg-watchdog".
   */
  public static final String SCRIPT =
      String.join(
          "\n",
          "root=\"$1\"; jvm=\"$2\"; token=\"$3\"",
          "while kill -0 \"$jvm\" 2>/dev/null && [ -d \"$root\" ]; do sleep 1; done",
          "[ -d \"$root\" ] || exit 0",
          "pids=''",
          "for pidfile in \"$root\"/*/postmaster.pid; do",
          "  [ -f \"$pidfile\" ] || continue",
          "  pid=$(head -n 1 \"$pidfile\")",
          "  case \"$pid\" in ''|*[!0-9]*) continue;; esac",
          "  if tr '\\000' '\\n' < \"/proc/$pid/cmdline\" 2>/dev/null"
              + " | grep -qxF \"${pidfile%/postmaster.pid}\"; then",
          "    kill -QUIT \"$pid\" 2>/dev/null; pids=\"$pids $pid\"",
          "  fi",
          "done",
          "i=0",
          "while [ -n \"$pids\" ] && [ $i -lt 50 ]; do",
          "  alive=''",
          "  for pid in $pids; do kill -0 \"$pid\" 2>/dev/null && alive=\"$alive $pid\"; done",
          "  [ -z \"$alive\" ] && break",
          "  sleep 0.1; i=$((i+1))",
          "done",
          "sweep() {",
          "  found=1",
          "  for f in $(grep -laF -e \"$root/\" -e \"postgres: $token/\" /proc/[0-9]*/cmdline"
              + " 2>/dev/null); do",
          "    grep -qaF balanced-pg-watchdog \"$f\" 2>/dev/null && continue",
          "    p=${f#/proc/}; p=${p%/cmdline}",
          "    kill -KILL \"$p\" 2>/dev/null && found=0",
          "  done",
          "  return $found",
          "}",
          "quiet=0; i=0",
          "while [ $quiet -lt 3 ] && [ $i -lt 150 ]; do",
          "  if sweep; then quiet=0; else quiet=$((quiet+1)); fi",
          "  sleep 0.2; i=$((i+1))",
          "done",
          "rm -rf \"$root\"",
          "");

  private final Process process;

  private Watchdog(Process process) {
    this.process = process;
  }

  public static Watchdog start(Path clusterDir, String token) {
    List<String> command = new ArrayList<>();
    Optional<Path> setsid = Executables.find("setsid");
    setsid.ifPresent(p -> command.add(p.toString()));
    command.addAll(
        List.of(
            "sh",
            "-c",
            SCRIPT,
            "balanced-pg-watchdog",
            clusterDir.toString(),
            Long.toString(ProcessHandle.current().pid()),
            token));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            // No pipes to this JVM: they would break when it dies, which is when it must work.
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    try {
      return new Watchdog(builder.start());
    } catch (IOException e) {
      throw new ClusterException("could not start the cleanup watchdog", e);
    }
  }

  public long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    process.destroy();
  }
}
