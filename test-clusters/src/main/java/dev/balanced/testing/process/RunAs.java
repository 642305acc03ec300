package dev.balanced.testing.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Who runs the server programs. PostgreSQL and MariaDB refuse to run as root, and CI runs as root,
 * so a root JVM hands the server programs (initdb, pg_ctl, postgres, mariadb-install-db, mariadbd,
 * ...) to an unprivileged account ({@code nobody} unless the system property {@value
 * #USER_PROPERTY} names another) through {@code runuser} or {@code setpriv}, and gives it the files
 * it needs. Any other user runs them directly.
 */
public final class RunAs {
  public static final String USER_PROPERTY = "balanced.pg.user";

  private final String user;
  private final String group;
  private final List<String> prefix;

  private RunAs(String user, String group, List<String> prefix) {
    this.user = user;
    this.group = group;
    this.prefix = List.copyOf(prefix);
  }

  /** Decides for the current JVM. */
  public static RunAs detect() {
    if (!isRoot()) {
      return new RunAs(null, null, List.of());
    }
    String user = System.getProperty(USER_PROPERTY, "nobody");
    Commands plain = new Commands(List.of(), null);
    Commands.Result uid = plain.exec(Duration.ofSeconds(10), List.of("id", "-u", user));
    Commands.Result gid = plain.exec(Duration.ofSeconds(10), List.of("id", "-g", user));
    Commands.Result group = plain.exec(Duration.ofSeconds(10), List.of("id", "-gn", user));
    if (!uid.ok() || !gid.ok() || !group.ok()) {
      throw new ClusterException(
          "the JVM runs as root, which PostgreSQL and MariaDB refuse, and the user '"
              + user
              + "' to run it as does not exist (set -D"
              + USER_PROPERTY
              + "=<user>): "
              + uid.output().strip());
    }
    Optional<Path> runuser = Executables.find("runuser");
    if (runuser.isPresent()) {
      return new RunAs(
          user, group.output().strip(), List.of(runuser.get().toString(), "-u", user, "--"));
    }
    Optional<Path> setpriv = Executables.find("setpriv");
    if (setpriv.isPresent()) {
      return new RunAs(
          user,
          group.output().strip(),
          List.of(
              setpriv.get().toString(),
              "--reuid=" + uid.output().strip(),
              "--regid=" + gid.output().strip(),
              "--clear-groups",
              "--"));
    }
    throw new ClusterException(
        "the JVM runs as root, which PostgreSQL and MariaDB refuse, and neither runuser nor setpriv is"
            + " installed to run it as '"
            + user
            + "' (Debian: util-linux)");
  }

  /** Whether this process is root: the owner of /proc/self is this process's effective uid. */
  public static boolean isRoot() {
    try {
      Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      return Integer.valueOf(0).equals(uid);
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  /** Whether the server programs run as another user than the JVM. */
  public boolean switchesUser() {
    return user != null;
  }

  /** The user the server programs run as, for messages. */
  public String userName() {
    return user != null ? user : System.getProperty("user.name");
  }

  /** Runs programs as the server user, from the given directory. */
  public Commands commands(Path workDir) {
    return new Commands(prefix, workDir);
  }

  /**
   * Gives a file or directory the JVM created to the server user, so that the servers can use it.
   * Nothing to do when no user switch happens.
   */
  public void handOver(Path path) {
    if (user == null) {
      return;
    }
    try {
      UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
      PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
      view.setOwner(lookup.lookupPrincipalByName(user));
      view.setGroup(lookup.lookupPrincipalByGroupName(group));
    } catch (IOException e) {
      throw new ClusterException("could not give " + path + " to user " + user, e);
    }
  }
}
