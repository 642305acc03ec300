package dev.balanced.demo;

import dev.balanced.testing.pg.PgCluster;
import dev.balanced.testing.pg.PgNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The {@code --postgres} mode's failover buttons: crash the primary and promote a standby, as an
 * operator or Patroni would, then bring the old primary back as a standby. Each runs on a thread of
 * its own (it takes seconds) while pages go on being served; what it did so far is kept for the
 * page to show. The servers keep the names Balanced knows them by ({@code pg1}, {@code pg2}, ...):
 * the cluster's {@code primary} is {@code pg1}, its {@code standby<n>} is {@code pg<n+1>}.
 */
final class FailoverControl implements AutoCloseable {
  /** What one step did, and when. */
  record Step(Instant at, String text, boolean failed) {}

  /** A server as the page shows it: its name, its port, and what it is now. */
  record Server(String name, int port, String role, int timeline) {}

  private final PgCluster cluster;
  private final Duration outage;
  private final Duration checkInterval;
  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(
          work -> {
            Thread thread = new Thread(work, "demo-failover");
            thread.setDaemon(true);
            return thread;
          });
  private final List<Step> steps = new ArrayList<>();
  private boolean busy;

  /** The primary's timeline, read once it changes (reading it needs a round trip). */
  private volatile int timeline;

  /**
   * @param outage how long the primary stays down before a standby is promoted: a failover manager
   *     first makes sure the primary is dead, and meanwhile a visitor can watch writes fail
   * @param checkInterval how often Balanced asks each server its role ({@code topology_check_ms})
   */
  FailoverControl(PgCluster cluster, Duration outage, Duration checkInterval) {
    this.cluster = cluster;
    this.outage = outage;
    this.checkInterval = checkInterval;
    this.timeline = cluster.timeline(cluster.primary());
  }

  /** The servers, for tests that check what the buttons did. */
  PgCluster cluster() {
    return cluster;
  }

  /** The name Balanced knows a server by. */
  static String name(PgNode node) {
    return node.name().equals("primary") ? "pg1" : "pg" + (1 + number(node.name()));
  }

  private static int number(String standbyName) {
    return Integer.parseInt(standbyName.substring("standby".length()));
  }

  /** Every server, in name order, with what it is now. */
  List<Server> servers() {
    List<Server> servers = new ArrayList<>();
    String primary = primary();
    for (PgNode node : cluster.nodes()) {
      String role =
          switch (node.role()) {
            case PRIMARY -> "primary";
            // After a failover the other standbys follow the promoted one, and a rejoined node too.
            case STANDBY -> "standby of " + primary;
            case FORMER_PRIMARY -> "former primary";
          };
      if (!node.isRunning()) {
        role = "down (" + role + ")";
      }
      servers.add(new Server(name(node), node.port(), role, node.isPrimary() ? timeline : 0));
    }
    servers.sort((a, b) -> a.name().compareTo(b.name()));
    return servers;
  }

  /** The server that is the primary now (the one promoted last). */
  String primary() {
    return name(cluster.primary());
  }

  /** The primary's timeline: 1, and one more with each promotion. */
  int timeline() {
    return timeline;
  }

  /** What the buttons did so far, oldest first. */
  synchronized List<Step> steps() {
    return List.copyOf(steps);
  }

  synchronized boolean busy() {
    return busy;
  }

  /**
   * Whether the primary may be failed over now: nothing else runs, and every server is a primary or
   * a standby, so that a standby is left to serve reads after the promotion.
   */
  synchronized boolean canFailOver() {
    return !busy && formerPrimary() == null;
  }

  /** Whether a former primary waits to come back as a standby, and nothing else runs. */
  synchronized boolean canRejoin() {
    return !busy && formerPrimary() != null;
  }

  /** The old primary of the last failover while it has not rejoined; else {@code null}. */
  String formerPrimaryName() {
    PgNode former = formerPrimary();
    return former == null ? null : name(former);
  }

  private PgNode formerPrimary() {
    return cluster.nodes().stream()
        .filter(n -> n.role() == PgNode.Role.FORMER_PRIMARY)
        .findFirst()
        .orElse(null);
  }

  /**
   * Starts a failover on the worker thread: crashes the primary, waits the outage, then {@link
   * PgCluster#failover()} promotes the most advanced standby and points the other at it.
   *
   * @return {@code false} if one may not start now ({@link #canFailOver()})
   */
  synchronized boolean failOver() {
    if (!canFailOver()) {
      return false;
    }
    busy = true;
    PgNode old = cluster.primary();
    worker.execute(
        () -> {
          try {
            cluster.crash(old);
            step(
                name(old)
                    + ", the primary, crashed (an immediate shutdown, as in a power cut). Writes"
                    + " fail at once until a standby is promoted; reads go on on the standbys.",
                false);
            step(
                "Waiting "
                    + outage.toSeconds()
                    + " s before promoting a standby, as a failover manager first makes sure the"
                    + " primary is gone. Try leaving a message meanwhile.",
                false);
            Thread.sleep(outage.toMillis());
            PgNode promoted = cluster.failover();
            timeline = cluster.timeline(promoted);
            List<String> following =
                cluster.standbys().stream().map(FailoverControl::name).toList();
            step(
                name(promoted)
                    + " was promoted: it is the primary now, on timeline "
                    + timeline
                    + (following.isEmpty()
                        ? ""
                        : "; "
                            + String.join(" and ", following)
                            + (following.size() == 1 ? " follows it" : " follow it"))
                    + ". Balanced asks every server its role every "
                    + checkInterval.toMillis()
                    + " ms, so writes go to "
                    + name(promoted)
                    + " from its next check.",
                false);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } catch (RuntimeException e) {
            step("The failover failed: " + e.getMessage(), true);
          } finally {
            done();
          }
        });
    return true;
  }

  /**
   * Starts bringing the former primary back as a standby of the new one ({@link
   * PgCluster#rejoinAsStandby}), on the worker thread.
   *
   * @return {@code false} if there is none, or something else runs ({@link #canRejoin()})
   */
  synchronized boolean rejoin() {
    if (!canRejoin()) {
      return false;
    }
    busy = true;
    PgNode former = formerPrimary();
    step("Bringing " + name(former) + " back as a standby of " + primary() + "...", false);
    worker.execute(
        () -> {
          try {
            cluster.rejoinAsStandby(former);
            step(
                name(former)
                    + " is a standby of "
                    + primary()
                    + " again (its data made to follow the new timeline): Balanced sees it in"
                    + " recovery at its next check and spreads reads over it.",
                false);
          } catch (RuntimeException e) {
            step("Bringing " + name(former) + " back failed: " + e.getMessage(), true);
          } finally {
            done();
          }
        });
    return true;
  }

  private synchronized void step(String text, boolean failed) {
    steps.add(new Step(Instant.now(), text, failed));
  }

  private synchronized void done() {
    busy = false;
  }

  /** Stops a step that is under way (the cluster is closed next). */
  @Override
  public void close() throws InterruptedException {
    worker.shutdownNow();
    worker.awaitTermination(30, TimeUnit.SECONDS);
  }
}
