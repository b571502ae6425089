package dev.vittf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The library artifact carries no command-line dependencies: picocli, progressbar and xchart belong to the
 * runnable jars ({@code vit-tf/cli}), so none of them may be on the library's own (test) classpath.
 */
class LibraryDependenciesTest {
  @Test
  void noCommandLineLibraryIsOnTheLibraryClasspath() {
    List<String> found = new ArrayList<>();
    for (String name : List.of("picocli.CommandLine", "me.tongfei.progressbar.ProgressBar", "org.knowm.xchart.XYChart")) {
      try {
        Class.forName(name, false, LibraryDependenciesTest.class.getClassLoader());
        found.add(name);
      } catch (ClassNotFoundException expected) {
        // absent, as it should be
      }
    }
    assertEquals(List.of(), found, "command-line dependencies reachable from the vit-tf library");
  }
}
