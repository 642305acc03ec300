package dev.balanced.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A primary and replicas as separate in-memory H2 databases, so a test can tell by content which
 * node served a statement. Every node gets a {@code marker} table holding its own name and a
 * sequence {@code node_seq} starting at a node-specific value (primary 1000, first replica 2000,
 * ...), standing in for replicated schema with observably different data.
 */
public final class H2Nodes implements AutoCloseable {
  private final String id = UUID.randomUUID().toString().substring(0, 8);
  private final Map<String, String> urls = new LinkedHashMap<>();

  private H2Nodes(List<String> nodes) {
    for (String node : nodes) {
      urls.put(node, "jdbc:h2:mem:balanced-" + id + "-" + node + ";DB_CLOSE_DELAY=-1");
    }
    int start = 1000;
    for (String node : nodes) {
      execute(
          node,
          "create table marker(node varchar(40))",
          "insert into marker values ('" + node + "')",
          "create sequence node_seq start with " + start);
      start += 1000;
    }
  }

  /** The primary ({@code "primary"}) and the named replicas. */
  public static H2Nodes start(String... replicas) {
    List<String> nodes = new ArrayList<>();
    nodes.add("primary");
    nodes.addAll(List.of(replicas));
    return new H2Nodes(nodes);
  }

  public String url(String node) {
    String url = urls.get(node);
    if (url == null) {
      throw new IllegalArgumentException("No test node " + node + " in " + urls.keySet());
    }
    return url;
  }

  /**
   * Settings for these nodes under {@code prefix} ({@code "hibernate.balanced."} or {@code
   * "balanced."}), with small pools.
   */
  public Map<String, Object> settings(String prefix) {
    Map<String, Object> settings = new LinkedHashMap<>();
    urls.forEach(
        (node, url) -> {
          String nodePrefix =
              node.equals("primary") ? prefix + "primary." : prefix + "replicas." + node + ".";
          settings.put(nodePrefix + "url", url);
        });
    settings.put(prefix + "primary.username", "sa");
    settings.put(prefix + "primary.password", "");
    settings.put(prefix + "primary.hikari.maximumPoolSize", "4");
    settings.put(prefix + "primary.hikari.minimumIdle", "0");
    return settings;
  }

  /** Runs statements on one node directly, bypassing Balanced. */
  public void execute(String node, String... sql) {
    try (Connection connection = DriverManager.getConnection(url(node), "sa", "");
        Statement statement = connection.createStatement()) {
      for (String s : sql) {
        statement.execute(s);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("On " + node + ": " + e.getMessage(), e);
    }
  }

  /** Runs statements on every node, as replication of schema and shared data would. */
  public void executeEverywhere(String... sql) {
    urls.keySet().forEach(node -> execute(node, sql));
  }

  /** The first column of the first row of {@code sql} on one node, read directly. */
  public Object queryOne(String node, String sql) {
    try (Connection connection = DriverManager.getConnection(url(node), "sa", "");
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      return rs.next() ? rs.getObject(1) : null;
    } catch (SQLException e) {
      throw new IllegalStateException("On " + node + ": " + e.getMessage(), e);
    }
  }

  /** Number of rows of {@code table} on one node. */
  public long count(String node, String table) {
    return ((Number) queryOne(node, "select count(*) from " + table)).longValue();
  }

  @Override
  public void close() {
    for (String node : urls.keySet()) {
      execute(node, "shutdown");
    }
  }
}
