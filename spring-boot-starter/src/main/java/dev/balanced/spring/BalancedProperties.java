package dev.balanced.spring;

import dev.balanced.PinningMode;
import dev.balanced.spi.Consistency;
import dev.balanced.spi.PrimaryDownReads;
import dev.balanced.spi.SelectorKind;
import dev.balanced.spi.TopologyMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Balanced's settings in a Spring Boot application, under {@code balanced.*}: each of the core's
 * settings (README "Settings") under its name in Boot's form ({@code max_replica_lag_ms} is {@code
 * balanced.max-replica-lag-ms}), the replicas under {@code balanced.replicas.<name>.*}, and the web
 * filter under {@code balanced.web.*}. The primary is {@code spring.datasource.*} unless {@code
 * balanced.primary.url} is set. Defaults here are the core's; a test keeps the two equal.
 */
@ConfigurationProperties("balanced")
public class BalancedProperties {

  /** false sends everything to the primary (replicas are validated but not used), for tests. */
  private boolean enabled = true;

  /** greedy: a write pins the context to the primary; strict: an unpinned write is refused. */
  private PinningMode mode = PinningMode.GREEDY;

  /**
   * How a session's read node is chosen among the replicas (and the primary when it serves reads).
   */
  private SelectorKind replicaSelector = SelectorKind.RANDOM;

  /**
   * How read-your-writes is carried across units of work: session (only the pin inside a context),
   * time (the primary serves reads for pin-seconds after a write) or position (a replica serves
   * reads once it has applied the write, by WAL position on PostgreSQL and GTID on MariaDB; lsn is
   * another name for it).
   */
  private Consistency consistency = Consistency.SESSION;

  /**
   * How long a replica (or the primary) that could not be connected to, and whose pool does not
   * reconnect on its own (hikari.minimum-idle=0), is left out of the selection before one unit of
   * work tries it again.
   */
  private int replicaRetrySeconds = 10;

  /**
   * While the primary cannot be reached, where reads go that would go to it (a pinned context, a
   * token no replica satisfies): replica (one that has applied what the context must see if one
   * has, else the most advanced one known) or fail (PrimaryUnavailableException, as for writes).
   */
  private PrimaryDownReads primaryDownReads = PrimaryDownReads.REPLICA;

  /**
   * PostgreSQL: a replica further behind the primary than this is left out of the selection until
   * it has caught up, measured every replica-lag-check-ms. 0 measures nothing and never leaves a
   * replica out for lag.
   */
  private int maxReplicaLagMs = 0;

  /**
   * max-replica-lag-ms: how often the primary's WAL position and each replica's replay position are
   * read; lag is known to within this.
   */
  private int replicaLagCheckMs = 1000;

  /**
   * consistency=time: how long after a write the writer's later units of work read from the
   * primary.
   */
  private int pinSeconds = 15;

  /**
   * consistency=position: how long a unit of work may wait for a replica to apply the write it must
   * see before reading from the primary instead.
   */
  private int lsnWaitMs = 0;

  /**
   * consistency=position: how often at most a replica that looks behind is asked for its position;
   * units of work in between take the last answer. 0 asks every time.
   */
  private int lsnRefreshMs = 10;

  /** consistency=position: how long a consistency token is honoured after it was issued. */
  private int tokenTtlSeconds = 300;

  /**
   * The HMAC-SHA256 key that signs consistency tokens; required by consistency=time and position,
   * at least 32 characters, the same on every instance that shares tokens.
   */
  private String tokenSecret;

  /**
   * Functions of the application's own that write (archive_order, app.bump_counter): a query that
   * calls one runs on the primary.
   */
  private List<String> writeFunctions = new ArrayList<>();

  /**
   * Class names of dev.balanced.events.BalancedListener implementations to tell of routing
   * decisions, besides the BalancedListener beans of the application context.
   */
  private List<String> listeners = new ArrayList<>();

  /**
   * Record Balanced's metrics in the application's MeterRegistry (when Micrometer and a registry
   * are present).
   */
  private boolean metrics = true;

  /** The primary; its URL and credentials come from spring.datasource.* unless set here. */
  private final Primary primary = new Primary();

  /**
   * The replicas by name: each inherits the primary's username, password and hikari.* unless it
   * sets its own.
   */
  private final Map<String, Node> replicas = new LinkedHashMap<>();

  /**
   * static: the primary (spring.datasource.* or balanced.primary.*) and balanced.replicas.*;
   * discover (PostgreSQL): balanced.nodes.<name>.* are servers whose roles Balanced asks every
   * topology-check-ms, so that writes follow a promoted standby without a restart.
   */
  private TopologyMode topology = TopologyMode.STATIC;

  /**
   * topology=discover: how often every node is asked whether it is the primary or a standby, and on
   * which timeline; writes move to a promoted standby within this.
   */
  private int topologyCheckMs = 2000;

  /**
   * topology=discover: the servers by name, whatever their roles; each inherits spring.datasource's
   * username, password and hikari.* unless it sets its own.
   */
  private final Map<String, Node> nodes = new LinkedHashMap<>();

  /** The consistency token filter of a servlet web application. */
  private final Web web = new Web();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public PinningMode getMode() {
    return mode;
  }

  public void setMode(PinningMode mode) {
    this.mode = mode;
  }

  public PrimaryDownReads getPrimaryDownReads() {
    return primaryDownReads;
  }

  public void setPrimaryDownReads(PrimaryDownReads primaryDownReads) {
    this.primaryDownReads = primaryDownReads;
  }

  public SelectorKind getReplicaSelector() {
    return replicaSelector;
  }

  public void setReplicaSelector(SelectorKind replicaSelector) {
    this.replicaSelector = replicaSelector;
  }

  public Consistency getConsistency() {
    return consistency;
  }

  public void setConsistency(Consistency consistency) {
    this.consistency = consistency;
  }

  public int getReplicaRetrySeconds() {
    return replicaRetrySeconds;
  }

  public void setReplicaRetrySeconds(int replicaRetrySeconds) {
    this.replicaRetrySeconds = replicaRetrySeconds;
  }

  public int getMaxReplicaLagMs() {
    return maxReplicaLagMs;
  }

  public void setMaxReplicaLagMs(int maxReplicaLagMs) {
    this.maxReplicaLagMs = maxReplicaLagMs;
  }

  public int getReplicaLagCheckMs() {
    return replicaLagCheckMs;
  }

  public void setReplicaLagCheckMs(int replicaLagCheckMs) {
    this.replicaLagCheckMs = replicaLagCheckMs;
  }

  public int getPinSeconds() {
    return pinSeconds;
  }

  public void setPinSeconds(int pinSeconds) {
    this.pinSeconds = pinSeconds;
  }

  public int getLsnWaitMs() {
    return lsnWaitMs;
  }

  public void setLsnWaitMs(int lsnWaitMs) {
    this.lsnWaitMs = lsnWaitMs;
  }

  public int getLsnRefreshMs() {
    return lsnRefreshMs;
  }

  public void setLsnRefreshMs(int lsnRefreshMs) {
    this.lsnRefreshMs = lsnRefreshMs;
  }

  public int getTokenTtlSeconds() {
    return tokenTtlSeconds;
  }

  public void setTokenTtlSeconds(int tokenTtlSeconds) {
    this.tokenTtlSeconds = tokenTtlSeconds;
  }

  public String getTokenSecret() {
    return tokenSecret;
  }

  public void setTokenSecret(String tokenSecret) {
    this.tokenSecret = tokenSecret;
  }

  public List<String> getWriteFunctions() {
    return writeFunctions;
  }

  public void setWriteFunctions(List<String> writeFunctions) {
    this.writeFunctions = writeFunctions;
  }

  public List<String> getListeners() {
    return listeners;
  }

  public void setListeners(List<String> listeners) {
    this.listeners = listeners;
  }

  public boolean isMetrics() {
    return metrics;
  }

  public void setMetrics(boolean metrics) {
    this.metrics = metrics;
  }

  public Primary getPrimary() {
    return primary;
  }

  public Map<String, Node> getReplicas() {
    return replicas;
  }

  public TopologyMode getTopology() {
    return topology;
  }

  public void setTopology(TopologyMode topology) {
    this.topology = topology;
  }

  public int getTopologyCheckMs() {
    return topologyCheckMs;
  }

  public void setTopologyCheckMs(int topologyCheckMs) {
    this.topologyCheckMs = topologyCheckMs;
  }

  public Map<String, Node> getNodes() {
    return nodes;
  }

  public Web getWeb() {
    return web;
  }

  /** A node's connection: its URL, credentials, weight and HikariCP settings. */
  public static class Node {
    /** The node's JDBC URL. */
    private String url;

    /** The node's user name; replicas inherit the primary's. */
    private String username;

    /** The node's password; replicas inherit the primary's. */
    private String password;

    /** The node's share of reads under replica-selector=weighted. */
    private int weight = 1;

    /**
     * HikariCP settings of the node's pool (maximum-pool-size, connection-timeout, ...); replicas
     * inherit the primary's, which start from spring.datasource.hikari.*.
     */
    private final Map<String, String> hikari = new LinkedHashMap<>();

    public String getUrl() {
      return url;
    }

    public void setUrl(String url) {
      this.url = url;
    }

    public String getUsername() {
      return username;
    }

    public void setUsername(String username) {
      this.username = username;
    }

    public String getPassword() {
      return password;
    }

    public void setPassword(String password) {
      this.password = password;
    }

    public int getWeight() {
      return weight;
    }

    public void setWeight(int weight) {
      this.weight = weight;
    }

    public Map<String, String> getHikari() {
      return hikari;
    }
  }

  /** The primary: a node that may also serve reads. */
  public static class Primary extends Node {
    /** true lets the replica selector choose the primary for reads too. */
    private boolean servesReads = false;

    public boolean isServesReads() {
      return servesReads;
    }

    public void setServesReads(boolean servesReads) {
      this.servesReads = servesReads;
    }
  }

  /**
   * The filter that opens a pinning context per request and carries the consistency token, in a
   * servlet web application. Its token lifetime follows the consistency settings.
   */
  public static class Web {
    /** Register the filter. */
    private boolean enabled = true;

    /**
     * Where the filter sits among the application's filters: before Spring Security's chain (-100),
     * so that a request is pinned before anything reads.
     */
    private int filterOrder = -200;

    /** The cookie that carries the token; empty for none. */
    private String cookieName = "balanced";

    /** The request and response header that carries the token; empty for none. */
    private String headerName = "Balanced-Token";

    /** Whether the cookie is Secure: auto (when the request is secure), true or false. */
    private String cookieSecure = "auto";

    /** The cookie's Path; by default the context path, or / for the root. */
    private String cookiePath;

    /**
     * Query parameters that pin a request to the primary (TurboGears' ?m=1): name, or name:keep to
     * leave it visible to the application.
     */
    private List<String> masterParams = new ArrayList<>();

    /** Also look for the master parameters in form posts. */
    private boolean masterParamsInForm = false;

    /** Request path prefixes that always read from the primary. */
    private List<String> primaryPaths = new ArrayList<>();

    /** Pin requests to controllers or handler methods annotated @UsePrimary. */
    private boolean usePrimaryAnnotation = true;

    /**
     * Where tokens of signed-in users are kept besides the cookie: none, memory, or a redis:// URI.
     */
    private String tokenStore;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public int getFilterOrder() {
      return filterOrder;
    }

    public void setFilterOrder(int filterOrder) {
      this.filterOrder = filterOrder;
    }

    public String getCookieName() {
      return cookieName;
    }

    public void setCookieName(String cookieName) {
      this.cookieName = cookieName;
    }

    public String getHeaderName() {
      return headerName;
    }

    public void setHeaderName(String headerName) {
      this.headerName = headerName;
    }

    public String getCookieSecure() {
      return cookieSecure;
    }

    public void setCookieSecure(String cookieSecure) {
      this.cookieSecure = cookieSecure;
    }

    public String getCookiePath() {
      return cookiePath;
    }

    public void setCookiePath(String cookiePath) {
      this.cookiePath = cookiePath;
    }

    public List<String> getMasterParams() {
      return masterParams;
    }

    public void setMasterParams(List<String> masterParams) {
      this.masterParams = masterParams;
    }

    public boolean isMasterParamsInForm() {
      return masterParamsInForm;
    }

    public void setMasterParamsInForm(boolean masterParamsInForm) {
      this.masterParamsInForm = masterParamsInForm;
    }

    public List<String> getPrimaryPaths() {
      return primaryPaths;
    }

    public void setPrimaryPaths(List<String> primaryPaths) {
      this.primaryPaths = primaryPaths;
    }

    public boolean isUsePrimaryAnnotation() {
      return usePrimaryAnnotation;
    }

    public void setUsePrimaryAnnotation(boolean usePrimaryAnnotation) {
      this.usePrimaryAnnotation = usePrimaryAnnotation;
    }

    public String getTokenStore() {
      return tokenStore;
    }

    public void setTokenStore(String tokenStore) {
      this.tokenStore = tokenStore;
    }
  }
}
