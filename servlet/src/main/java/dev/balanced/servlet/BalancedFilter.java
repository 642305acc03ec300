package dev.balanced.servlet;

import dev.balanced.BalancedConfigurationException;
import dev.balanced.PinningContext;
import dev.balanced.spi.SettingSource;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes each HTTP request a {@link PinningContext} (pindb's middleware): the context is opened
 * before the rest of the chain and closed in {@code finally}, on the request's thread, so a pooled
 * thread never carries a pin or a token into the next request.
 *
 * <p><b>Read-your-writes across requests.</b> The context is opened with the request's consistency
 * token: the {@value #DEFAULT_HEADER_NAME} request header if it holds a well-formed token, else the
 * {@value #DEFAULT_COOKIE_NAME} cookie, else (with a {@link TokenStore}) the token stored for the
 * request's user. The context's new token goes back before the response is committed: as the
 * response header (for API clients) and as a cookie ({@code HttpOnly}, {@code SameSite=Lax}, {@code
 * Secure} when the request is secure unless configured, {@code Path} = the context path, {@code
 * Max-Age} = the time until the token expires, which core sets: {@code pin_seconds} after the last
 * write in {@code time} mode, {@code token_ttl_seconds} in {@code lsn} mode), and into the token
 * store. A cookie whose token is no longer good is expired. A malformed, tampered, expired or
 * foreign token never fails a request and grants nothing.
 *
 * <p><b>Forcing the primary.</b> A request is pinned to the primary before the application runs
 * when it carries a configured master parameter (TurboGears' {@code master_params}; by default
 * hidden from the application), when its servlet or handler method is annotated {@link UsePrimary},
 * or when its path lies under a configured primary path. The reason is recorded in the request
 * attribute {@value #REASON_ATTRIBUTE}; where the token came from in {@value
 * #TOKEN_SOURCE_ATTRIBUTE}; the context itself in {@value #CONTEXT_ATTRIBUTE}.
 *
 * <p><b>Configuration</b>, by init-params (web.xml, {@code @WebFilter}, {@code FilterRegistration})
 * or, for programmatic registration, by {@link #builder()} (a filter made by the builder ignores
 * init-params):
 *
 * <table>
 *   <caption>init-params</caption>
 *   <tr><th>init-param</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code cookieName}</td><td>{@code balanced}</td><td>token cookie; empty: none</td></tr>
 *   <tr><td>{@code headerName}</td><td>{@code Balanced-Token}</td><td>token header; empty:
 *       none</td></tr>
 *   <tr><td>{@code cookieSecure}</td><td>{@code auto}</td><td>{@code auto} (=
 *       request.isSecure()), {@code true}, {@code false}</td></tr>
 *   <tr><td>{@code cookiePath}</td><td>context path, or {@code /}</td><td>the cookie's
 *       Path</td></tr>
 *   <tr><td>{@code masterParams}</td><td>none</td><td>e.g. {@code m,fresh:keep}: parameters that
 *       force the primary; {@code :keep} leaves one visible to the application</td></tr>
 *   <tr><td>{@code masterParamsInForm}</td><td>false</td><td>also look for them in form bodies
 *       (parses the body), not only in the query string</td></tr>
 *   <tr><td>{@code primaryPaths}</td><td>none</td><td>e.g. {@code /admin,/account}: path
 *       prefixes within the context that use the primary</td></tr>
 *   <tr><td>{@code usePrimaryAnnotation}</td><td>true</td><td>honour {@link
 *       UsePrimary}</td></tr>
 *   <tr><td>{@code tokenStore}</td><td>none</td><td>{@code memory} or a {@code redis://} URI;
 *       keyed by {@code request.getRemoteUser()}</td></tr>
 * </table>
 *
 * <p>Unknown init-params and bad values fail {@link #init} with a message naming them.
 *
 * <p>Register the filter for {@code REQUEST} dispatches in front of everything that touches the
 * database. On a forward, include or error dispatch of a request it already handles it does
 * nothing. Asynchronous requests: the context is closed when the filter returns, so work an {@code
 * AsyncContext} does later on other threads runs outside it.
 */
public final class BalancedFilter implements Filter {
  /** Request attribute: the request's {@link PinningContext} (never close it yourself). */
  public static final String CONTEXT_ATTRIBUTE = "dev.balanced.servlet.context";

  /**
   * Request attribute: why the filter sent the request to the primary, e.g. "master parameter m",
   * "@UsePrimary on com.example.AdminServlet", "@UsePrimary on com.example.OrderServlet.doPost",
   * "primary path /admin"; absent when it did not (the application may still pin, or write).
   */
  public static final String REASON_ATTRIBUTE = "dev.balanced.servlet.reason";

  /**
   * Request attribute: "header", "cookie" or "store" when the request brought a well-formed token
   * from there (only core can tell whether it is genuine and still grants something); absent
   * otherwise.
   */
  public static final String TOKEN_SOURCE_ATTRIBUTE = "dev.balanced.servlet.tokenSource";

  public static final String DEFAULT_COOKIE_NAME = "balanced";
  public static final String DEFAULT_HEADER_NAME = "Balanced-Token";

  private static final Logger LOG = LoggerFactory.getLogger("dev.balanced.servlet");

  /**
   * Set by the builder; {@code null} until {@link #init} for a filter configured by init-params.
   */
  private FilterSettings settings;

  private final boolean programmatic;
  private MasterParams masterParams;
  private PrimaryPaths primaryPaths;
  private PrimaryHandlers primaryHandlers;

  /** A filter configured by its init-params, for web.xml and {@code @WebFilter}. */
  public BalancedFilter() {
    this.programmatic = false;
  }

  private BalancedFilter(FilterSettings settings) {
    this.programmatic = true;
    this.settings = settings;
  }

  /**
   * A filter configured by {@code initParams} (the init-params of the README's table, by name),
   * validated now rather than at {@link #init}: for frameworks that register the filter themselves
   * and map their own configuration onto it.
   *
   * @throws BalancedConfigurationException naming the first init-param that is unknown or malformed
   */
  public static BalancedFilter configured(Map<String, String> initParams) {
    return new BalancedFilter(fromInitParams(initParams));
  }

  /** A builder for programmatic registration, starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The request's {@value #REASON_ATTRIBUTE}, or {@code null}. */
  public static String primaryReason(ServletRequest request) {
    Object reason = request.getAttribute(REASON_ATTRIBUTE);
    return reason instanceof String s ? s : null;
  }

  /** The request's {@value #TOKEN_SOURCE_ATTRIBUTE}, or {@code null}. */
  public static String tokenSource(ServletRequest request) {
    Object source = request.getAttribute(TOKEN_SOURCE_ATTRIBUTE);
    return source instanceof String s ? s : null;
  }

  @Override
  public void init(FilterConfig config) throws ServletException {
    if (programmatic) {
      if (config.getInitParameterNames() != null
          && config.getInitParameterNames().hasMoreElements()) {
        LOG.warn(
            "BalancedFilter {} was made by BalancedFilter.builder(): its init-params are ignored",
            config.getFilterName());
      }
    } else {
      try {
        settings = fromInitParams(config);
      } catch (BalancedConfigurationException e) {
        throw new ServletException(e.getMessage(), e);
      }
    }
    masterParams = new MasterParams(settings.masterParams(), settings.masterParamsInForm());
    primaryPaths = new PrimaryPaths(settings.primaryPaths());
    primaryHandlers =
        settings.usePrimaryAnnotation() ? new PrimaryHandlers(config.getServletContext()) : null;
  }

  /** What the filter runs with once initialized: its builder's or its init-params' settings. */
  FilterSettings settings() {
    return settings;
  }

  private static FilterSettings fromInitParams(FilterConfig config) {
    Map<String, String> values = new LinkedHashMap<>();
    Enumeration<String> names = config.getInitParameterNames();
    while (names != null && names.hasMoreElements()) {
      String name = names.nextElement();
      values.put(name, config.getInitParameter(name));
    }
    return fromInitParams(values);
  }

  private static FilterSettings fromInitParams(Map<String, String> values) {
    SettingSource params = SettingSource.of(values, "", FilterParams.NOUN);
    params.rejectUnknown(FilterParams.ALL, key -> false, null);
    Builder b = builder();
    b.cookieName(noneIfEmpty(params.get(FilterParams.COOKIE_NAME)));
    b.headerName(noneIfEmpty(params.get(FilterParams.HEADER_NAME)));
    b.cookieSecure(
        switch (params.get(FilterParams.COOKIE_SECURE)) {
          case AUTO -> null;
          case TRUE -> Boolean.TRUE;
          case FALSE -> Boolean.FALSE;
        });
    b.cookiePath(noneIfEmpty(params.get(FilterParams.COOKIE_PATH)));
    Map<String, Boolean> masterParams = params.get(FilterParams.MASTER_PARAMS);
    if (masterParams != null) {
      masterParams.forEach(b::masterParam);
    }
    b.masterParamsInForm(params.get(FilterParams.MASTER_PARAMS_IN_FORM));
    List<String> primaryPaths = params.get(FilterParams.PRIMARY_PATHS);
    if (primaryPaths != null) {
      primaryPaths.forEach(b::primaryPath);
    }
    b.usePrimaryAnnotation(params.get(FilterParams.USE_PRIMARY_ANNOTATION));
    TokenStore store = TokenStores.create(params.get(FilterParams.TOKEN_STORE));
    if (store != null) {
      b.tokenStore(store);
      b.ownsTokenStore = true;
    }
    return b.settings();
  }

  private static String noneIfEmpty(String value) {
    return value == null || value.isEmpty() ? null : value;
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    if (!(req instanceof HttpServletRequest request)
        || !(res instanceof HttpServletResponse response)
        || req.getAttribute(CONTEXT_ATTRIBUTE) != null) {
      // Not HTTP, or a forward/include/error dispatch of a request this filter already handles.
      chain.doFilter(req, res);
      return;
    }
    if (settings == null) {
      throw new ServletException("BalancedFilter used before init()");
    }
    TokenExchange exchange = TokenExchange.read(settings, request);
    MasterParams.Found master = findMasterParams(request);
    String reason = master.reason() != null ? master.reason() : handlerOrPathReason(request);

    PinningContext outer = PinningContext.current();
    PinningContext context = PinningContext.open(exchange.incomingToken());
    TokenResponse wrapped = null;
    try {
      exchange.context(context);
      wrapped = new TokenResponse(response, exchange);
      request.setAttribute(CONTEXT_ATTRIBUTE, context);
      if (exchange.source() != null) {
        request.setAttribute(TOKEN_SOURCE_ATTRIBUTE, exchange.source());
      }
      if (reason != null) {
        request.setAttribute(REASON_ATTRIBUTE, reason);
        context.pin(reason);
        LOG.debug("request pinned to primary (reason: {})", reason);
      }
      chain.doFilter(MasterParams.hide(request, master.hidden()), wrapped);
    } finally {
      try {
        if (wrapped != null) {
          wrapped.finish();
        }
        exchange.store();
      } catch (RuntimeException e) {
        LOG.warn("could not hand the consistency token on: {}", e.toString());
      } finally {
        close(context, outer);
      }
    }
  }

  private MasterParams.Found findMasterParams(HttpServletRequest request) {
    try {
      return masterParams.find(request);
    } catch (RuntimeException e) {
      LOG.debug("master parameters not checked: {}", e.toString());
      return MasterParams.Found.NONE;
    }
  }

  private String handlerOrPathReason(HttpServletRequest request) {
    try {
      String reason = primaryHandlers == null ? null : primaryHandlers.reason(request);
      return reason != null ? reason : primaryPaths.reason(request);
    } catch (RuntimeException e) {
      LOG.debug("@UsePrimary and primary paths not checked: {}", e.toString());
      return null;
    }
  }

  /**
   * Closes the request's context, first closing contexts the application opened inside it and left
   * open (which would otherwise stay bound to the pooled thread), never one opened outside it.
   */
  private static void close(PinningContext context, PinningContext outer) {
    int closedForTheApplication = 0;
    for (PinningContext current = PinningContext.current();
        current != null && current != context && current != outer && closedForTheApplication < 1000;
        current = PinningContext.current()) {
      current.close();
      closedForTheApplication++;
    }
    if (closedForTheApplication > 0) {
      LOG.warn(
          "the application left {} PinningContext(s) open in a request; closed them",
          closedForTheApplication);
    }
    if (PinningContext.current() == context) {
      context.close();
    }
  }

  @Override
  public void destroy() {
    FilterSettings s = settings;
    if (s != null && s.ownsTokenStore() && s.tokenStore() instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        LOG.warn("closing token store {} failed: {}", s.tokenStore(), e.toString());
      }
    }
  }

  /**
   * Configures a {@link BalancedFilter} in code; the defaults are the init-params' defaults. Each
   * setter checks its argument at once and throws {@link IllegalArgumentException} naming the rule.
   */
  public static final class Builder {
    private String cookieName = DEFAULT_COOKIE_NAME;
    private String headerName = DEFAULT_HEADER_NAME;
    private Boolean cookieSecure;
    private String cookiePath;
    private final Map<String, Boolean> masterParams = new LinkedHashMap<>();
    private boolean masterParamsInForm;
    private final List<String> primaryPaths = new ArrayList<>();
    private boolean usePrimaryAnnotation = true;
    private TokenStore tokenStore;
    private Function<HttpServletRequest, String> userId = HttpServletRequest::getRemoteUser;
    private boolean ownsTokenStore;

    private Builder() {}

    /** The token cookie's name (default {@value #DEFAULT_COOKIE_NAME}); {@code null}: no cookie. */
    public Builder cookieName(String name) {
      this.cookieName = name == null ? null : FilterSettings.checkCookieName(name);
      return this;
    }

    /**
     * The token header's name, read on requests and written on responses (default {@value
     * #DEFAULT_HEADER_NAME}); {@code null}: no header.
     */
    public Builder headerName(String name) {
      this.headerName = name == null ? null : FilterSettings.checkHeaderName(name);
      return this;
    }

    /** The cookie's Secure flag; {@code null} (default): {@code request.isSecure()}. */
    public Builder cookieSecure(Boolean secure) {
      this.cookieSecure = secure;
      return this;
    }

    /** The cookie's Path; {@code null} (default): the context path, or "/" for the root. */
    public Builder cookiePath(String path) {
      this.cookiePath = path == null ? null : FilterSettings.checkCookiePath(path);
      return this;
    }

    /** A master parameter, hidden from the application. */
    public Builder masterParam(String name) {
      return masterParam(name, false);
    }

    /**
     * A master parameter: a request carrying it (any value, also none) reads from the primary.
     * {@code keep}: the application still sees it; else it is hidden from {@code getParameter*} and
     * {@code getQueryString}.
     */
    public Builder masterParam(String name, boolean keep) {
      masterParams.put(FilterSettings.checkMasterParam(name), keep);
      return this;
    }

    /**
     * Whether master parameters in a form body count too (default false: only the query string,
     * which leaves the body unread for applications that read it as a stream).
     */
    public Builder masterParamsInForm(boolean inForm) {
      this.masterParamsInForm = inForm;
      return this;
    }

    /**
     * A path prefix within the context ("/admin" covers "/admin" and "/admin/...", not
     * "/administrator") whose requests read from the primary.
     */
    public Builder primaryPath(String prefix) {
      primaryPaths.add(FilterSettings.checkPrimaryPath(prefix));
      return this;
    }

    /** Whether {@link UsePrimary} is honoured (default true). */
    public Builder usePrimaryAnnotation(boolean honour) {
      this.usePrimaryAnnotation = honour;
      return this;
    }

    /** A token store keyed by {@code request.getRemoteUser()}; the application closes it. */
    public Builder tokenStore(TokenStore store) {
      return tokenStore(store, HttpServletRequest::getRemoteUser);
    }

    /**
     * A token store keyed by {@code userId.apply(request)} (a {@code null} result, or an exception,
     * means no user: the store is not used for that request); the application closes the store.
     */
    public Builder tokenStore(TokenStore store, Function<HttpServletRequest, String> userId) {
      this.tokenStore = Objects.requireNonNull(store, "store");
      this.userId = Objects.requireNonNull(userId, "userId");
      this.ownsTokenStore = false;
      return this;
    }

    public BalancedFilter build() {
      return new BalancedFilter(settings());
    }

    private FilterSettings settings() {
      return new FilterSettings(
          cookieName,
          headerName,
          cookieSecure,
          cookiePath,
          masterParams,
          masterParamsInForm,
          primaryPaths,
          usePrimaryAnnotation,
          tokenStore,
          userId,
          ownsTokenStore);
    }
  }
}
