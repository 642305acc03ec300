package dev.balanced.servlet;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Sends every read of a request to the primary (the {@code @with_engine('master')} of TurboGears):
 * {@link BalancedFilter} pins the request's pinning context before the servlet runs.
 *
 * <ul>
 *   <li>On a servlet class: for every request it handles (subclasses inherit it).
 *   <li>On an {@code HttpServlet}'s {@code doGet}, {@code doPost}, {@code doPut}, {@code doDelete},
 *       {@code doHead}, {@code doOptions}, {@code doTrace} or {@code doPatch}: for requests of that
 *       HTTP method ({@code HEAD} also honours {@code doGet} when the servlet has no {@code doHead}
 *       of its own). The method that runs counts: the most derived override.
 *   <li>On an overridden {@code service} method: for every request.
 * </ul>
 *
 * <p>The filter finds the servlet a request is mapped to through {@code
 * request.getHttpServletMapping().getServletName()} and the servlet registration's class name, so
 * it works for servlets registered in {@code web.xml}, with {@code @WebServlet} or
 * programmatically. The reason ("@UsePrimary on com.example.AccountServlet.doGet") is recorded in
 * the request attribute {@link BalancedFilter#REASON_ATTRIBUTE}.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface UsePrimary {}
