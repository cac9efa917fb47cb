package dev.weft.ovs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Files of this repository found from the tests' working directory (a module) upwards. */
public final class RepoFiles {
  private RepoFiles() {
  }

  /**
   * The file at {@code relative} (e.g. "examples/ovs/mn-driver.py") in the working directory or
   * one of its parents; the system property {@code override}, when set, names the file instead.
   */
  public static Optional<Path> find(String relative, String override) {
    String p = override == null ? null : System.getProperty(override);
    if (p != null && !p.isBlank()) {
      Path path = Path.of(p);
      return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
    }
    for (Path d = Path.of(System.getProperty("user.dir")).toAbsolutePath(); d != null; d = d.getParent()) {
      Path candidate = d.resolve(relative);
      if (Files.isRegularFile(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
