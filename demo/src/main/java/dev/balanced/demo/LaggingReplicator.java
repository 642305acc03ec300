package dev.balanced.demo;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stands in for streaming replication between two H2 databases, which H2 does not have: copies the
 * primary's schema to the replica once, then every message {@code lag} after it was posted. The
 * replica is written by nothing else, like a hot standby.
 */
final class LaggingReplicator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LaggingReplicator.class);

  private final String primaryUrl;
  private final String replicaUrl;
  private final Duration lag;
  private final ScheduledExecutorService timer;
  private long copiedUpTo;

  private LaggingReplicator(String primaryUrl, String replicaUrl, Duration lag) {
    this.primaryUrl = primaryUrl;
    this.replicaUrl = replicaUrl;
    this.lag = lag;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "h2-replication");
              thread.setDaemon(true);
              return thread;
            });
  }

  static LaggingReplicator start(String primaryUrl, String replicaUrl, Duration lag) {
    LaggingReplicator replicator = new LaggingReplicator(primaryUrl, replicaUrl, lag);
    try {
      replicator.copySchema();
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot copy the schema to the H2 replica", e);
    }
    replicator.timer.scheduleWithFixedDelay(
        replicator::copyDueMessages, 100, 100, TimeUnit.MILLISECONDS);
    return replicator;
  }

  private void copySchema() throws SQLException {
    List<String> ddl = new ArrayList<>();
    try (Connection primary = DriverManager.getConnection(primaryUrl, "sa", "");
        Statement s = primary.createStatement();
        ResultSet script = s.executeQuery("script nodata nopasswords nosettings")) {
      while (script.next()) {
        String statement = script.getString(1);
        if (statement.startsWith("CREATE") && !statement.startsWith("CREATE USER")) {
          ddl.add(statement);
        }
      }
    }
    try (Connection replica = DriverManager.getConnection(replicaUrl, "sa", "");
        Statement s = replica.createStatement()) {
      s.execute("drop all objects");
      for (String statement : ddl) {
        s.execute(statement);
      }
    }
  }

  private void copyDueMessages() {
    Timestamp due = Timestamp.from(Instant.now().minus(lag));
    try (Connection primary = DriverManager.getConnection(primaryUrl, "sa", "");
        Connection replica = DriverManager.getConnection(replicaUrl, "sa", "");
        PreparedStatement read =
            primary.prepareStatement(
                "select id, text, posted_at from message where id > ? and posted_at <= ? order by id");
        PreparedStatement write =
            replica.prepareStatement(
                "insert into message (id, text, posted_at) values (?, ?, ?)")) {
      read.setLong(1, copiedUpTo);
      read.setTimestamp(2, due);
      try (ResultSet rows = read.executeQuery()) {
        while (rows.next()) {
          write.setLong(1, rows.getLong(1));
          write.setString(2, rows.getString(2));
          write.setTimestamp(3, rows.getTimestamp(3));
          write.executeUpdate();
          copiedUpTo = rows.getLong(1);
        }
      }
    } catch (SQLException e) {
      LOG.warn("H2 replication step failed: {}", e.getMessage());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
