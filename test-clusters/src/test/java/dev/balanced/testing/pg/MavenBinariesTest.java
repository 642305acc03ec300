package dev.balanced.testing.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.testing.BinarySource;
import dev.balanced.testing.process.RunAs;
import java.nio.file.Files;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The fallback for machines without PostgreSQL: the binaries from the zonky Maven artifact,
 * unpacked into the cache. They have no pg_basebackup, so the standby is a cold copy of the
 * primary: this class also covers that path.
 */
@PostgresCluster(standbys = 1, binaries = BinarySource.MAVEN)
class MavenBinariesTest {

  @Test
  void theClusterRunsOnTheUnpackedBinaries(PgCluster cluster) throws SQLException {
    assertTrue(
        cluster.binDir().startsWith(MavenBinaries.cacheRoot(RunAs.detect())),
        cluster.binDir().toString());
    assertFalse(Files.exists(cluster.binDir().resolve("pg_basebackup")));
    int version = Integer.parseInt(Sql.query(cluster.primary(), "SHOW server_version_num"));
    assertEquals(16, version / 10000, "server_version_num " + version);
  }

  @Test
  void theColdCopiedStandbyStreamsFromThePrimary(PgCluster cluster) throws SQLException {
    PgNode standby = cluster.standby(1);
    assertEquals("t", Sql.query(standby, "SELECT pg_is_in_recovery()"));
    assertEquals("streaming", Sql.query(standby, "SELECT status FROM pg_stat_wal_receiver"));
    assertEquals(
        "standby1",
        Sql.query(cluster.primary(), "SELECT application_name FROM pg_stat_replication"));

    Sql.execute(cluster.primary(), "CREATE TABLE t (id bigint PRIMARY KEY)");
    Sql.execute(cluster.primary(), "INSERT INTO t VALUES (42)");
    cluster.waitForReplay(standby, Duration.ofSeconds(30));
    assertTrue(Sql.hasRow(standby, "t", 42));
  }
}
