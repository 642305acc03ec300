package dev.balanced.testing.process;

import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The JUnit 5 side of a cluster annotation: one cluster per annotated test class, kept in that
 * class's extension store, whose closing (after the class, whatever happened) closes the cluster;
 * injected into any constructor, test or lifecycle method parameter of the cluster's type.
 * {@code @Nested} classes share their enclosing class's cluster.
 *
 * <p>The cluster is started by whichever comes first, {@code beforeAll} or a parameter that needs
 * it: with {@code @TestInstance(PER_CLASS)} the constructor runs before {@code beforeAll}.
 *
 * @param <A> the annotation that asks for a cluster
 * @param <C> the cluster
 */
public abstract class PerClassClusterExtension<A extends Annotation, C extends AutoCloseable>
    implements BeforeAllCallback, ParameterResolver {
  private static final String KEY = "cluster";

  private final Class<A> annotation;
  private final Class<C> clusterType;
  private final ExtensionContext.Namespace namespace;

  protected PerClassClusterExtension(Class<A> annotation, Class<C> clusterType) {
    this.annotation = annotation;
    this.clusterType = clusterType;
    this.namespace = ExtensionContext.Namespace.create(getClass());
  }

  /** Starts the cluster the annotation on the test class asks for. */
  protected abstract C start(A annotation, Class<?> testClass);

  /** Lets the class's extension store close the cluster. */
  private static final class Resource<C extends AutoCloseable>
      implements ExtensionContext.Store.CloseableResource {
    final C cluster;

    Resource(C cluster) {
      this.cluster = cluster;
    }

    @Override
    public void close() throws Exception {
      cluster.close();
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    // A @Nested class inherits the extension but not the annotation: it uses its outer cluster.
    owner(context).ifPresent(this::cluster);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == clusterType;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    ExtensionContext owner =
        owner(context)
            .orElseThrow(
                () ->
                    new ParameterResolutionException(
                        "no @"
                            + annotation.getSimpleName()
                            + " on "
                            + context.getRequiredTestClass().getName()
                            + " or its enclosing classes"));
    return cluster(owner);
  }

  /** The cluster of that class context, started on first use. */
  private C cluster(ExtensionContext owner) {
    Class<?> testClass = owner.getRequiredTestClass();
    @SuppressWarnings("unchecked")
    Resource<C> resource =
        owner
            .getStore(namespace)
            .getOrComputeIfAbsent(
                KEY,
                key -> new Resource<>(start(testClass.getAnnotation(annotation), testClass)),
                Resource.class);
    return resource.cluster;
  }

  /** The nearest context, from this one outwards, whose class carries the annotation. */
  private Optional<ExtensionContext> owner(ExtensionContext context) {
    for (Optional<ExtensionContext> c = Optional.of(context);
        c.isPresent();
        c = c.get().getParent()) {
      Optional<AnnotatedElement> element = c.get().getElement();
      if (element.isPresent()
          && element.get() instanceof Class<?> type
          && type.isAnnotationPresent(annotation)) {
        return c;
      }
    }
    return Optional.empty();
  }

  /** Splits an annotation's {@code "name=value"} setting; fails with the annotation's name. */
  protected final String[] nameAndValue(String setting) {
    int eq = setting.indexOf('=');
    if (eq <= 0) {
      throw new org.junit.jupiter.api.extension.ExtensionConfigurationException(
          "@"
              + annotation.getSimpleName()
              + " settings must look like name=value, not '"
              + setting
              + "'");
    }
    return new String[] {setting.substring(0, eq).strip(), setting.substring(eq + 1).strip()};
  }
}
