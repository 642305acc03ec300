package dev.balanced.internal.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

/**
 * Session state set on a routing connection through JDBC, other than auto-commit: read-only,
 * isolation, catalog, schema, holdability, type map, client info and network timeout. Recorded so
 * that every physical connection taken later gets it too; HikariCP resets each of them when the
 * connection goes back to its pool. Made on the first such call: most units of work never make one.
 */
final class CarriedState {
  boolean readOnly;
  int isolation = -1;
  boolean catalogSet;
  String catalog;
  boolean schemaSet;
  String schema;
  int holdability = -1;
  Map<String, Class<?>> typeMap;
  Properties clientInfo;
  Executor networkTimeoutExecutor;
  int networkTimeout = -1;

  /** Sets on {@code connection}, just taken from its pool, what was set before it was taken. */
  void applyTo(Connection connection) throws SQLException {
    if (readOnly) {
      connection.setReadOnly(true);
    }
    if (isolation != -1) {
      connection.setTransactionIsolation(isolation);
    }
    if (catalogSet) {
      connection.setCatalog(catalog);
    }
    if (schemaSet) {
      connection.setSchema(schema);
    }
    if (holdability != -1) {
      connection.setHoldability(holdability);
    }
    if (typeMap != null) {
      connection.setTypeMap(typeMap);
    }
    if (clientInfo != null) {
      connection.setClientInfo(clientInfo);
    }
    if (networkTimeout != -1) {
      connection.setNetworkTimeout(networkTimeoutExecutor, networkTimeout);
    }
  }

  void clientInfo(String name, String value) {
    if (clientInfo == null) {
      clientInfo = new Properties();
    }
    if (value == null) {
      clientInfo.remove(name);
    } else {
      clientInfo.setProperty(name, value);
    }
  }

  void clientInfo(Properties properties) {
    clientInfo = new Properties();
    clientInfo.putAll(properties);
  }

  /** A copy of the client info set, or {@code null} when none was. */
  Properties clientInfoCopy() {
    if (clientInfo == null) {
      return null;
    }
    Properties copy = new Properties();
    copy.putAll(clientInfo);
    return copy;
  }
}
