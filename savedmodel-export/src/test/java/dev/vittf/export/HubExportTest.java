package dev.vittf.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.core.HostTensor;
import dev.vittf.io.Pretrained;
import dev.vittf.io.SafeTensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every hub folder the checkpoint loader opens (transformers ViT from safetensors and from a {@code .bin}, a
 * distilled DeiT, a bare {@code ViTModel}, timm, torchvision) exports with its labels and its own pipeline, and
 * the SavedModel reproduces the source library's outputs of the fixture (1e-4).
 */
class HubExportTest {
  @TempDir Path base;

  @TestFactory
  List<DynamicTest> everyHubFolderExportsAndReproducesItsSourceLibrary() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String n : List.of("hf_vit", "hf_vit_bin", "hf_vit_bare", "hf_deit_distilled", "timm_vit", "torchvision_vit")) {
      tests.add(DynamicTest.dynamicTest(n, () -> check(TestSupport.fixtures().resolve("hub").resolve(n))));
    }
    return tests;
  }

  private void check(Path folder) throws Exception {
    Pretrained p = Pretrained.load(folder);
    SavedModelExporter.Result r = SavedModelExporter.export(p, base.resolve(folder.getFileName().toString()),
        ExportOptions.defaults(), ExportProgress.NONE);
    List<String> labels = Files.readAllLines(r.directory().resolve("assets/labels.txt"));
    assertEquals(p.config().numClasses(), labels.size());
    if (!p.labels().isEmpty()) {
      assertEquals(p.labels(), labels);
    }
    // The folder's own pipeline runs in serving_image_bytes whenever the folder declares preprocessing.
    assertEquals(p.preprocessing() != null, r.signatures().contains(ServingSignatures.IMAGE_BYTES_KEY), r.signatures().toString());
    Map<String, HostTensor> io = SafeTensors.read(folder.resolve("expected.io.safetensors")).tensors();
    String upstream = p.outputs().entrySet().stream().filter(e -> e.getValue().equals("logits")).findFirst().orElseThrow().getKey();
    try (ServingModel served = ServingModel.load(r.directory())) {
      ServingModel.Outputs out = served.outputs(io.get("input"));
      double diff = out.tensors().get(ServingSignatures.LOGITS).maxAbsDiff(io.get(upstream));
      System.out.printf("export %-18s %-14s max|diff| = %.2e, top-1 %s%n", folder.getFileName(), upstream, diff,
          out.classes().get(0).get(0));
      assertTrue(diff < 1e-4, folder.getFileName() + ": " + diff);
    }
  }
}
