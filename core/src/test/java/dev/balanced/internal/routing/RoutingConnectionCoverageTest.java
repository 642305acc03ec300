package dev.balanced.internal.routing;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The routing wrappers must write every JDBC method themselves: a method left to an interface
 * default (sharding keys, {@code beginRequest}, {@code enquoteLiteral}, large updates...) would
 * silently bypass routing, or do nothing where the driver would act.
 */
class RoutingConnectionCoverageTest {

  @Test
  void routingConnectionDeclaresEveryConnectionMethod() {
    assertDeclaresAll(RoutingConnection.class, Connection.class);
  }

  @Test
  void routingStatementDeclaresEveryStatementMethod() {
    assertDeclaresAll(RoutingStatement.class, Statement.class);
  }

  @Test
  void theCheckSeesDefaultMethods() {
    // Guards the check itself: the interfaces do have defaults, and getMethods() lists them.
    assertTrue(Arrays.stream(Connection.class.getMethods()).anyMatch(Method::isDefault));
    assertTrue(Arrays.stream(Statement.class.getMethods()).anyMatch(Method::isDefault));
  }

  private static void assertDeclaresAll(Class<?> implementation, Class<?> jdbcInterface) {
    assertTrue(jdbcInterface.isAssignableFrom(implementation));
    List<String> missing = new ArrayList<>();
    // getMethods() of an interface: its own and inherited abstract and default methods
    // (Wrapper.unwrap, AutoCloseable.close, ...).
    for (Method method : jdbcInterface.getMethods()) {
      if (Modifier.isStatic(method.getModifiers())) {
        continue;
      }
      try {
        Method declared =
            implementation.getDeclaredMethod(method.getName(), method.getParameterTypes());
        if (declared.isBridge()
            || declared.isSynthetic()
            || Modifier.isAbstract(declared.getModifiers())) {
          missing.add(signature(method) + " (only a bridge or abstract declaration)");
        }
      } catch (NoSuchMethodException e) {
        missing.add(signature(method) + (method.isDefault() ? " (falls back to the default)" : ""));
      }
    }
    if (!missing.isEmpty()) {
      fail(
          implementation.getSimpleName() + " does not declare:\n  " + String.join("\n  ", missing));
    }
  }

  private static String signature(Method method) {
    return method.getDeclaringClass().getSimpleName()
        + "."
        + method.getName()
        + Arrays.stream(method.getParameterTypes())
            .map(Class::getSimpleName)
            .toList()
            .toString()
            .replace('[', '(')
            .replace(']', ')');
  }
}
