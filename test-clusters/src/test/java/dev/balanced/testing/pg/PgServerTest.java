package dev.balanced.testing.pg;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.testing.BinarySource;
import dev.balanced.testing.process.FileTrees;
import dev.balanced.testing.process.FreePorts;
import dev.balanced.testing.process.PortTaken;
import dev.balanced.testing.process.RunAs;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One server on its own: the port race that {@link PgCluster} retries on. */
class PgServerTest {
  private Path directory;
  private PgServer server;

  @BeforeEach
  void initdb() {
    RunAs runAs = RunAs.detect();
    PgBinaries binaries = PgBinaries.locate(BinarySource.AUTO, System.getenv(), runAs);
    try {
      directory = Files.createTempDirectory(Path.of("/tmp"), "balanced-pg-test-");
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    runAs.handOver(directory);
    server = new PgServer("solo", directory.resolve("solo"), binaries, runAs.commands(directory));
    server.initdb();
    ServerConfig.writeHba(server.dataDir());
    ServerConfig.append(
        server.dataDir(), "test", ServerConfig.common(directory.toString(), 0, Map.of()));
  }

  @AfterEach
  void cleanUp() throws Exception {
    server.stop();
    FileTrees.deleteRecursively(directory);
  }

  @Test
  void aPortTakenByAnotherProcessIsReportedSoThatAnotherOneCanBeTried() throws Exception {
    try (ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int taken = squatter.getLocalPort();
      PortTaken e =
          assertThrows(PortTaken.class, () -> server.start(taken, Duration.ofSeconds(30)));
      assertTrue(e.getMessage().contains(Integer.toString(taken)), e.getMessage());
      assertFalse(server.running());
    }
    int port = FreePorts.next();
    server.start(port, Duration.ofSeconds(30));
    assertTrue(server.running());
    assertTrue(FreePorts.inUse(port));
    server.stop();
    assertFalse(server.running());
    assertFalse(FreePorts.inUse(port));
  }
}
