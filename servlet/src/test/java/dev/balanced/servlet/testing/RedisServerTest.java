package dev.balanced.servlet.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The test Redis starter: it runs the installed redis-server or the one from Maven Central, stops
 * it and cleans up, even after the JVM is killed, and fails loudly (never skips) when there is no
 * redis-server to run.
 */
class RedisServerTest {

  @Test
  void theRedisPackagedInAMavenJarStartsAnswersAndIsCleanedUp() {
    Path dir;
    long pid;
    try (RedisServer redis = RedisServer.start(RedisBinarySource.MAVEN)) {
      assertTrue(redis.binary().origin().startsWith(RedisBinary.ARTIFACT), redis.toString());
      assertTrue(RedisServer.ping(redis.port()));
      assertTrue(redis.uri().startsWith("redis://127.0.0.1:"));
      dir = redis.dir();
      pid = redis.pid();
      assertTrue(Files.isDirectory(dir));
    }
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "stopped");
    assertFalse(Files.exists(dir), "its directory is deleted");
  }

  @Test
  void autoPrefersAnInstalledRedisAndSaysWhichItUses() {
    try (RedisServer redis = RedisServer.start(RedisBinarySource.AUTO)) {
      boolean installed =
          RedisBinary.installed(System.getenv("PATH"), RedisBinary.USUAL_DIRS).isPresent();
      assertEquals(
          installed,
          redis.binary().origin().startsWith("installed: "),
          "installed " + installed + ", used " + redis.binary().origin());
      assertTrue(redis.binary().version().startsWith("Redis server v="), redis.binary().version());
    }
  }

  @Test
  void stopFreezeAndRestartKeepThePort() {
    try (RedisServer redis = RedisServer.start()) {
      int port = redis.port();
      redis.stop();
      assertFalse(redis.isRunning());
      assertFalse(RedisServer.ping(port));
      redis.restart();
      assertEquals(port, redis.port());
      assertTrue(RedisServer.ping(port));
      redis.freeze();
      assertFalse(RedisServer.ping(port), "a frozen server answers nothing");
      redis.thaw();
      assertTrue(RedisServer.ping(port));
    }
  }

  @Test
  void withNoRedisAnywhereItFailsSayingWhatItTried() {
    ClassLoader empty = new ClassLoader(null) {};
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                RedisBinary.locate(
                    RedisBinarySource.AUTO, Map.of("PATH", "/nonexistent"), List.of(), empty));
    assertTrue(e.getMessage().contains("No redis-server to start"), e.getMessage());
    assertTrue(e.getMessage().contains("/nonexistent"), e.getMessage());
    assertTrue(e.getMessage().contains(RedisBinary.ARTIFACT), e.getMessage());
    assertTrue(e.getMessage().contains("not on the class path"), e.getMessage());

    IllegalStateException installedOnly =
        assertThrows(
            IllegalStateException.class,
            () ->
                RedisBinary.locate(
                    RedisBinarySource.INSTALLED,
                    Map.of("PATH", "/nonexistent"),
                    List.of(),
                    RedisBinary.class.getClassLoader()));
    assertTrue(installedOnly.getMessage().contains("source INSTALLED"));
  }

  @Test
  void anExplicitProgramMustWork() {
    IllegalStateException missing =
        assertThrows(
            IllegalStateException.class,
            () ->
                RedisBinary.locate(
                    RedisBinarySource.AUTO,
                    Map.of(RedisBinarySource.ENV_PROGRAM, "/nonexistent/redis-server")));
    assertTrue(missing.getMessage().contains("REDIS_SERVER=/nonexistent/redis-server"));

    IllegalStateException notRedis =
        assertThrows(
            IllegalStateException.class,
            () ->
                RedisBinary.locate(
                    RedisBinarySource.AUTO, Map.of(RedisBinarySource.ENV_PROGRAM, "/bin/echo")));
    assertTrue(notRedis.getMessage().contains("--version failed"), notRedis.getMessage());
  }

  @Test
  void anUnknownSourceIsRefused() {
    String before = System.getProperty(RedisBinarySource.PROPERTY);
    System.setProperty(RedisBinarySource.PROPERTY, "docker");
    try {
      assertThrows(IllegalArgumentException.class, RedisBinarySource::fromSystemProperty);
    } finally {
      if (before == null) {
        System.clearProperty(RedisBinarySource.PROPERTY);
      } else {
        System.setProperty(RedisBinarySource.PROPERTY, before);
      }
    }
  }

  private static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * The kill -9 safety net: a watchdog for a "JVM" (here a sleep process) kills the server and
   * deletes its directory once that process is gone.
   */
  @Test
  void theWatchdogKillsTheServerOnceItsJvmIsGone() throws Exception {
    RedisBinary binary = RedisBinary.locate(RedisBinarySource.fromSystemProperty());
    Path dir = Files.createTempDirectory("balanced-redis-watchdog-test-").toRealPath();
    Process fakeJvm = new ProcessBuilder("sleep", "600").start();
    Process server = null;
    Process watchdog = null;
    try {
      server =
          new ProcessBuilder(
                  binary.program().toString(),
                  "--port",
                  Integer.toString(freePort()),
                  "--bind",
                  "127.0.0.1",
                  "--save",
                  "",
                  "--dir",
                  dir.toString())
              .directory(dir.toFile())
              .redirectOutput(dir.resolve("redis.log").toFile())
              .redirectErrorStream(true)
              .start();
      watchdog =
          new ProcessBuilder(
                  "sh",
                  "-c",
                  RedisServer.WATCHDOG_SCRIPT,
                  "balanced-redis-watchdog",
                  dir.toString(),
                  Long.toString(fakeJvm.pid()))
              .directory(new File("/"))
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      Thread.sleep(1500);
      assertTrue(
          server.isAlive(),
          "the server runs while its JVM does; its log: "
              + Files.readString(dir.resolve("redis.log")));
      fakeJvm.destroyForcibly(); // the JVM "dies"
      assertTrue(server.waitFor(15, TimeUnit.SECONDS), "the watchdog killed the server");
      assertTrue(watchdog.waitFor(15, TimeUnit.SECONDS), "the watchdog ended");
      assertFalse(Files.exists(dir), "and deleted its directory");
    } finally {
      fakeJvm.destroyForcibly();
      if (server != null) {
        server.destroyForcibly();
      }
      if (watchdog != null) {
        watchdog.destroyForcibly();
      }
      if (Files.exists(dir)) {
        try (var files = Files.walk(dir)) {
          for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        }
      }
    }
  }
}
