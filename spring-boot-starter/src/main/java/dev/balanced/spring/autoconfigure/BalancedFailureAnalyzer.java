package dev.balanced.spring.autoconfigure;

import dev.balanced.BalancedConfigurationException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * A Balanced setting that stops the application from starting, told as Boot tells its own: the
 * property in Boot's form ({@code balanced.replicas.standby1.url}, {@code
 * balanced.web.cookie-name}), the value (the core masks secrets before they reach a message) and
 * what to do.
 */
final class BalancedFailureAnalyzer
    extends AbstractFailureAnalyzer<BalancedConfigurationException> {
  /** A core key as the core's messages quote it: 'balanced.max_replica_lag_ms'. */
  private static final Pattern CORE_KEY = Pattern.compile("'(balanced\\.[A-Za-z0-9_.\\-]+)'");

  /** An init-param of the filter as its messages name it: init-param 'cookieName'. */
  private static final Pattern INIT_PARAM =
      Pattern.compile("(?:BalancedFilter )?init-param '([A-Za-z]+)'");

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, BalancedConfigurationException cause) {
    String description = bootNames(cause.getMessage());
    return new FailureAnalysis(
        "Balanced could not start: " + description,
        "Correct the property named above (application.properties, application.yaml or the"
            + " environment); the README's \"Spring Boot\" section lists every balanced.* property"
            + " with its default.",
        cause);
  }

  /** The message with every core key and filter init-param named as a Boot property. */
  static String bootNames(String message) {
    Matcher core = CORE_KEY.matcher(message);
    StringBuilder out = new StringBuilder();
    while (core.find()) {
      core.appendReplacement(
          out, Matcher.quoteReplacement("'" + CoreSettings.bootName(core.group(1)) + "'"));
    }
    core.appendTail(out);
    Matcher param = INIT_PARAM.matcher(out.toString());
    StringBuilder web = new StringBuilder();
    while (param.find()) {
      param.appendReplacement(
          web,
          Matcher.quoteReplacement(
              "property '" + CoreSettings.bootName("balanced.web." + param.group(1)) + "'"));
    }
    param.appendTail(web);
    return web.toString();
  }
}
