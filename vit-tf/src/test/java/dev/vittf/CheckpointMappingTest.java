package dev.vittf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.core.HostTensor;
import dev.vittf.io.CheckpointMismatchException;
import dev.vittf.io.CheckpointSource;
import dev.vittf.io.Checkpoints;
import dev.vittf.io.Conversion;
import dev.vittf.io.ReferenceModels;
import dev.vittf.io.ReferenceModels.ReferenceModel;
import dev.vittf.io.SafeTensors;
import dev.vittf.models.ModelParameters;
import dev.vittf.models.VitModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Strict checkpoint loading and the layout conversions. */
class CheckpointMappingTest {
  @TempDir Path tmp;

  private static ReferenceModel vit() throws IOException {
    return ReferenceModels.fromJsonFile(Fixtures.dir().resolve("vit.json"));
  }

  private static Map<String, HostTensor> vitStateDict() throws IOException {
    return new LinkedHashMap<>(SafeTensors.read(Fixtures.dir().resolve("vit.safetensors")).tensors());
  }

  @Test
  void reportsMissingUnexpectedAndMisshapedTogether() throws IOException {
    ReferenceModel ref = vit();
    Map<String, HostTensor> sd = vitStateDict();
    sd.remove("transformer.layers.1.1.net.4.bias");
    sd.put("transformer.layers.7.0.norm.weight", HostTensor.zeros(64));
    sd.put("mlp_head.weight", HostTensor.zeros(64, 10)); // transposed: PyTorch stores [10, 64]
    CheckpointMismatchException e = assertThrows(CheckpointMismatchException.class,
        () -> Checkpoints.convert(sd, ref.config(), ref.source(), ModelParameters.of(ref.config())));
    assertEquals(List.of("transformer.layers.1.1.net.4.bias"), e.missing());
    assertEquals(List.of("transformer.layers.7.0.norm.weight"), e.unexpected());
    assertEquals(List.of("mlp_head.weight has [64, 10], expected [10, 64] (for head/kernel)"), e.misshaped());
    assertTrue(e.getMessage().contains("missing 1") && e.getMessage().contains("unexpected 1")
        && e.getMessage().contains("mis-shaped 1"), e.getMessage());
  }

  @Test
  void emptyClassTokenOfMeanPoolingMustBePresentAndEmpty() throws IOException {
    ReferenceModel ref = ReferenceModels.fromJsonFile(Fixtures.dir().resolve("vit_mean.json"));
    Map<String, HostTensor> sd = new LinkedHashMap<>(SafeTensors.read(Fixtures.dir().resolve("vit_mean.safetensors")).tensors());
    Map<String, HostTensor> ours = Checkpoints.convert(sd, ref.config(), ref.source(), ModelParameters.of(ref.config()));
    assertTrue(ours.keySet().stream().noneMatch(n -> n.contains("cls")), ours.keySet().toString());
    sd.put("cls_token", HostTensor.zeros(1, 48));
    CheckpointMismatchException e = assertThrows(CheckpointMismatchException.class,
        () -> Checkpoints.convert(sd, ref.config(), ref.source(), ModelParameters.of(ref.config())));
    assertEquals(List.of("cls_token has [1, 48], expected an empty tensor"), e.misshaped());
    sd.remove("cls_token");
    e = assertThrows(CheckpointMismatchException.class,
        () -> Checkpoints.convert(sd, ref.config(), ref.source(), ModelParameters.of(ref.config())));
    assertEquals(List.of("cls_token (expected empty)"), e.missing());
  }

  @Test
  void aTimmCheckpointIsNotAVitPytorchCheckpoint() throws IOException {
    ReferenceModel ref = vit();
    Map<String, HostTensor> timm = SafeTensors.read(Fixtures.dir().resolve("timm_vit.safetensors")).tensors();
    CheckpointMismatchException e = assertThrows(CheckpointMismatchException.class,
        () -> Checkpoints.convert(timm, ref.config(), CheckpointSource.VIT_PYTORCH, ModelParameters.of(ref.config())));
    assertTrue(e.missing().contains("to_patch_embedding.2.weight"));
    assertTrue(e.unexpected().contains("patch_embed.proj.weight"));
  }

  @Test
  void nativeCheckpointsRoundTripThroughTheModel() throws IOException {
    ReferenceModel ref = vit();
    Path file = tmp.resolve("native.safetensors");
    HostTensor input = Fixtures.io(Fixtures.dir(), "vit").get("input");
    HostTensor before;
    try (VitModel model = VitModel.create(ref.config())) {
      Checkpoints.load(model, Fixtures.dir().resolve("vit.safetensors"), ref.source());
      before = model.predict(input);
      Checkpoints.save(model, file);
    }
    try (VitModel model = VitModel.create(ref.config(), 99)) {
      Checkpoints.load(model, file, CheckpointSource.NATIVE);
      assertEquals(0.0, model.predict(input).maxAbsDiff(before));
    }
  }

  @Test
  void conversionsMatchTheirDefinitions() {
    Random r = new Random(1);
    HostTensor conv = TorchViTReference.normal(r, 1, 5, 3, 2, 4); // [out, in, kh, kw]
    HostTensor hwio = Conversion.CONV.apply(conv, new long[] {2, 4, 3, 5});
    assertArrayEquals(new long[] {2, 4, 3, 5}, hwio.shape());
    // element [o=4, i=1, y=1, x=2] -> [1, 2, 1, 4]
    assertEquals(conv.data()[((4 * 3 + 1) * 2 + 1) * 4 + 2], hwio.data()[((1 * 4 + 2) * 3 + 1) * 5 + 4]);
    assertEquals(conv, Conversion.CONV.invert(hwio, conv.shape()));

    HostTensor linear = TorchViTReference.normal(r, 1, 3, 7);
    HostTensor kernel = Conversion.LINEAR.apply(linear, new long[] {7, 3});
    assertEquals(linear.data()[2 * 7 + 5], kernel.data()[5 * 3 + 2]);

    HostTensor dw = TorchViTReference.normal(r, 1, 6, 1, 3, 3); // [C, 1, kh, kw]
    HostTensor hwc1 = Conversion.DEPTHWISE.apply(dw, new long[] {3, 3, 6, 1});
    assertEquals(dw.data()[(4 * 3 + 2) * 3 + 1], hwc1.data()[(2 * 3 + 1) * 6 + 4]);
    assertEquals(dw, Conversion.DEPTHWISE.invert(hwc1, dw.shape()));

    HostTensor oneByOne = TorchViTReference.normal(r, 1, 4, 6, 1, 1);
    HostTensor dense = Conversion.CONV_1X1_TO_DENSE.apply(oneByOne, new long[] {6, 4});
    assertEquals(oneByOne.data()[3 * 6 + 5], dense.data()[5 * 4 + 3]);

    assertTrue(Conversion.RESHAPE.accepts(new long[] {1, 64}, new long[] {1, 1, 64}));
    assertTrue(!Conversion.RESHAPE.accepts(new long[] {2, 32}, new long[] {1, 1, 64}));
  }
}
