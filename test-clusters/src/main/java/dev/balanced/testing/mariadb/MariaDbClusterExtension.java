package dev.balanced.testing.mariadb;

import dev.balanced.testing.BinarySource;
import dev.balanced.testing.process.PerClassClusterExtension;

/**
 * The JUnit 5 side of {@link MariaDbCluster}: one {@link MariaCluster} per annotated test class
 * (see {@link PerClassClusterExtension}).
 */
public final class MariaDbClusterExtension
    extends PerClassClusterExtension<MariaDbCluster, MariaCluster> {
  public MariaDbClusterExtension() {
    super(MariaDbCluster.class, MariaCluster.class);
  }

  @Override
  protected MariaCluster start(MariaDbCluster annotation, Class<?> testClass) {
    MariaClusterOptions options =
        MariaClusterOptions.defaults()
            .replicas(annotation.replicas())
            .applyDelaySeconds(annotation.applyDelaySeconds())
            .database(annotation.database());
    if (annotation.binaries() != BinarySource.AUTO) {
      options.binaries(annotation.binaries());
    }
    for (String setting : annotation.settings()) {
      String[] nameAndValue = nameAndValue(setting);
      options.setting(nameAndValue[0], nameAndValue[1]);
    }
    return MariaCluster.start(options);
  }
}
