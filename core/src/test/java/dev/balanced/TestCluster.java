package dev.balanced;

import dev.balanced.testing.H2Nodes;
import dev.balanced.testing.Pools;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A primary and replicas (separate H2 databases, each with {@code marker}, {@code node_seq} and an
 * empty {@code item} table) behind a {@link BalancedDataSource}. {@link #close()} checks that no
 * connection leaked, then closes the data source and the databases.
 */
final class TestCluster implements AutoCloseable {
  final H2Nodes nodes;
  final BalancedDataSource dataSource;

  private TestCluster(H2Nodes nodes, BalancedDataSource dataSource) {
    this.nodes = nodes;
    this.dataSource = dataSource;
  }

  /** Replicas {@code r1} and {@code r2}, default settings. */
  static TestCluster start() {
    return start(Map.of(), "r1", "r2");
  }

  /** The given replicas, with {@code extraSettings} (full {@code balanced.*} keys) on top. */
  static TestCluster start(Map<String, ?> extraSettings, String... replicas) {
    H2Nodes nodes = H2Nodes.start(replicas);
    try {
      nodes.executeEverywhere("create table item(id int primary key, name varchar(40))");
      Map<String, Object> settings = new LinkedHashMap<>(nodes.settings("balanced."));
      settings.putAll(extraSettings);
      return new TestCluster(nodes, BalancedDataSource.fromProperties(settings));
    } catch (RuntimeException e) {
      nodes.close();
      throw e;
    }
  }

  long items(String node) {
    return nodes.count(node, "item");
  }

  @Override
  public void close() {
    try {
      Pools.assertNoneActive(dataSource.router());
    } finally {
      try {
        dataSource.close();
      } finally {
        nodes.close();
      }
    }
  }
}
