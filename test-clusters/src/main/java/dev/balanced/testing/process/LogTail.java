package dev.balanced.testing.process;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** The end of a server log, for error messages. */
public final class LogTail {
  private LogTail() {}

  /** Current size, to read later only what a start attempt appended. */
  public static long size(Path log) {
    try {
      return Files.exists(log) ? Files.size(log) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /** The last {@code lines} lines written at or after {@code offset}. */
  public static String tail(Path log, long offset, int lines) {
    if (!Files.exists(log)) {
      return "(no log at " + log + ")";
    }
    try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
      long length = file.length();
      // The interesting part is at the end: read at most the last 64 KiB of the new part.
      long from = Math.max(Math.min(offset, length), length - 65536);
      byte[] bytes = new byte[(int) (length - from)];
      file.seek(from);
      file.readFully(bytes);
      List<String> all = Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split("\n"));
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(could not read " + log + ": " + e.getMessage() + ")";
    }
  }
}
