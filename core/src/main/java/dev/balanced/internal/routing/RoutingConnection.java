package dev.balanced.internal.routing;

import dev.balanced.BalancedSession;
import dev.balanced.internal.routing.SqlClassifier.SessionState;
import dev.balanced.internal.topology.Node;
import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.ShardingKey;
import java.sql.Statement;
import java.sql.Struct;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

/**
 * One logical connection over several physical ones: a pooled connection per node, each taken on
 * its first statement. Every statement is sent to the node its session's routing decides; a
 * transaction that read from a replica and then writes takes a primary connection mid-way, and
 * {@code commit}/{@code rollback} end the transaction on every node it touched, the primary first.
 *
 * <p>Session state set on this connection (auto-commit, read-only, isolation, catalog, schema,
 * holdability, type map, client info, network timeout) is recorded and carried onto every physical
 * connection, including ones taken later. HikariCP resets what changed when they go back to their
 * pools.
 *
 * <p>Only routing methods are written by hand; everything else delegates to the physical
 * connections. {@code RoutingConnectionCoverageTest} checks that no method is left to a default.
 */
final class RoutingConnection implements Connection {
  private final RoutingSession session;
  private final Router router;
  private final Node[] nodes;

  /** Physical connections by node index; {@code null} until that node is first used. */
  private final Connection[] physical;

  private boolean closed;

  /** Writes went to the primary since the last commit was recorded for read-your-writes. */
  private boolean primaryWritesPending;

  private boolean autoCommit = true;

  /** Other session state set through JDBC; {@code null} until the first such call. */
  private CarriedState carried;

  /** {@code SET}/{@code RESET} statements run so far; {@code null} until the first. */
  private SessionStatements sessionStatements;

  RoutingConnection(RoutingSession session) {
    this.session = session;
    this.router = session.router();
    this.nodes = router.topology().nodeArray();
    this.physical = new Connection[nodes.length];
  }

  // ---- routing ------------------------------------------------------------------------------

  /** The physical connection {@code sql} runs on. */
  Connection route(String sql) throws SQLException {
    checkOpen();
    if (!router.isWrite(sql)) {
      return forRead();
    }
    SessionState state = router.classifier().sessionState(sql);
    return state == SessionState.NONE ? forWrite(sql) : forSessionState(sql, state);
  }

  /**
   * {@code SET}/{@code RESET}: session state, not a write, so it neither pins nor trips strict
   * mode. It runs where the next reads go and is carried onto every other connection of this unit
   * of work, including a primary connection taken later for a write.
   */
  private Connection forSessionState(String sql, SessionState state) throws SQLException {
    Connection connection = forRead();
    if (state == SessionState.TRANSACTION && autoCommit) {
      // SET LOCAL outside a transaction lasts for its own statement only.
      return connection;
    }
    int index = 0;
    while (physical[index] != connection) {
      index++;
    }
    if (sessionStatements == null) {
      sessionStatements = new SessionStatements(nodes.length);
    }
    sessionStatements.ran(sql, state, index);
    return connection;
  }

  Connection forRead() throws SQLException {
    checkOpen();
    Node node = session.readTarget();
    if (RoutingSession.LOG.isDebugEnabled()) {
      RoutingSession.LOG
          .atDebug()
          .addKeyValue("session", session.id())
          .addKeyValue("statement", "read")
          .addKeyValue("node", node.name())
          .addKeyValue("reason", session.lastReason())
          .log(
              "session#{} read -> {} (reason: {})",
              session.id(),
              node.name(),
              session.lastReason());
    }
    Connection connection;
    try {
      connection = physical(node);
    } catch (SQLException e) {
      // Only a connection that could not be taken lands here: no statement has run on it.
      if (node.isUnreachable()
          && (node.isPrimary()
              ? session.readTarget() != node // a replica stands in for the primary
              : session.replaceUnreachableReadNode(node))) {
        return forRead();
      }
      throw e;
    }
    session.readOn(node);
    return connection;
  }

  Connection forWrite(String sql) throws SQLException {
    checkOpen();
    if (autoCommit) {
      // Each statement is a transaction of its own: a strict-mode approval given to an earlier
      // statement inside a primary scope must not carry over to this one.
      session.transactionEnded();
    }
    if (!session.isPinnedForWrites()) {
      session.beforeWrite(new SqlWriteIntent(sql, router.classifier()));
    }
    Node primary = nodes[0];
    primaryWritesPending = true;
    if (RoutingSession.LOG.isDebugEnabled()) {
      RoutingSession.LOG
          .atDebug()
          .addKeyValue("session", session.id())
          .addKeyValue("statement", "write")
          .addKeyValue("node", primary.name())
          .addKeyValue("reason", RouteReason.WRITE_INTENT)
          .log(
              "session#{} write -> {} (reason: {})",
              session.id(),
              primary.name(),
              RouteReason.WRITE_INTENT);
    }
    return physical(primary);
  }

  private Connection physical(Node node) throws SQLException {
    int index = node.index();
    Connection connection = physical[index];
    if (connection == null) {
      connection = node.connect();
      try {
        applyState(connection);
        if (sessionStatements != null) {
          sessionStatements.forget(index);
          sessionStatements.catchUp(index, connection);
        }
      } catch (SQLException | RuntimeException e) {
        connection.close();
        throw e;
      }
      physical[index] = connection;
    } else if (sessionStatements != null) {
      sessionStatements.catchUp(index, connection);
    }
    return connection;
  }

  private void applyState(Connection connection) throws SQLException {
    if (!autoCommit) {
      connection.setAutoCommit(false);
    }
    if (carried != null) {
      carried.applyTo(connection);
    }
  }

  /** A held physical connection for calls any node can answer, or the read node's. */
  private Connection anyPhysical() throws SQLException {
    checkOpen();
    for (Connection connection : physical) {
      if (connection != null) {
        return connection;
      }
    }
    return physical(session.readTarget());
  }

  private void checkOpen() throws SQLException {
    if (closed) {
      throw new SQLException("Connection is closed", "08003");
    }
  }

  /**
   * Runs {@code action} on every held physical connection, the primary first; throws the first
   * error.
   */
  private void forEachHeld(SqlAction action) throws SQLException {
    SQLException failure = null;
    for (Connection connection : physical) {
      if (connection == null) {
        continue;
      }
      try {
        action.apply(connection);
      } catch (SQLException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Changes session state on every held physical connection: a failure on the primary is thrown; a
   * replica's connection that fails is discarded, and the state, recorded here, is applied to the
   * next one taken.
   */
  private void setOnHeld(SqlAction action) throws SQLException {
    if (physical[0] != null) {
      action.apply(physical[0]);
    }
    onReplicas(action, "changing session state");
  }

  /**
   * Runs {@code action} (ending, starting or changing a read-only transaction) on every held
   * replica connection. Only reads ran there and they have been answered, so a replica that fails
   * here cannot change the outcome of the unit of work, which is the primary's: its connection is
   * discarded instead (evicted from its pool, never returned in an unknown state) and the failure
   * is not thrown.
   */
  private void onReplicas(SqlAction action, String during) {
    for (int i = 1; i < physical.length; i++) {
      Connection connection = physical[i];
      if (connection == null) {
        continue;
      }
      try {
        action.apply(connection);
      } catch (SQLException e) {
        physical[i] = null;
        if (sessionStatements != null) {
          sessionStatements.forget(i);
        }
        nodes[i].discard(connection, e, during);
      }
    }
  }

  @FunctionalInterface
  private interface SqlAction {
    void apply(Connection connection) throws SQLException;
  }

  private static final SqlAction COMMIT = Connection::commit;
  private static final SqlAction ROLLBACK = Connection::rollback;
  private static final SqlAction CLOSE = Connection::close;

  // Hibernate switches auto-commit at the start and end of every transaction: no capture per call.
  private static final SqlAction AUTO_COMMIT_ON = c -> c.setAutoCommit(true);
  private static final SqlAction AUTO_COMMIT_OFF = c -> c.setAutoCommit(false);

  // ---- statements ---------------------------------------------------------------------------

  @Override
  public Statement createStatement() throws SQLException {
    checkOpen();
    return new RoutingStatement(this, -1, -1, -1);
  }

  @Override
  public Statement createStatement(int resultSetType, int resultSetConcurrency)
      throws SQLException {
    checkOpen();
    return new RoutingStatement(this, resultSetType, resultSetConcurrency, -1);
  }

  @Override
  public Statement createStatement(
      int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
    checkOpen();
    return new RoutingStatement(this, resultSetType, resultSetConcurrency, resultSetHoldability);
  }

  @Override
  public PreparedStatement prepareStatement(String sql) throws SQLException {
    return route(sql).prepareStatement(sql);
  }

  @Override
  public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency)
      throws SQLException {
    return route(sql).prepareStatement(sql, resultSetType, resultSetConcurrency);
  }

  @Override
  public PreparedStatement prepareStatement(
      String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability)
      throws SQLException {
    return route(sql)
        .prepareStatement(sql, resultSetType, resultSetConcurrency, resultSetHoldability);
  }

  @Override
  public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
    return route(sql).prepareStatement(sql, autoGeneratedKeys);
  }

  @Override
  public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
    return route(sql).prepareStatement(sql, columnIndexes);
  }

  @Override
  public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
    return route(sql).prepareStatement(sql, columnNames);
  }

  /** Stored procedures may write; they run on the primary. */
  @Override
  public CallableStatement prepareCall(String sql) throws SQLException {
    return forWrite(sql).prepareCall(sql);
  }

  @Override
  public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency)
      throws SQLException {
    return forWrite(sql).prepareCall(sql, resultSetType, resultSetConcurrency);
  }

  @Override
  public CallableStatement prepareCall(
      String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability)
      throws SQLException {
    return forWrite(sql)
        .prepareCall(sql, resultSetType, resultSetConcurrency, resultSetHoldability);
  }

  @Override
  public String nativeSQL(String sql) throws SQLException {
    return anyPhysical().nativeSQL(sql);
  }

  // ---- transactions -------------------------------------------------------------------------

  @Override
  public void setAutoCommit(boolean autoCommit) throws SQLException {
    checkOpen();
    if (!autoCommit && this.autoCommit) {
      // Writes made in auto-commit mode are committed already: record them now, so a rollback of
      // the transaction that starts here does not drop them.
      recordCommittedWrites();
    }
    boolean commits = autoCommit && !this.autoCommit;
    this.autoCommit = autoCommit;
    if (physical[0] != null) {
      // Switching auto-commit on commits: the primary's outcome is the outcome.
      physical[0].setAutoCommit(autoCommit);
    }
    onReplicas(
        autoCommit ? AUTO_COMMIT_ON : AUTO_COMMIT_OFF,
        autoCommit ? "ending a read-only transaction" : "starting a read-only transaction");
    if (commits) {
      // Switching auto-commit on commits the open transaction (JDBC).
      recordCommittedWrites();
      sessionStatementsTransactionEnded();
    }
  }

  @Override
  public boolean getAutoCommit() throws SQLException {
    checkOpen();
    return autoCommit;
  }

  /**
   * Reports what happened on the primary: commits it first, and if that fails, rolls back the
   * replicas' read transactions and throws, so a failed write is never reported as committed. Once
   * the primary has committed, a replica that cannot end its read transaction is discarded rather
   * than failing the commit: an application that retried a commit reported as failed would write
   * twice.
   */
  @Override
  public void commit() throws SQLException {
    checkOpen();
    session.transactionEnded();
    Connection primary = physical[0];
    if (primary != null) {
      try {
        primary.commit();
      } catch (SQLException e) {
        onReplicas(ROLLBACK, "rolling back a read-only transaction");
        throw e;
      }
      // Durable from here on: record it before anything else can fail.
      recordCommittedWrites();
    }
    onReplicas(COMMIT, "ending a read-only transaction after the primary committed");
    sessionStatementsTransactionEnded();
  }

  private void sessionStatementsTransactionEnded() {
    if (sessionStatements != null) {
      sessionStatements.transactionEnded();
    }
  }

  /** Tells read-your-writes that this unit of work's writes are committed on the primary. */
  private void recordCommittedWrites() throws SQLException {
    if (primaryWritesPending && physical[0] != null) {
      primaryWritesPending = false;
      router.readYourWrites().afterCommit(session.context(), physical[0]);
    }
  }

  @Override
  public void rollback() throws SQLException {
    checkOpen();
    session.transactionEnded();
    if (!autoCommit) {
      primaryWritesPending = false;
    }
    // The primary's outcome is the outcome; replicas only held reads.
    SQLException failure = null;
    if (physical[0] != null) {
      try {
        physical[0].rollback();
      } catch (SQLException e) {
        failure = e;
      }
    }
    onReplicas(ROLLBACK, "rolling back a read-only transaction");
    sessionStatementsTransactionEnded();
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Savepoints guard writes, and writes only ever happen on the primary, so they live there. Taking
   * one is not a write: it neither pins nor trips strict mode.
   */
  @Override
  public Savepoint setSavepoint() throws SQLException {
    checkOpen();
    return physical(nodes[0]).setSavepoint();
  }

  @Override
  public Savepoint setSavepoint(String name) throws SQLException {
    checkOpen();
    return physical(nodes[0]).setSavepoint(name);
  }

  @Override
  public void rollback(Savepoint savepoint) throws SQLException {
    checkOpen();
    physical(nodes[0]).rollback(savepoint);
  }

  @Override
  public void releaseSavepoint(Savepoint savepoint) throws SQLException {
    checkOpen();
    physical(nodes[0]).releaseSavepoint(savepoint);
  }

  // ---- life cycle ---------------------------------------------------------------------------

  /**
   * Returns every physical connection to its pool; uncommitted work is rolled back by the pool. A
   * failure to return the primary's is thrown; a replica's is discarded instead.
   */
  @Override
  public void close() throws SQLException {
    if (closed) {
      return;
    }
    session.transactionEnded();
    session.readOnlyConnection(false);
    try {
      if (autoCommit) {
        // Auto-committed writes are committed already; record them while the primary is held.
        recordCommittedWrites();
      }
    } finally {
      closed = true;
      retireChangedSessions();
      try {
        if (physical[0] != null) {
          physical[0].close();
        }
      } finally {
        onReplicas(CLOSE, "returning a connection to its pool");
        java.util.Arrays.fill(physical, null);
      }
    }
  }

  /**
   * Connections whose session a {@code SET} changed are closed instead of returned: their pools
   * would hand the changed settings (a search path, a role) to another unit of work.
   */
  private void retireChangedSessions() {
    if (sessionStatements == null) {
      return;
    }
    for (int i = 0; i < physical.length; i++) {
      if (physical[i] != null && sessionStatements.changedSession(i)) {
        nodes[i].retire(physical[i]);
        physical[i] = null;
      }
    }
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public boolean isValid(int timeout) throws SQLException {
    if (closed) {
      return false;
    }
    for (Connection connection : physical) {
      if (connection != null && !connection.isValid(timeout)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void abort(Executor executor) throws SQLException {
    if (closed) {
      return;
    }
    closed = true;
    forEachHeld(c -> c.abort(executor));
    java.util.Arrays.fill(physical, null);
  }

  @Override
  public void beginRequest() throws SQLException {
    forEachHeld(Connection::beginRequest);
  }

  @Override
  public void endRequest() throws SQLException {
    forEachHeld(Connection::endRequest);
  }

  // ---- session state, carried onto every physical connection ---------------------------------

  private CarriedState carried() {
    if (carried == null) {
      carried = new CarriedState();
    }
    return carried;
  }

  @Override
  public void setReadOnly(boolean readOnly) throws SQLException {
    checkOpen();
    carried().readOnly = readOnly;
    session.readOnlyConnection(readOnly);
    setOnHeld(c -> c.setReadOnly(readOnly));
  }

  @Override
  public boolean isReadOnly() throws SQLException {
    checkOpen();
    return carried != null && carried.readOnly;
  }

  @Override
  public void setTransactionIsolation(int level) throws SQLException {
    checkOpen();
    carried().isolation = level;
    setOnHeld(c -> c.setTransactionIsolation(level));
  }

  @Override
  public int getTransactionIsolation() throws SQLException {
    return carried != null && carried.isolation != -1
        ? carried.isolation
        : anyPhysical().getTransactionIsolation();
  }

  @Override
  public void setCatalog(String catalog) throws SQLException {
    checkOpen();
    carried().catalog = catalog;
    carried.catalogSet = true;
    setOnHeld(c -> c.setCatalog(catalog));
  }

  @Override
  public String getCatalog() throws SQLException {
    return carried != null && carried.catalogSet ? carried.catalog : anyPhysical().getCatalog();
  }

  @Override
  public void setSchema(String schema) throws SQLException {
    checkOpen();
    carried().schema = schema;
    carried.schemaSet = true;
    setOnHeld(c -> c.setSchema(schema));
  }

  @Override
  public String getSchema() throws SQLException {
    return carried != null && carried.schemaSet ? carried.schema : anyPhysical().getSchema();
  }

  @Override
  public void setHoldability(int holdability) throws SQLException {
    checkOpen();
    carried().holdability = holdability;
    setOnHeld(c -> c.setHoldability(holdability));
  }

  @Override
  public int getHoldability() throws SQLException {
    return carried != null && carried.holdability != -1
        ? carried.holdability
        : anyPhysical().getHoldability();
  }

  @Override
  public Map<String, Class<?>> getTypeMap() throws SQLException {
    return carried != null && carried.typeMap != null
        ? carried.typeMap
        : anyPhysical().getTypeMap();
  }

  @Override
  public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
    checkOpen();
    carried().typeMap = map;
    setOnHeld(c -> c.setTypeMap(map));
  }

  @Override
  public void setClientInfo(String name, String value) throws SQLClientInfoException {
    carried().clientInfo(name, value);
    for (Connection connection : physical) {
      if (connection != null) {
        connection.setClientInfo(name, value);
      }
    }
  }

  @Override
  public void setClientInfo(Properties properties) throws SQLClientInfoException {
    carried().clientInfo(properties);
    for (Connection connection : physical) {
      if (connection != null) {
        connection.setClientInfo(properties);
      }
    }
  }

  @Override
  public String getClientInfo(String name) throws SQLException {
    return carried != null && carried.clientInfo != null
        ? carried.clientInfo.getProperty(name)
        : anyPhysical().getClientInfo(name);
  }

  @Override
  public Properties getClientInfo() throws SQLException {
    Properties copy = carried != null ? carried.clientInfoCopy() : null;
    return copy != null ? copy : anyPhysical().getClientInfo();
  }

  @Override
  public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
    checkOpen();
    carried().networkTimeoutExecutor = executor;
    carried.networkTimeout = milliseconds;
    setOnHeld(c -> c.setNetworkTimeout(executor, milliseconds));
  }

  @Override
  public int getNetworkTimeout() throws SQLException {
    return carried != null && carried.networkTimeout != -1
        ? carried.networkTimeout
        : anyPhysical().getNetworkTimeout();
  }

  @Override
  public SQLWarning getWarnings() throws SQLException {
    checkOpen();
    SQLWarning first = null;
    for (Connection connection : physical) {
      if (connection != null) {
        SQLWarning warning = connection.getWarnings();
        if (warning != null) {
          if (first == null) {
            first = warning;
          } else {
            first.setNextWarning(warning);
          }
        }
      }
    }
    return first;
  }

  @Override
  public void clearWarnings() throws SQLException {
    checkOpen();
    forEachHeld(Connection::clearWarnings);
  }

  // ---- objects bound to a connection: created where writes go ---------------------------------

  @Override
  public DatabaseMetaData getMetaData() throws SQLException {
    return anyPhysical().getMetaData();
  }

  @Override
  public Clob createClob() throws SQLException {
    return physical(nodes[0]).createClob();
  }

  @Override
  public Blob createBlob() throws SQLException {
    return physical(nodes[0]).createBlob();
  }

  @Override
  public NClob createNClob() throws SQLException {
    return physical(nodes[0]).createNClob();
  }

  @Override
  public SQLXML createSQLXML() throws SQLException {
    return physical(nodes[0]).createSQLXML();
  }

  @Override
  public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
    return anyPhysical().createArrayOf(typeName, elements);
  }

  @Override
  public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
    return anyPhysical().createStruct(typeName, attributes);
  }

  // ---- sharding keys: a routing concept of their own, which would bypass ours -----------------

  @Override
  public void setShardingKey(ShardingKey shardingKey, ShardingKey superShardingKey)
      throws SQLException {
    throw new SQLFeatureNotSupportedException("Sharding keys are not supported by Balanced");
  }

  @Override
  public void setShardingKey(ShardingKey shardingKey) throws SQLException {
    throw new SQLFeatureNotSupportedException("Sharding keys are not supported by Balanced");
  }

  @Override
  public boolean setShardingKeyIfValid(
      ShardingKey shardingKey, ShardingKey superShardingKey, int timeout) throws SQLException {
    throw new SQLFeatureNotSupportedException("Sharding keys are not supported by Balanced");
  }

  @Override
  public boolean setShardingKeyIfValid(ShardingKey shardingKey, int timeout) throws SQLException {
    throw new SQLFeatureNotSupportedException("Sharding keys are not supported by Balanced");
  }

  // ---- wrapper ------------------------------------------------------------------------------

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    if (iface == BalancedSession.class) {
      return iface.cast(session);
    }
    for (Connection connection : physical) {
      if (connection != null && connection.isWrapperFor(iface)) {
        return connection.unwrap(iface);
      }
    }
    throw new SQLException("Cannot unwrap a Balanced routing connection as " + iface.getName());
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    if (iface.isInstance(this) || iface == BalancedSession.class) {
      return true;
    }
    for (Connection connection : physical) {
      if (connection != null && connection.isWrapperFor(iface)) {
        return true;
      }
    }
    return false;
  }

  RoutingSession session() {
    return session;
  }

  @Override
  public String toString() {
    return "RoutingConnection[" + session + "]";
  }
}
