package dev.vittf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Parity on configurations of the three families that the reference fixtures do not cover: DeepViT with
 * mean pooling (class token included) and 3 heads, vit-pytorch CaiT with 2 class-attention blocks and
 * 2 heads, timm CaiT on 24x40 images with 6 heads; batch 3 each. The reference logits come from an
 * independent float64 NumPy implementation ({@code src/test/python/numpy_reference.py}) that
 * reproduces the deepvit, cait and timm_cait fixtures to within 1.5e-6. Same path as {@link
 * FixtureParityTest}: reference kwargs, strict checkpoint mapping, graph and eager, 1e-4.
 */
class ExtraFixturesParityTest {

  @TestFactory
  List<DynamicTest> extraCases() throws Exception {
    Path dir = dir();
    List<String> cases = Fixtures.cases(dir);
    assertEquals(List.of("cait_2cls_2heads", "deepvit_mean_3heads", "timm_cait_rect_6heads"), cases);
    List<DynamicTest> tests = new ArrayList<>();
    for (String name : cases) {
      tests.add(DynamicTest.dynamicTest(name + " [graph]", () -> FixtureParityTest.runCase(dir, name, false)));
      tests.add(DynamicTest.dynamicTest(name + " [eager]", () -> FixtureParityTest.runCase(dir, name, true)));
    }
    return tests;
  }

  private static Path dir() throws URISyntaxException {
    return Path.of(Objects.requireNonNull(ExtraFixturesParityTest.class.getResource("/fixtures-extra")).toURI());
  }
}
