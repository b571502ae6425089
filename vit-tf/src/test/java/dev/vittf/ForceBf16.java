package dev.vittf;

import dev.vittf.core.Precision;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Sets {@value Precision#FORCE_PROPERTY} for each test of a class ({@code @ExtendWith(ForceBf16.class)}), so that
 * bf16 graphs are built and checked on any CPU, and restores the previous value afterwards.
 */
public final class ForceBf16 implements BeforeEachCallback, AfterEachCallback {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(ForceBf16.class);
  private static final String UNSET = "\u0000unset";

  @Override
  public void beforeEach(ExtensionContext context) {
    String previous = System.setProperty(Precision.FORCE_PROPERTY, "true");
    context.getStore(NS).put(Precision.FORCE_PROPERTY, previous == null ? UNSET : previous);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    String previous = context.getStore(NS).remove(Precision.FORCE_PROPERTY, String.class);
    if (previous == null || previous.equals(UNSET)) {
      System.clearProperty(Precision.FORCE_PROPERTY);
    } else {
      System.setProperty(Precision.FORCE_PROPERTY, previous);
    }
  }
}
