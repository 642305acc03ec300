package dev.balanced.servlet.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real {@code redis-server} for this module's tests, on a free loopback port, in a temp
 * directory, without persistence ({@code --save "" --appendonly no}). It never silently does
 * nothing: {@link #start()} either returns a server that answers {@code PING} or throws saying why
 * (no program found, and where it looked; or the server's own log).
 *
 * <p>Where the program comes from is explicit, see {@link RedisBinarySource}: an installed one, or
 * the one packaged in {@value RedisBinary#ARTIFACT} from Maven Central.
 *
 * <p>It is stopped by {@link #close()}; if the JVM exits without that, by a shutdown hook; and if
 * the JVM is killed (kill -9, a build timeout), by a detached watchdog that kills the server and
 * deletes its directory once the JVM is gone. {@link #stop()} and {@link #restart()} let a test
 * take Redis away and bring it back on the same port.
 */
public final class RedisServer implements AutoCloseable {
  private static final long START_TIMEOUT_MILLIS = 20_000;
  private static final Logger LOG = LoggerFactory.getLogger(RedisServer.class);

  /**
   * $1 directory, $2 pid of the JVM. Once the JVM is gone (or the directory, which is how close()
   * ends it): SIGKILL to every process whose working directory is the server's (redis-server
   * changes into its --dir), then the directory goes.
   */
  static final String WATCHDOG_SCRIPT =
      String.join(
          "\n",
          "dir=\"$1\"; jvm=\"$2\"",
          "while kill -0 \"$jvm\" 2>/dev/null && [ -d \"$dir\" ]; do sleep 1; done",
          "[ -d \"$dir\" ] || exit 0",
          "for p in /proc/[0-9]*; do",
          "  if [ \"$(readlink \"$p/cwd\" 2>/dev/null)\" = \"$dir\" ]; then",
          "    kill -KILL \"${p#/proc/}\" 2>/dev/null",
          "  fi",
          "done",
          "rm -rf \"$dir\"",
          "");

  private final RedisBinary binary;
  private final Path dir;
  private final Process watchdog;
  private final Thread shutdownHook;
  private int port;
  private Process process;
  private boolean closed;

  private RedisServer(RedisBinary binary, Path dir, Process watchdog) {
    this.binary = binary;
    this.dir = dir;
    this.watchdog = watchdog;
    this.shutdownHook =
        new Thread(this::closeQuietly, "redis-server-shutdown-" + dir.getFileName());
  }

  /** Starts a server with the program {@link RedisBinarySource#fromSystemProperty()} allows. */
  public static RedisServer start() {
    return start(RedisBinarySource.fromSystemProperty());
  }

  /**
   * Starts a server with a program from {@code source}.
   *
   * @throws IllegalStateException when no program is found or the server does not come up; the
   *     message says what was tried, or holds the server's log
   */
  public static RedisServer start(RedisBinarySource source) {
    return start(RedisBinary.locate(source));
  }

  /** Starts a server running {@code binary}. */
  public static RedisServer start(RedisBinary binary) {
    Path dir;
    try {
      dir = Files.createTempDirectory("balanced-redis-").toRealPath();
    } catch (IOException e) {
      throw new IllegalStateException("could not create a directory for redis-server", e);
    }
    RedisServer server = new RedisServer(binary, dir, startWatchdog(dir));
    Runtime.getRuntime().addShutdownHook(server.shutdownHook);
    try {
      server.startOnFreePort();
      LOG.info("Started {}", server);
      return server;
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /** {@code redis://127.0.0.1:<port>}. */
  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** The program and where it came from. */
  public RedisBinary binary() {
    return binary;
  }

  /** The directory the server runs in (deleted by {@link #close()}). */
  public Path dir() {
    return dir;
  }

  /** The server's process id, or -1 while it is stopped. */
  public synchronized long pid() {
    return process == null ? -1 : process.pid();
  }

  /** Whether the server process is alive. */
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Takes the server down (SIGTERM, then SIGKILL), keeping its port for {@link #restart()}. */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    if (process.isAlive()) {
      try {
        new ProcessBuilder("kill", "-CONT", Long.toString(process.pid())).start().waitFor();
      } catch (IOException e) {
        // A frozen server ignores SIGTERM until resumed; SIGKILL below still ends it.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  /**
   * Freezes the server (SIGSTOP): it keeps its connections but answers nothing, as a Redis that
   * hangs or a network that drops packets. {@link #thaw()} resumes it.
   */
  public synchronized void freeze() {
    signal("-STOP");
  }

  /** Resumes a frozen server (SIGCONT). */
  public synchronized void thaw() {
    signal("-CONT");
  }

  private void signal(String signal) {
    if (process == null) {
      throw new IllegalStateException("redis-server is not running");
    }
    try {
      Process kill =
          new ProcessBuilder("kill", signal, Long.toString(process.pid()))
              .redirectErrorStream(true)
              .start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run kill", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Starts the server again on the same port (after {@link #stop()}). */
  public synchronized void restart() {
    if (closed) {
      throw new IllegalStateException("closed");
    }
    stop();
    String failure = launch(port);
    if (failure != null) {
      throw new IllegalStateException(
          "redis-server did not come back on port " + port + ": " + failure);
    }
  }

  /** Stops the server and deletes its directory. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      stop();
    } finally {
      deleteDir();
      watchdog.destroy();
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // The JVM is shutting down: the hook runs or has run.
      }
    }
  }

  @Override
  public String toString() {
    return "RedisServer[" + uri() + ", " + binary.origin() + ", " + binary.version() + "]";
  }

  private void closeQuietly() {
    try {
      close();
    } catch (RuntimeException e) {
      // Nothing to report to at JVM exit.
    }
  }

  private synchronized void startOnFreePort() {
    List<String> failures = new ArrayList<>();
    for (int attempt = 0; attempt < 5; attempt++) {
      int candidate = freePort();
      String failure = launch(candidate);
      if (failure == null) {
        port = candidate;
        return;
      }
      failures.add("port " + candidate + ": " + failure);
      if (!failure.contains("Address already in use")) {
        break;
      }
    }
    throw new IllegalStateException(
        "redis-server ("
            + binary.origin()
            + ") did not start:\n  "
            + String.join("\n  ", failures));
  }

  /** Starts the process on {@code port}; {@code null} once it answers PING, else why not. */
  private String launch(int port) {
    Path log = dir.resolve("redis.log");
    List<String> command =
        List.of(
            binary.program().toString(),
            "--port",
            Integer.toString(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            dir.toString(),
            "--daemonize",
            "no",
            "--protected-mode",
            "yes");
    try {
      process =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
    } catch (IOException e) {
      process = null;
      return "cannot run " + binary.program() + ": " + e;
    }
    long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
    while (System.currentTimeMillis() < deadline) {
      if (!process.isAlive()) {
        process = null;
        return "exited at once; its log:\n" + tail(log);
      }
      if (ping(port)) {
        return null;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    stop();
    return "no PONG within " + START_TIMEOUT_MILLIS + " ms; its log:\n" + tail(log);
  }

  /** Whether a Redis on the loopback {@code port} answers PING. */
  public static boolean ping(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      socket.setSoTimeout(500);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] expected = "+PONG".getBytes(StandardCharsets.US_ASCII);
      for (byte b : expected) {
        if (in.read() != b) {
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("could not ask the OS for a free port", e);
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return "    "
          + String.join("\n    ", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "    (no log: " + e + ")";
    }
  }

  private void deleteDir() {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // The watchdog deletes it once it notices the JVM is gone.
    }
  }

  private static Process startWatchdog(Path dir) {
    List<String> command = new ArrayList<>();
    for (String candidate : List.of("/usr/bin/setsid", "/bin/setsid")) {
      if (Files.isExecutable(Path.of(candidate))) {
        command.add(candidate); // its own session: Ctrl-C to the build does not take it down
        break;
      }
    }
    command.addAll(
        List.of(
            "sh",
            "-c",
            WATCHDOG_SCRIPT,
            "balanced-redis-watchdog",
            dir.toString(),
            Long.toString(ProcessHandle.current().pid())));
    try {
      return new ProcessBuilder(command)
          .directory(new File("/"))
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          // No pipes to this JVM: they would break when it dies, which is when it must work.
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
    } catch (IOException e) {
      throw new IllegalStateException("could not start the redis-server watchdog", e);
    }
  }
}
