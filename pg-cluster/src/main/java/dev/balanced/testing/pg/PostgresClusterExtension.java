package dev.balanced.testing.pg;

import java.lang.reflect.AnnotatedElement;
import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The JUnit 5 side of {@link PostgresCluster}: one {@link PgCluster} per annotated test class, kept
 * in that class's extension store, whose closing (after the class, whatever happened) closes the
 * cluster.
 *
 * <p>The cluster is started by whichever comes first, {@code beforeAll} or a parameter that needs
 * it: with {@code @TestInstance(PER_CLASS)} the constructor runs before {@code beforeAll}.
 */
public final class PostgresClusterExtension implements BeforeAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(PostgresClusterExtension.class);
  private static final String KEY = "cluster";

  /** Lets the class's extension store close the cluster. */
  private static final class Resource implements ExtensionContext.Store.CloseableResource {
    final PgCluster cluster;

    Resource(PgCluster cluster) {
      this.cluster = cluster;
    }

    @Override
    public void close() {
      cluster.close();
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    // A @Nested class inherits the extension but not the annotation: it uses its outer cluster.
    owner(context).ifPresent(PostgresClusterExtension::cluster);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == PgCluster.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    ExtensionContext owner =
        owner(context)
            .orElseThrow(
                () ->
                    new ParameterResolutionException(
                        "no @PostgresCluster on "
                            + context.getRequiredTestClass().getName()
                            + " or its enclosing classes"));
    return cluster(owner);
  }

  /** The cluster of that class context, started on first use. */
  private static PgCluster cluster(ExtensionContext owner) {
    Class<?> testClass = owner.getRequiredTestClass();
    return owner
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(
            KEY, key -> new Resource(PgCluster.start(options(testClass))), Resource.class)
        .cluster;
  }

  /** The nearest context, from this one outwards, whose class carries the annotation. */
  private static Optional<ExtensionContext> owner(ExtensionContext context) {
    for (Optional<ExtensionContext> c = Optional.of(context);
        c.isPresent();
        c = c.get().getParent()) {
      Optional<AnnotatedElement> element = c.get().getElement();
      if (element.isPresent()
          && element.get() instanceof Class<?> type
          && type.isAnnotationPresent(PostgresCluster.class)) {
        return c;
      }
    }
    return Optional.empty();
  }

  static PgClusterOptions options(Class<?> testClass) {
    PostgresCluster annotation = testClass.getAnnotation(PostgresCluster.class);
    PgClusterOptions options =
        PgClusterOptions.defaults()
            .standbys(annotation.standbys())
            .applyDelayMs(annotation.applyDelayMs())
            .database(annotation.database());
    if (annotation.binaries() != BinarySource.AUTO) {
      options.binaries(annotation.binaries());
    }
    for (String setting : annotation.settings()) {
      int eq = setting.indexOf('=');
      if (eq <= 0) {
        throw new ExtensionConfigurationException(
            "@PostgresCluster settings must look like name=value, not '" + setting + "'");
      }
      options.setting(setting.substring(0, eq).strip(), setting.substring(eq + 1).strip());
    }
    return options;
  }
}
