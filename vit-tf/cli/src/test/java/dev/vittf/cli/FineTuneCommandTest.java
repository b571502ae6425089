package dev.vittf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vittf.Fixtures;
import dev.vittf.data.GeneratedImageFolder;
import dev.vittf.io.Checkpoints;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code train --init-from} on an image folder: the output folder, the report of what loaded, and every bad input. */
class FineTuneCommandTest {
  @TempDir static Path dir;
  private static final String HUB = Fixtures.dir().resolve("hub/hf_vit").toString();
  private static Path photos;

  private record Run(int code, String out, String err) {}

  @BeforeAll
  static void photos() throws IOException {
    photos = GeneratedImageFolder.write(dir.resolve("photos"), 6, 1);
  }

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    StringWriter cliErr = new StringWriter();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      CommandLine cl = TrainCommand.commandLine(new TrainCommand(o, e));
      cl.setErr(new PrintWriter(cliErr, true));
      code = cl.execute(args);
    }
    return new Run(code, out.toString(StandardCharsets.UTF_8), cliErr + err.toString(StandardCharsets.UTF_8));
  }

  private static String[] common(Path data, Path output, String... more) {
    List<String> a = new ArrayList<>(List.of("--data", data.toString(), "--output", output.toString(), "--epochs", "1",
        "--batch-size", "4", "--warmup-steps", "1", "--val-split", "0.34", "--no-progress"));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  @Test
  void fineTunesAHubFolderAndWritesTheOutputFolder() throws IOException {
    Path out = dir.resolve("out");
    Run r = run(common(photos, out, "--init-from", HUB, "--freeze", "attention", "--layer-decay", "0.65"));
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("init from " + HUB + ": TRANSFORMERS folder (ViTForImageClassification, model.safetensors); loaded 30 of 32"
        + " parameter tensors"), r.out());
    assertTrue(r.out().contains("  not loaded: head/kernel re-initialised for the data's 3 classes"), r.out());
    assertTrue(r.out().contains("3 classes [cat, dog, fish]"), r.out());
    assertTrue(r.out().contains("training: freeze attention, layer decay 0.65"), r.out());
    for (String f : List.of("model.safetensors", "checkpoint.safetensors", "metrics.csv", "curves.png")) {
      assertTrue(Files.size(out.resolve(f)) > 0, f);
    }
    assertEquals(List.of("cat", "dog", "fish"), Checkpoints.labels(out.resolve("model.safetensors")));
    // a second fine-tuning starts from that output, keeping its head (same classes)
    Run again = run(common(photos, dir.resolve("again"), "--init-from", out.resolve("model.safetensors").toString(), "--keep-head",
        "--augment", "none"));
    assertEquals(0, again.code(), again.out() + again.err());
    assertTrue(again.out().contains("loaded 32 of 32 parameter tensors"), again.out());
  }

  @Test
  void badInputFailsBeforeTraining() throws IOException {
    Path o = dir.resolve("o");
    Run r = run(common(photos, o, "--init-from", HUB, "--keep-head"));
    assertEquals(3, r.code(), r.err());
    assertTrue(r.err().startsWith("error: " + HUB + ": --keep-head: the checkpoint's head does not fit 3 classes"), r.err());
    r = run(common(photos, o, "--init-from", HUB, "--preset", "cait-tiny"));
    assertEquals(3, r.code(), r.err());
    assertTrue(r.err().contains("the checkpoint is a 'vit' model, but a 'cait' model was asked for"), r.err());
    r = run(common(photos, o, "--preset", "vit-tiny", "--classes", "0-4"));
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--classes has no effect on an image folder"), r.err());
    r = run(common(photos, o, "--keep-head", "--preset", "vit-tiny"));
    assertEquals(2, r.code(), r.err());

    Path bad = GeneratedImageFolder.write(dir.resolve("bad"), 6, 2);
    Files.writeString(bad.resolve("dog/readme.txt"), "not an image");
    r = run(common(bad, o, "--init-from", HUB));
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains("1 file(s) are not readable images (skip them with --skip-bad-images): " + bad.resolve("dog/readme.txt")),
        r.err());
    assertTrue(Files.notExists(o.resolve("checkpoint.safetensors")), "nothing trained");
    r = run(common(bad, dir.resolve("skipped"), "--init-from", HUB, "--skip-bad-images"));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("skipped 1 bad file(s), e.g. " + bad.resolve("dog/readme.txt")), r.out());

    Path single = dir.resolve("single");
    GeneratedImageFolder.grey(single.resolve("only/a.png"), 32, 1);
    GeneratedImageFolder.grey(single.resolve("only/b.png"), 32, 2);
    r = run(common(single, o, "--init-from", HUB));
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains("a classifier needs at least 2 classes"), r.err());

    r = run(common(photos, o, "--preset", "vit-fmnist"));
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains("image(s) have 3 colour channels, the model 1"), r.err());
  }
}
