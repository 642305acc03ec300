package dev.balanced.servlet.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;

/**
 * A {@code redis-server} program and where it was found.
 *
 * @param program the executable
 * @param origin how it was found, for messages ("installed: /usr/bin/redis-server", ...)
 * @param version its {@code --version} line
 */
public record RedisBinary(Path program, String origin, String version) {
  /** The Maven artifact whose jar holds redis-server binaries. */
  public static final String ARTIFACT = "org.signal:embedded-redis";

  /** Overrides the directory the Maven-packaged binary is unpacked into. */
  public static final String CACHE_PROPERTY = "balanced.redis.cache";

  private static final String MARKER = "META-INF/maven/org.signal/embedded-redis/pom.properties";

  /** Finds the program the way {@code source} allows; fails saying everything it tried. */
  public static RedisBinary locate(RedisBinarySource source) {
    return locate(source, System.getenv());
  }

  /** The directories searched after the PATH. */
  static final List<String> USUAL_DIRS =
      List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin");

  static RedisBinary locate(RedisBinarySource source, Map<String, String> env) {
    return locate(source, env, USUAL_DIRS, RedisBinary.class.getClassLoader());
  }

  /**
   * As {@link #locate(RedisBinarySource)}, searching the PATH of {@code env} and then {@code
   * usualDirs}, and the class path of {@code classLoader}.
   */
  static RedisBinary locate(
      RedisBinarySource source,
      Map<String, String> env,
      List<String> usualDirs,
      ClassLoader classLoader) {
    String explicit = System.getProperty(RedisBinarySource.PROGRAM_PROPERTY);
    String explicitFrom = "-D" + RedisBinarySource.PROGRAM_PROPERTY;
    if (explicit == null || explicit.isBlank()) {
      explicit = env.get(RedisBinarySource.ENV_PROGRAM);
      explicitFrom = RedisBinarySource.ENV_PROGRAM;
    }
    if (explicit != null && !explicit.isBlank()) {
      // An explicit choice: a wrong one is an error, not a reason to quietly use another.
      return checked(Path.of(explicit.trim()), explicitFrom + "=" + explicit.trim());
    }
    List<String> tried = new ArrayList<>();
    if (source != RedisBinarySource.MAVEN) {
      Optional<Path> installed = installed(env.get("PATH"), usualDirs);
      if (installed.isPresent()) {
        return checked(installed.get(), "installed: " + installed.get());
      }
      tried.add("redis-server: not on the PATH (" + env.get("PATH") + ") nor in " + usualDirs);
    }
    if (source != RedisBinarySource.INSTALLED) {
      try {
        return fromMaven(classLoader);
      } catch (IllegalStateException e) {
        tried.add(e.getMessage());
      }
    }
    throw new IllegalStateException(
        "No redis-server to start for the Redis tests (source "
            + source
            + "): install one (Debian: apt-get install redis-server), set "
            + RedisBinarySource.ENV_PROGRAM
            + " to one, or keep "
            + ARTIFACT
            + " on the test class path. Tried:\n  "
            + String.join("\n  ", tried));
  }

  /** The first executable {@code redis-server} on the PATH, then in the usual directories. */
  static Optional<Path> installed(String pathVariable, List<String> usualDirs) {
    List<String> dirs = new ArrayList<>();
    if (pathVariable != null) {
      dirs.addAll(List.of(pathVariable.split(File.pathSeparator)));
    }
    dirs.addAll(usualDirs);
    for (String dir : dirs) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, "redis-server");
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** The Maven-packaged binary for this machine, unpacked into the cache if it is not there yet. */
  static RedisBinary fromMaven(ClassLoader classLoader) {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    String suffix =
        switch (arch) {
          case "amd64", "x86_64" -> "-linux-amd64";
          case "aarch64", "arm64" -> "-linux-arm64";
          default -> null;
        };
    if (!os.contains("linux") || suffix == null) {
      throw new IllegalStateException(
          ARTIFACT + " is only used on Linux x86-64 and arm64, not " + os + "/" + arch);
    }
    URL marker = classLoader.getResource(MARKER);
    if (marker == null) {
      throw new IllegalStateException(ARTIFACT + " is not on the class path");
    }
    Pattern entryName = Pattern.compile("redis-server-[0-9][0-9.]*" + Pattern.quote(suffix));
    try {
      JarURLConnection connection = (JarURLConnection) marker.openConnection();
      connection.setUseCaches(false);
      try (JarFile jar = new JarFile(new File(connection.getJarFileURL().toURI()))) {
        JarEntry entry =
            jar.stream()
                .filter(e -> entryName.matcher(e.getName()).matches())
                .findFirst()
                .orElseThrow(
                    () ->
                        new IllegalStateException(
                            ARTIFACT + " (" + jar.getName() + ") holds no " + entryName));
        Path target = cacheDir().resolve(entry.getName());
        if (!Files.isExecutable(target) || Files.size(target) != entry.getSize()) {
          try (InputStream in = jar.getInputStream(entry)) {
            unpack(in, target);
          }
        }
        return checked(target, ARTIFACT + " (" + jar.getName() + "!/" + entry.getName() + ")");
      }
    } catch (IOException | java.net.URISyntaxException | ClassCastException e) {
      throw new IllegalStateException(
          "could not unpack redis-server from " + ARTIFACT + ": " + e, e);
    }
  }

  /** Where unpacked binaries live: -Dbalanced.redis.cache, else the user's cache directory. */
  static Path cacheDir() {
    String configured = System.getProperty(CACHE_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("balanced").resolve("redis");
  }

  /**
   * Writes into a temp file beside the target and renames it into place: the rename is atomic, so a
   * concurrent JVM sees either nothing or the whole program.
   */
  private static void unpack(InputStream in, Path target) throws IOException {
    Path dir = target.getParent();
    Files.createDirectories(dir);
    Path work = Files.createTempFile(dir, "unpack-", ".tmp");
    try {
      Files.copy(in, work, StandardCopyOption.REPLACE_EXISTING);
      Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
      try {
        Files.move(
            work, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
        Files.move(work, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(work);
    }
  }

  /** The program, if {@code --version} runs; else an exception saying what it printed. */
  static RedisBinary checked(Path program, String origin) {
    if (!Files.isRegularFile(program) || !Files.isExecutable(program)) {
      throw new IllegalStateException(origin + ": " + program + " is not an executable file");
    }
    try {
      Process process =
          new ProcessBuilder(program.toString(), "--version").redirectErrorStream(true).start();
      process.getOutputStream().close();
      String output;
      try (InputStream in = process.getInputStream()) {
        output = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
      }
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(origin + ": " + program + " --version did not end");
      }
      if (process.exitValue() != 0 || !output.startsWith("Redis server")) {
        throw new IllegalStateException(
            origin + ": " + program + " --version failed (" + process.exitValue() + "): " + output);
      }
      return new RedisBinary(program, origin, output);
    } catch (IOException e) {
      throw new IllegalStateException(origin + ": cannot run " + program + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking " + program, e);
    }
  }
}
