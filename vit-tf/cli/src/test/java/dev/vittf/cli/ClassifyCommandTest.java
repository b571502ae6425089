package dev.vittf.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vittf.Fixtures;
import dev.vittf.core.HostTensor;
import dev.vittf.io.SafeTensors;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code classify} and {@code preprocess} from the command line. */
class ClassifyCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path PHOTOS = Fixtures.dir().resolve("preprocess");
  @TempDir Path dir;

  private record Run(int code, String out, String err) {}

  private static Run run(Supplier<Callable<Integer>> command, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    try (PrintWriter o = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true)) {
      CommandLine cl = new CommandLine(command.get());
      cl.setOut(o);
      cl.setErr(new PrintWriter(err, true));
      cl.setExecutionExceptionHandler((ex, line, parsed) -> {
        line.getErr().println("error: " + ex.getMessage());
        return 1;
      });
      int code = cl.execute(args);
      o.flush();
      return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString());
    }
  }

  private static HostTensor pixels(Path file) throws IOException {
    return SafeTensors.read(file).tensors().get("pixels");
  }

  private static HostTensor expected(String stem, String pipeline) throws IOException {
    return SafeTensors.read(PHOTOS.resolve(stem + "." + pipeline + ".safetensors")).tensors().get("pixel_values");
  }

  @Test
  void preprocessWritesThePipelineTensorForEveryKindOfPipelineSource() throws IOException {
    JsonNode pipelines = JSON.readTree(PHOTOS.resolve("pipelines.json").toFile()).get("pipelines");
    Path hf = dir.resolve("preprocessor_config.json");
    JSON.writeValue(hf.toFile(), pipelines.get("hf_deit").get("preprocessor_config"));
    Path timm = dir.resolve("config.json");
    ObjectNode timmConfig = JSON.createObjectNode();
    timmConfig.set("pretrained_cfg", pipelines.get("timm_eval").get("resolved_data_config"));
    JSON.writeValue(timm.toFile(), timmConfig);

    Path out = dir.resolve("a.safetensors");
    Run r = run(PreprocessCommand::new, "--pipeline", "torchvision_vit_b_16", "--image", PHOTOS.resolve("coffee_progressive.jpg").toString(),
        "--output", out.toString());
    assertEquals(0, r.code(), r.err());
    assertArrayEquals(expected("coffee_progressive", "torchvision_vit_b_16").data(), pixels(out).data());
    assertArrayEquals(new long[] {1, 224, 224, 3}, pixels(out).shape());

    // An existing output is not replaced silently.
    r = run(PreprocessCommand::new, "--model", hf.toString(), "--image", PHOTOS.resolve("chelsea.png").toString(), "--output", out.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("exists; pass --overwrite"), r.err());
    r = run(PreprocessCommand::new, "--model", dir.toString(), "--image", PHOTOS.resolve("chelsea.png").toString(), "--output",
        out.toString(), "--overwrite");
    assertEquals(0, r.code(), r.err());
    assertArrayEquals(expected("chelsea", "hf_deit").data(), pixels(out).data());

    Path out2 = dir.resolve("b.safetensors");
    r = run(PreprocessCommand::new, "--model", timm.toString(), "--image", PHOTOS.resolve("astronaut.png").toString(), "--output", out2.toString());
    assertEquals(0, r.code(), r.err());
    assertArrayEquals(expected("astronaut", "timm_eval").data(), pixels(out2).data());

    // The hub folder's own 32x32 pipeline.
    Path out3 = dir.resolve("c.safetensors");
    r = run(PreprocessCommand::new, "--model", Fixtures.dir().resolve("hub/hf_vit").toString(), "--image",
        PHOTOS.resolve("chelsea.png").toString(), "--output", out3.toString());
    assertEquals(0, r.code(), r.err());
    assertArrayEquals(new long[] {1, 32, 32, 3}, pixels(out3).shape());

    // A bad image names the file and the reason, and writes nothing.
    Path bad = Files.writeString(dir.resolve("bad.jpg"), "no jpeg here");
    Path out4 = dir.resolve("d.safetensors");
    r = run(PreprocessCommand::new, "--pipeline", "torchvision_vit_b_16", "--image", bad.toString(), "--output", out4.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("bad.jpg: not a PNG, JPEG"), r.err());
    assertTrue(!Files.exists(out4));
  }

  @Test
  void classifyPrintsATableOrJsonLinesKeepsGoingPastBadImagesAndExplains() throws IOException {
    Path model = Fixtures.dir().resolve("timm_vit.json");
    String pipeline = Fixtures.dir().resolve("hub/timm_vit/config.json").toString();
    Path bad = Files.write(dir.resolve("broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0});
    Run r = run(ClassifyCommand::new, "--model", model.toString(), "--pipeline", pipeline, "--image",
        PHOTOS.resolve("chelsea.png").toString(), bad.toString(), PHOTOS.resolve("coffee_progressive.jpg").toString(),
        "--top", "3", "--json");
    assertEquals(1, r.code(), r.err()); // one image failed
    List<String> lines = r.out().lines().toList();
    assertEquals(3, lines.size(), r.out());
    JsonNode first = JSON.readTree(lines.get(0));
    assertEquals(PHOTOS.resolve("chelsea.png").toString(), first.get("image").asText());
    assertEquals(3, first.get("top_k").size());
    double previous = 1;
    for (JsonNode t : first.get("top_k")) {
      assertTrue(t.get("label").asText().startsWith("LABEL_"));
      double p = t.get("probability").asDouble();
      assertTrue(p > 0 && p <= previous, lines.get(0));
      previous = p;
    }
    JsonNode second = JSON.readTree(lines.get(1));
    assertTrue(second.get("error").asText().contains("broken.png"), lines.get(1));
    assertEquals(3, JSON.readTree(lines.get(2)).get("top_k").size());

    Path maps = dir.resolve("maps");
    r = run(ClassifyCommand::new, "--model", model.toString(), "--pipeline", pipeline, "--image",
        PHOTOS.resolve("astronaut.png").toString(), "--explain", maps.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("rank  probability  index  label"), r.out());
    assertEquals(8, r.out().lines().count(), r.out()); // name, header, the default 5 rows, the heat-map path
    BufferedImage heat = ImageIO.read(maps.resolve("astronaut.attention.png").toFile());
    assertEquals(256, heat.getWidth());
    assertEquals(256, heat.getHeight());
  }

  @Test
  void gridFollowsTheTokenCount() {
    assertArrayEquals(new int[] {4, 4}, ClassifyCommand.grid(17, 32, 32));
    assertArrayEquals(new int[] {2, 3}, ClassifyCommand.grid(6, 32, 48));
  }
}
