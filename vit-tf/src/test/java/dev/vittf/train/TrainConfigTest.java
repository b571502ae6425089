package dev.vittf.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.core.InvalidConfigException;
import dev.vittf.data.Augmentation;
import org.junit.jupiter.api.Test;

class TrainConfigTest {
  @Test
  void reportsEveryViolationWithFieldAndRule() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> TrainConfig.builder().epochs(0).batchSize(-1)
        .learningRate(Double.NaN).warmupSteps(-2).weightDecay(-1).betas(1, -0.1).epsilon(0).labelSmoothing(1)
        .clipNorm(-1).augmentation(null).threads(-1).build());
    String m = e.getMessage();
    for (String part : new String[] {"epochs=0: must be > 0", "batchSize=-1: must be > 0", "learningRate=NaN: must be finite and > 0",
        "warmupSteps=-2: must be >= 0", "weightDecay=-1.0: must be finite and >= 0", "beta1=1.0: must be in [0, 1)",
        "beta2=-0.1: must be in [0, 1)", "epsilon=0.0: must be finite and > 0", "labelSmoothing=1.0: must be in [0, 1)",
        "clipNorm=-1.0: must be finite and >= 0", "augmentation=null: must not be null", "threads=-1: must be >= 0"}) {
      assertTrue(m.contains(part), m + " lacks " + part);
    }
    assertTrue(assertThrows(InvalidConfigException.class, () -> TrainConfig.builder().learningRate(1e-3).minLearningRate(1e-2).build())
        .getMessage().contains("minLearningRate=0.01: must be in [0, learningRate]"));
  }

  @Test
  void builderRoundTrip() {
    TrainConfig c = TrainConfig.builder().epochs(3).batchSize(7).learningRate(0.2).minLearningRate(0.1).warmupSteps(9)
        .weightDecay(0.3).betas(0.8, 0.95).epsilon(1e-6).labelSmoothing(0.1).clipNorm(2).seed(11)
        .augmentation(new Augmentation(2, true)).threads(1).build();
    assertEquals(c, c.toBuilder().build());
    assertEquals(9, c.schedule(100).warmupSteps());
    assertEquals(5, c.schedule(5).warmupSteps());
  }
}
