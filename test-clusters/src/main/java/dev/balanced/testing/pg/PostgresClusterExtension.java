package dev.balanced.testing.pg;

import dev.balanced.testing.BinarySource;
import dev.balanced.testing.process.PerClassClusterExtension;

/**
 * The JUnit 5 side of {@link PostgresCluster}: one {@link PgCluster} per annotated test class (see
 * {@link PerClassClusterExtension}).
 */
public final class PostgresClusterExtension
    extends PerClassClusterExtension<PostgresCluster, PgCluster> {
  public PostgresClusterExtension() {
    super(PostgresCluster.class, PgCluster.class);
  }

  @Override
  protected PgCluster start(PostgresCluster annotation, Class<?> testClass) {
    return PgCluster.start(options(annotation));
  }

  PgClusterOptions options(PostgresCluster annotation) {
    PgClusterOptions options =
        PgClusterOptions.defaults()
            .standbys(annotation.standbys())
            .applyDelayMs(annotation.applyDelayMs())
            .database(annotation.database());
    if (annotation.binaries() != BinarySource.AUTO) {
      options.binaries(annotation.binaries());
    }
    for (String setting : annotation.settings()) {
      String[] nameAndValue = nameAndValue(setting);
      options.setting(nameAndValue[0], nameAndValue[1]);
    }
    return options;
  }
}
