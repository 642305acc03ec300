package dev.balanced.testing.mariadb;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.testing.BinarySource;
import dev.balanced.testing.process.FileTrees;
import dev.balanced.testing.process.FreePorts;
import dev.balanced.testing.process.PortTaken;
import dev.balanced.testing.process.RunAs;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One server on its own: the port race that {@link MariaCluster} retries on. */
class MariaServerTest {
  private Path directory;
  private MariaServer server;

  @BeforeEach
  void installDb() throws IOException {
    RunAs runAs = RunAs.detect();
    MariaBinaries binaries = MariaBinaries.locate(BinarySource.AUTO, System.getenv(), runAs);
    directory = Files.createTempDirectory(Path.of("/tmp"), "balanced-mariadb-test-");
    runAs.handOver(directory);
    Path dataDir = directory.resolve("solo");
    MariaServer.installDb(binaries, runAs.commands(directory), dataDir);
    server =
        new MariaServer(
            "solo",
            dataDir,
            directory.resolve("solo.sock"),
            binaries,
            runAs.commands(directory),
            List.of("--skip-grant-tables"));
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
  }
}
