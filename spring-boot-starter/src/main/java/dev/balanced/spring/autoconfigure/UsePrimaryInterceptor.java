package dev.balanced.spring.autoconfigure;

import dev.balanced.PinningContext;
import dev.balanced.servlet.BalancedFilter;
import dev.balanced.servlet.UsePrimary;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * {@link UsePrimary} on a Spring MVC controller class or handler method pins the request's context
 * before the handler runs, as TurboGears' {@code with_engine('master')} did for controllers. The
 * filter cannot see MVC handlers (it runs before the dispatcher picks one), so this does.
 */
final class UsePrimaryInterceptor implements HandlerInterceptor {
  private static final Logger LOG = LoggerFactory.getLogger("dev.balanced.spring");

  /** The reason per handler method, empty for none: looked up once per method. */
  private final Map<Method, Optional<String>> reasons = new ConcurrentHashMap<>();

  private final AtomicBoolean warnedNoContext = new AtomicBoolean();

  @Override
  public boolean preHandle(
      HttpServletRequest request, HttpServletResponse response, Object handler) {
    if (!(handler instanceof HandlerMethod method)) {
      return true;
    }
    Optional<String> reason = reasons.computeIfAbsent(method.getMethod(), m -> reason(method));
    if (reason.isEmpty()) {
      return true;
    }
    PinningContext context = PinningContext.current();
    if (context == null) {
      if (warnedNoContext.compareAndSet(false, true)) {
        LOG.warn(
            "{} has no effect: no pinning context is open for the request (is"
                + " balanced.web.enabled=false?)",
            reason.get());
      }
      return true;
    }
    context.pin(reason.get());
    request.setAttribute(BalancedFilter.REASON_ATTRIBUTE, reason.get());
    return true;
  }

  private static Optional<String> reason(HandlerMethod handler) {
    Method method = handler.getMethod();
    if (AnnotatedElementUtils.hasAnnotation(method, UsePrimary.class)) {
      return Optional.of(
          "@UsePrimary on " + handler.getBeanType().getName() + "." + method.getName());
    }
    if (AnnotatedElementUtils.hasAnnotation(handler.getBeanType(), UsePrimary.class)) {
      return Optional.of("@UsePrimary on " + handler.getBeanType().getName());
    }
    return Optional.empty();
  }
}
