package dev.balanced.internal.topology;

import com.zaxxer.hikari.util.DriverDataSource;
import dev.balanced.internal.config.NodeSettings;
import dev.balanced.spi.Secrets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code topology=discover}: asks every node what it is ({@link ServerRole}) every {@code
 * topology_check_ms}, on a thread of its own, and keeps the answer where routing reads it:
 *
 * <ul>
 *   <li>the primary is the node that says it is one, on the latest timeline seen; the primary's
 *       pool connects to it ({@link #primaryDataSource()}), and moves when it moves;
 *   <li>a node that says it is a primary on an older timeline is a former one (split brain): {@link
 *       Node.Role#FENCED}, logged at ERROR, given no statement;
 *   <li>standbys serve reads; a node that does not answer keeps its role, and its pool's health
 *       says it is down.
 * </ul>
 *
 * Each check opens a connection of its own to each node (not from the pools, which a busy
 * application may have exhausted), with connect and socket timeouts of twice the interval.
 */
final class RoleMonitor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("dev.balanced.topology");

  /** One node: how to reach it outside its pool, and its node in the topology. */
  private static final class Member {
    final String name;
    final String url;
    final DataSource source;
    Node node;
    ServerRole last;

    Member(String name, String url, DataSource source) {
      this.name = name;
      this.url = url;
      this.source = source;
    }
  }

  private final List<Member> members = new ArrayList<>();
  private final Timelines timelines;
  private final int checkMs;
  private final Set<String> fencedTold = new HashSet<>();
  private ScheduledExecutorService thread;
  private Node primaryNode;

  /** The node that is the primary; {@code null} while none is known. */
  private volatile Member primary;

  private boolean noPrimaryTold;

  private RoleMonitor(List<NodeSettings> nodes, int checkMs, Timelines timelines) {
    this.checkMs = checkMs;
    this.timelines = timelines;
    int timeoutSeconds = Math.max(1, (2 * checkMs + 999) / 1000);
    for (NodeSettings node : nodes) {
      Properties properties = new Properties();
      properties.setProperty("connectTimeout", String.valueOf(timeoutSeconds));
      properties.setProperty("socketTimeout", String.valueOf(timeoutSeconds));
      properties.setProperty("ApplicationName", "balanced-topology");
      members.add(
          new Member(
              node.name(),
              node.url(),
              new DriverDataSource(
                  node.url(), null, properties, node.username(), node.password())));
    }
  }

  /**
   * Asks every node once, so that the primary is known before the first unit of work; then starts
   * nothing yet: {@link #run} does, once the topology's nodes exist.
   */
  static RoleMonitor firstCheck(List<NodeSettings> nodes, int checkMs, Timelines timelines) {
    RoleMonitor monitor = new RoleMonitor(nodes, checkMs, timelines);
    monitor.check();
    return monitor;
  }

  /** Where connections to the primary go now. */
  DataSource primaryDataSource() throws SQLException {
    Member current = primary;
    if (current == null) {
      throw new SQLNonTransientConnectionException(
          "no node reports itself the primary (topology=discover, nodes " + names() + ")",
          PrimaryConnections.REJECTED);
    }
    return current.source;
  }

  /** The JDBC URL of the node that is the primary; {@code null} while none is known. */
  String primaryUrl() {
    Member current = primary;
    return current == null ? null : current.url;
  }

  /** Gives each member its node (same names) and starts checking every interval. */
  void run(Node primaryNode, List<Node> nodes) {
    synchronized (this) {
      this.primaryNode = primaryNode;
      for (Member member : members) {
        for (Node node : nodes) {
          if (node.name().equals(member.name)) {
            member.node = node;
          }
        }
        applyRole(member);
      }
    }
    thread =
        Executors.newSingleThreadScheduledExecutor(
            work -> {
              Thread daemon = new Thread(work, "balanced-topology");
              daemon.setDaemon(true);
              return daemon;
            });
    thread.scheduleWithFixedDelay(this::checkSafely, checkMs, checkMs, TimeUnit.MILLISECONDS);
  }

  private void checkSafely() {
    try {
      check();
    } catch (RuntimeException e) {
      LOG.warn("topology check failed: {}", e.toString());
    }
  }

  /** Asks every node, then decides the primary and the roles. */
  synchronized void check() {
    for (Member member : members) {
      try (Connection connection = member.source.getConnection()) {
        member.last = ServerRole.ask(connection);
        timelines.saw(member.last.timeline());
      } catch (SQLException | RuntimeException e) {
        member.last = null;
        LOG.debug(
            "topology: node {} did not answer: {}",
            member.name,
            Secrets.maskUrl(String.valueOf(e.getMessage())));
      }
    }
    Member chosen = null;
    for (Member member : members) {
      ServerRole role = member.last;
      if (role == null || role.standby()) {
        continue;
      }
      if (chosen == null
          || role.timeline() > chosen.last.timeline()
          || (role.timeline() == chosen.last.timeline() && member == primary)) {
        chosen = member;
      }
    }
    if (chosen == null || chosen.last.timeline() < timelines.newest()) {
      if (!noPrimaryTold) {
        noPrimaryTold = true;
        LOG.warn(
            "topology: no node reports itself the primary on timeline {} (nodes {}); writes fail"
                + " until one does",
            timelines.newest(),
            names());
      }
      chosen = null;
    } else {
      noPrimaryTold = false;
    }
    Member before = primary;
    if (chosen != null && chosen != before) {
      primary = chosen;
      if (before == null) {
        LOG.info(
            "topology: the primary is node {} (timeline {})", chosen.name, chosen.last.timeline());
      } else {
        LOG.warn(
            "topology: the primary is now node {} (timeline {}), was {}; writes go there",
            chosen.name,
            chosen.last.timeline(),
            before.name);
      }
      if (primaryNode != null) {
        primaryNode.primaryMoved();
      }
    }
    for (Member member : members) {
      applyRole(member);
    }
  }

  /** Sets the member's node's role from its last answer; a node that did not answer keeps its. */
  private void applyRole(Member member) {
    ServerRole role = member.last;
    if (role == null) {
      return;
    }
    Node.Role now;
    if (role.standby()) {
      now = Node.Role.STANDBY;
    } else if (member == primary) {
      now = Node.Role.PRIMARY;
    } else {
      now = Node.Role.FENCED;
      if (fencedTold.add(member.name + "/" + role.timeline())) {
        LOG.atError()
            .addKeyValue("node", member.name)
            .addKeyValue("timeline", role.timeline())
            .log(
                "topology: node {} claims to be the primary on timeline {}, but timeline {} was"
                    + " seen: a former primary (split brain); fenced, it receives no statement",
                member.name,
                role.timeline(),
                timelines.newest());
      }
    }
    if (member.node != null) {
      member.node.role(now);
    }
  }

  private String names() {
    List<String> names = new ArrayList<>();
    members.forEach(m -> names.add(m.name));
    return names.toString();
  }

  @Override
  public void close() {
    if (thread != null) {
      thread.shutdownNow();
      try {
        thread.awaitTermination(2L * checkMs + 2000, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
