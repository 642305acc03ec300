package dev.balanced.testing.process;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Finds programs on the PATH, like a shell would. */
public final class Executables {
  private Executables() {}

  /**
   * The first executable of that name on the PATH, then in the sbin directories, which a non-login
   * root shell (and so CI) does not always have on its PATH.
   */
  public static Optional<Path> find(String name) {
    return find(name, System.getenv("PATH"));
  }

  public static Optional<Path> find(String name, String pathVariable) {
    List<String> dirs = new ArrayList<>();
    if (pathVariable != null) {
      dirs.addAll(List.of(pathVariable.split(File.pathSeparator)));
    }
    dirs.addAll(
        List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"));
    for (String dir : dirs) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
