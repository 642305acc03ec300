package dev.balanced.servlet;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds {@link UsePrimary} on the servlet a request is mapped to: through the request's servlet
 * mapping, the servlet's registration and its class, loaded with the web application's class
 * loader. What a servlet declares is looked up once per servlet name.
 */
final class PrimaryHandlers {
  private static final Logger LOG = LoggerFactory.getLogger("dev.balanced.servlet");
  private static final String[] HTTP_METHODS = {
    "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH"
  };
  private static final String HTTP_SERVLET = "jakarta.servlet.http.HttpServlet";
  private static final String GENERIC_SERVLET = "jakarta.servlet.GenericServlet";

  /** What one servlet declares: a reason for all methods, or per HTTP method. */
  private record Declared(String always, Map<String, String> byMethod) {
    static final Declared NOTHING = new Declared(null, Map.of());

    String reason(String httpMethod) {
      return always != null ? always : byMethod.get(httpMethod.toUpperCase(Locale.ROOT));
    }
  }

  private final ServletContext servletContext;
  private final Map<String, Declared> byServletName = new ConcurrentHashMap<>();

  public PrimaryHandlers(ServletContext servletContext) {
    this.servletContext = servletContext;
  }

  /** Why {@code request}'s servlet wants the primary, or {@code null}. */
  public String reason(HttpServletRequest request) {
    HttpServletMapping mapping = request.getHttpServletMapping();
    String name = mapping == null ? null : mapping.getServletName();
    if (name == null) {
      return null;
    }
    return byServletName.computeIfAbsent(name, this::declared).reason(request.getMethod());
  }

  private Declared declared(String servletName) {
    String className = null;
    try {
      ServletRegistration registration = servletContext.getServletRegistration(servletName);
      className = registration == null ? null : registration.getClassName();
      if (className == null) {
        return Declared.NOTHING;
      }
      ClassLoader loader = servletContext.getClassLoader();
      Class<?> servletClass =
          Class.forName(
              className,
              false,
              loader != null ? loader : Thread.currentThread().getContextClassLoader());
      return declared(servletClass);
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      LOG.debug(
          "@UsePrimary not looked up for servlet {} ({}): {}",
          servletName,
          className,
          e.toString());
      return Declared.NOTHING;
    }
  }

  private static Declared declared(Class<?> servletClass) {
    if (servletClass.isAnnotationPresent(UsePrimary.class)) {
      return new Declared("@UsePrimary on " + servletClass.getName(), Map.of());
    }
    for (Method service :
        new Method[] {find(servletClass, "service", true), find(servletClass, "service", false)}) {
      if (service != null && service.isAnnotationPresent(UsePrimary.class)) {
        return new Declared(reason(service), Map.of());
      }
    }
    Map<String, String> byMethod = new HashMap<>();
    for (String httpMethod : HTTP_METHODS) {
      Method handler = find(servletClass, handlerName(httpMethod), true);
      if (handler == null && httpMethod.equals("HEAD")) {
        handler = find(servletClass, "doGet", true); // HttpServlet.doHead runs doGet
      }
      if (handler != null && handler.isAnnotationPresent(UsePrimary.class)) {
        byMethod.put(httpMethod, reason(handler));
      }
    }
    return byMethod.isEmpty() ? Declared.NOTHING : new Declared(null, Map.copyOf(byMethod));
  }

  private static String handlerName(String httpMethod) {
    return "do" + httpMethod.charAt(0) + httpMethod.substring(1).toLowerCase(Locale.ROOT);
  }

  private static String reason(Method method) {
    return "@UsePrimary on " + method.getDeclaringClass().getName() + "." + method.getName();
  }

  /**
   * The most derived declaration of {@code name(HttpServletRequest, HttpServletResponse)} (or of
   * {@code (ServletRequest, ServletResponse)}) below the Servlet API's own classes.
   */
  private static Method find(Class<?> servletClass, String name, boolean http) {
    for (Class<?> c = servletClass;
        c != null
            && c != Object.class
            && !c.getName().equals(HTTP_SERVLET)
            && !c.getName().equals(GENERIC_SERVLET);
        c = c.getSuperclass()) {
      for (Method m : c.getDeclaredMethods()) {
        if (m.getName().equals(name)
            && m.getParameterCount() == 2
            && !m.isBridge()
            && m.getParameterTypes()[0]
                .getName()
                .equals(
                    http
                        ? "jakarta.servlet.http.HttpServletRequest"
                        : "jakarta.servlet.ServletRequest")
            && m.getParameterTypes()[1]
                .getName()
                .equals(
                    http
                        ? "jakarta.servlet.http.HttpServletResponse"
                        : "jakarta.servlet.ServletResponse")) {
          return m;
        }
      }
    }
    return null;
  }
}
