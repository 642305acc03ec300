package dev.balanced.spi;

/**
 * A node as an integration describes it, in a startup log line say.
 *
 * @param name "primary" or the replica's name
 * @param url its JDBC URL with any credentials masked
 * @param poolName its HikariCP pool's name
 * @param minimumIdle the pool's minimum of idle connections
 * @param maximumPoolSize the pool's maximum size
 */
public record NodeInfo(
    String name, String url, String poolName, int minimumIdle, int maximumPoolSize) {}
