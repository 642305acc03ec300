package dev.balanced.servlet;

import dev.balanced.PinningContext;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request's consistency token: where it came from (header, cookie or token store), and how the
 * context's new token goes back (response header, cookie, token store). Never logs a token or a
 * user id, and never lets a bad token, a failing store or a failing user-id resolver fail the
 * request.
 */
final class TokenExchange {
  private static final Logger LOG = LoggerFactory.getLogger("dev.balanced.servlet");

  /** Where the request's token came from. */
  public static final String FROM_HEADER = "header";

  public static final String FROM_COOKIE = "cookie";
  public static final String FROM_STORE = "store";

  private final FilterSettings settings;
  private final HttpServletRequest request;
  private final String incomingToken;
  private final String source;
  private final String incomingCookie;
  private final String userId;
  private PinningContext context;

  /** The token last put on the response. */
  private String written;

  private TokenExchange(
      FilterSettings settings,
      HttpServletRequest request,
      String incomingToken,
      String source,
      String incomingCookie,
      String userId) {
    this.settings = settings;
    this.request = request;
    this.incomingToken = incomingToken;
    this.source = source;
    this.incomingCookie = incomingCookie;
    this.userId = userId;
  }

  /**
   * Reads the request's token: the header if it holds a well-formed one, else the first well-formed
   * token cookie, else the token store's entry for the request's user.
   */
  public static TokenExchange read(FilterSettings settings, HttpServletRequest request) {
    String token = null;
    String source = null;
    if (settings.headerName() != null) {
      String header = safely(() -> request.getHeader(settings.headerName()));
      if (header != null) {
        header = header.trim();
        String problem = Tokens.problemWithToken(header);
        if (problem == null) {
          token = header;
          source = FROM_HEADER;
        } else {
          LOG.debug("{} header ignored: {}", settings.headerName(), problem);
        }
      }
    }
    String cookieValue = null;
    if (settings.cookieName() != null) {
      Cookie[] cookies = safely(request::getCookies);
      if (cookies != null) {
        for (Cookie cookie : cookies) {
          if (cookie == null || !settings.cookieName().equals(cookie.getName())) {
            continue;
          }
          String value = cookie.getValue() == null ? "" : cookie.getValue();
          if (cookieValue == null) {
            cookieValue = value;
          }
          String problem = Tokens.problemWithToken(value);
          if (problem != null) {
            LOG.debug("{} cookie ignored: {}", settings.cookieName(), problem);
          } else if (token == null) {
            token = value;
            source = FROM_COOKIE;
          }
        }
      }
    }
    String userId = null;
    if (settings.tokenStore() != null) {
      userId = safely(() -> settings.userId().apply(request));
      String problem = userId == null ? null : Tokens.problemWithUserId(userId);
      if (problem != null) {
        LOG.debug("token store not used for this request: {}", problem);
        userId = null;
      }
      if (token == null && userId != null) {
        String userIdFinal = userId;
        String stored = safely(() -> settings.tokenStore().get(userIdFinal));
        if (Tokens.wellFormed(stored)) {
          token = stored;
          source = FROM_STORE;
        }
      }
    }
    return new TokenExchange(settings, request, token, source, cookieValue, userId);
  }

  /** The token to open the request's context with, or {@code null}. */
  public String incomingToken() {
    return incomingToken;
  }

  /** "header", "cookie", "store" or {@code null}: where {@link #incomingToken()} came from. */
  public String source() {
    return source;
  }

  /** The context whose token goes back; set once it is open. */
  public void context(PinningContext context) {
    this.context = context;
  }

  /**
   * Puts the context's current token on the (uncommitted) response: the response header when there
   * is a token, and the cookie when it changed (expired when there is no token any more but the
   * request had a cookie).
   */
  void writeTo(HttpServletResponse response) {
    String token = currentToken();
    written = token;
    if (settings.headerName() != null && token != null) {
      response.setHeader(settings.headerName(), token);
    }
    if (settings.cookieName() != null) {
      if (token != null) {
        if (!token.equals(incomingCookie)) {
          response.addCookie(cookie(token, maxAgeSeconds()));
        }
      } else if (incomingCookie != null) {
        response.addCookie(cookie("", 0));
      }
    }
  }

  /**
   * After the request, on a response that is still uncommitted although the token was put on it
   * earlier (a write that might have committed, but did not): replaces it if it changed since. A
   * second cookie of the same name and path replaces the first in the browser (RFC 6265 5.3).
   */
  void rewriteIfChanged(HttpServletResponse response) {
    String token = currentToken();
    if (token == null || token.equals(written)) {
      return;
    }
    written = token;
    if (settings.headerName() != null) {
      response.setHeader(settings.headerName(), token);
    }
    if (settings.cookieName() != null) {
      response.addCookie(cookie(token, maxAgeSeconds()));
    }
  }

  /** Stores the context's token for the request's user, when there is a store, a user and news. */
  public void store() {
    if (settings.tokenStore() == null || userId == null) {
      return;
    }
    String token = currentToken();
    int secondsLeft = maxAgeSeconds();
    if (token != null && !token.equals(incomingToken) && secondsLeft > 0) {
      try {
        settings.tokenStore().put(userId, token, Duration.ofSeconds(secondsLeft));
      } catch (RuntimeException e) {
        LOG.warn("token store {} failed to store a token: {}", settings.tokenStore(), e.toString());
      }
    }
  }

  private String currentToken() {
    if (context == null) {
      return null;
    }
    try {
      String token = context.token();
      return Tokens.wellFormed(token) ? token : null;
    } catch (RuntimeException e) {
      LOG.warn("could not take the consistency token of the request's context: {}", e.toString());
      return null;
    }
  }

  /**
   * Seconds until the context's token stops granting anything (at least 1), so that the cookie and
   * the store keep it exactly as long as core honours it; -1, a cookie for the browser session,
   * when the token does not say.
   */
  private int maxAgeSeconds() {
    Instant expiry;
    try {
      expiry = context == null ? null : context.tokenExpiresAt();
    } catch (RuntimeException e) {
      expiry = null;
    }
    if (expiry == null) {
      return -1;
    }
    long millisLeft = expiry.toEpochMilli() - System.currentTimeMillis();
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (millisLeft + 999) / 1000));
  }

  private Cookie cookie(String value, int maxAge) {
    Cookie cookie = new Cookie(settings.cookieName(), value);
    String path = settings.cookiePath();
    if (path == null) {
      String contextPath = request.getContextPath();
      path = contextPath == null || contextPath.isEmpty() ? "/" : contextPath;
    }
    cookie.setPath(path);
    cookie.setMaxAge(maxAge);
    cookie.setHttpOnly(true);
    cookie.setSecure(
        settings.cookieSecure() != null ? settings.cookieSecure() : request.isSecure());
    cookie.setAttribute("SameSite", "Lax");
    return cookie;
  }

  private interface Source<T> {
    T get();
  }

  /** Anything the container, the store or the application's resolver throws counts as nothing. */
  private static <T> T safely(Source<T> source) {
    try {
      return source.get();
    } catch (RuntimeException e) {
      LOG.debug("token lookup failed, treated as no token: {}", e.toString());
      return null;
    }
  }
}
