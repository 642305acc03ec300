package dev.balanced.testing.pg;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The failover operations of a {@link PgCluster}: promote a standby, point standbys at the new
 * primary, bring the old primary back as a standby. The cluster checks the arguments and holds its
 * lock; this class does the work and keeps the roles up to date.
 */
final class Failover {
  private static final Logger log = LoggerFactory.getLogger(PgCluster.class);

  /** The timeline of a primary: the first 8 hex digits of its current WAL file's name. */
  private static final String TIMELINE_SQL =
      "SELECT CASE WHEN pg_is_in_recovery() THEN coalesce("
          + "(SELECT received_tli FROM pg_stat_wal_receiver WHERE received_tli > 0),"
          + " (SELECT timeline_id FROM pg_control_checkpoint()))"
          + " ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END";

  private final PgCluster cluster;
  private final Resync resync;

  Failover(PgCluster cluster, Resync resync) {
    this.cluster = cluster;
    this.resync = resync;
  }

  PgNode failover() {
    PgNode old = cluster.primary();
    if (old.isRunning() || old.server().running()) {
      cluster.crash(old);
    }
    PgNode best = mostAdvancedStandby();
    promote(best);
    for (PgNode standby : cluster.standbys()) {
      if (standby.isRunning()) {
        follow(standby);
      }
    }
    return best;
  }

  /** The running standby with the most WAL, received or replayed. */
  PgNode mostAdvancedStandby() {
    PgNode best = null;
    long bestLsn = -1;
    for (PgNode standby : cluster.standbys()) {
      if (!standby.isRunning()) {
        continue;
      }
      long lsn =
          lsn(
              cluster.queryString(
                  standby,
                  "SELECT greatest(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::text"));
      if (lsn > bestLsn) {
        best = standby;
        bestLsn = lsn;
      }
    }
    if (best == null) {
      throw new PgClusterException("no running standby to promote in " + cluster);
    }
    return best;
  }

  void promote(PgNode standby) {
    requireRunning(standby);
    int seconds = (int) Math.max(1, cluster.options().startupTimeout().toSeconds());
    String promoted = cluster.queryString(standby, "SELECT pg_promote(true, " + seconds + ")");
    if (!"t".equals(promoted)) {
      throw new PgClusterException(
          standby.name()
              + " was not promoted within "
              + seconds
              + " s\n--- last lines of "
              + standby.logFile()
              + " ---\n"
              + standby.server().logTail());
    }
    cluster.await(
        standby,
        "leave recovery",
        cluster.options().startupTimeout(),
        "SELECT NOT pg_is_in_recovery()");
    PgNode old = cluster.primary();
    old.role(PgNode.Role.FORMER_PRIMARY);
    standby.role(PgNode.Role.PRIMARY);
    standby.upstream(null);
    cluster.primary(standby);
    log.info(
        "Promoted {} to primary on timeline {}; {} is a former primary ({})",
        standby,
        timeline(standby),
        old.name(),
        old.isRunning() ? "still running: split brain" : "stopped");
  }

  void follow(PgNode standby) {
    PgNode primary = cluster.primary();
    requireRunning(standby);
    requireRunning(primary);
    String conninfo = ServerConfig.conninfo(primary.port(), standby.name());
    cluster.execute(standby, "ALTER SYSTEM SET primary_conninfo = " + ServerConfig.quote(conninfo));
    cluster.execute(standby, "SELECT pg_reload_conf()");
    standby.upstream(primary);
    int timeline = timeline(primary);
    awaitStreamingFrom(standby, primary, timeline);
    log.info("{} follows {} on timeline {}", standby.name(), primary, timeline);
  }

  void rejoin(PgNode node) {
    PgNode primary = cluster.primary();
    if (node == primary) {
      throw new IllegalArgumentException(node.name() + " is the primary");
    }
    requireRunning(primary);
    if (node.isRunning() || node.server().running()) {
      cluster.stop(node);
    }
    String how = resync.copy(node, primary);
    ServerConfig.makeStandby(node.dataDir(), primary.port(), node.name(), cluster.runAs());
    node.role(PgNode.Role.STANDBY);
    node.upstream(primary);
    ServerConfig.append(
        node.dataDir(), "balanced-pg-cluster: rejoined as a standby", cluster.ownSettings(node));
    cluster.startOnSamePort(node);
    awaitStreamingFrom(node, primary, timeline(primary));
    log.info("{} rejoined as a standby of {} (by {})", node, primary.name(), how);
  }

  int timeline(PgNode node) {
    requireRunning(node);
    return Integer.parseInt(cluster.queryString(node, TIMELINE_SQL));
  }

  private void awaitStreamingFrom(PgNode standby, PgNode primary, int timeline) {
    cluster.await(
        standby,
        "stream from " + primary + " on timeline " + timeline,
        cluster.options().startupTimeout(),
        "SELECT pg_is_in_recovery() AND coalesce((SELECT status = 'streaming'"
            + " AND sender_port = "
            + primary.port()
            + " AND received_tli = "
            + timeline
            + " FROM pg_stat_wal_receiver), false)");
  }

  private static void requireRunning(PgNode node) {
    if (!node.isRunning()) {
      throw new IllegalStateException(node.name() + " is stopped: start it first");
    }
  }

  /** {@code 16/B374D848} as a number, to compare. */
  static long lsn(String text) {
    if (text == null) {
      return -1;
    }
    String[] parts = text.split("/");
    return (Long.parseLong(parts[0], 16) << 32) | Long.parseLong(parts[1], 16);
  }
}
