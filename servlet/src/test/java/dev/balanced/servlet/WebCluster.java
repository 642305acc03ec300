package dev.balanced.servlet;

import dev.balanced.BalancedDataSource;
import dev.balanced.testing.H2Nodes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A primary and replicas {@code r1}, {@code r2} (separate H2 databases; each has a {@code marker}
 * table naming its node, and an {@code item} table) behind a {@link BalancedDataSource} in {@code
 * consistency=time} mode: a request that wrote hands out a token that sends the next request's
 * reads to the primary for {@code pin_seconds}.
 */
final class WebCluster implements AutoCloseable {
  static final String SECRET = "a-servlet-test-secret-that-is-long-enough-42";
  static final List<String> REPLICAS = List.of("r1", "r2");
  private static final AtomicInteger IDS = new AtomicInteger();

  final H2Nodes nodes;
  final BalancedDataSource dataSource;

  private WebCluster(H2Nodes nodes, BalancedDataSource dataSource) {
    this.nodes = nodes;
    this.dataSource = dataSource;
  }

  /** The pin_seconds of {@link #start()}. */
  static final int DEFAULT_PIN_SECONDS = 15;

  static WebCluster start() {
    return start(DEFAULT_PIN_SECONDS);
  }

  static WebCluster start(int pinSeconds) {
    H2Nodes nodes = H2Nodes.start("r1", "r2");
    try {
      nodes.executeEverywhere("create table item(id int primary key, name varchar(40))");
      Map<String, Object> settings = new LinkedHashMap<>(nodes.settings("balanced."));
      settings.put("balanced.consistency", "time");
      settings.put("balanced.token_secret", SECRET);
      settings.put("balanced.pin_seconds", String.valueOf(pinSeconds));
      settings.put("balanced.primary.hikari.maximumPoolSize", "8");
      return new WebCluster(nodes, BalancedDataSource.fromProperties(settings));
    } catch (RuntimeException e) {
      nodes.close();
      throw e;
    }
  }

  /** The node that serves a plain read in a new connection (of the current context, if any). */
  String read() throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select node from marker")) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** Inserts one item in its own auto-committed connection; returns its id. */
  int write() throws SQLException {
    int id = IDS.incrementAndGet();
    try (Connection c = dataSource.getConnection();
        PreparedStatement insert = c.prepareStatement("insert into item(id, name) values (?, ?)")) {
      insert.setInt(1, id);
      insert.setString(2, "item-" + id);
      insert.executeUpdate();
    }
    return id;
  }

  @Override
  public void close() {
    try {
      dataSource.close();
    } finally {
      nodes.close();
    }
  }
}
