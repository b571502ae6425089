package dev.vittf.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vittf.io.Pretrained;
import java.io.IOException;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REST client example of docs/serving.md ({@code docs/serving/Top5Client.java}) compiles with {@code -Xlint:all
 * -Werror} and, run in its own JVM against a stand-in for TensorFlow Serving's REST API (com.sun.net.httpserver,
 * answering {@code :predict} from the real export, as Serving would), prints the export's top-5 labels.
 */
class RestClientExampleTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  /** TensorFlow Serving's REST predict, row format, for the one model it serves; errors as {@code {"error": ...}}. */
  private static void serve(HttpExchange x, String name, ServingModel model, List<String> seen) throws IOException {
    String path = x.getRequestURI().getPath();
    byte[] request = x.getRequestBody().readAllBytes(); // read first, as a server does, even when refusing it
    int code;
    String body;
    if (x.getRequestMethod().equals("POST") && path.equals("/v1/models/" + name + ":predict")) {
      JsonNode req = JSON.readTree(request);
      seen.add(req.path("signature_name").asText());
      List<byte[]> images = new ArrayList<>();
      req.get("instances").forEach(i -> images.add(Base64.getDecoder().decode(i.get("b64").asText())));
      ServingModel.Outputs out = model.outputsEncoded(images);
      ObjectNode answer = JSON.createObjectNode();
      ArrayNode rows = answer.putArray("predictions");
      for (int i = 0; i < images.size(); i++) {
        ObjectNode row = rows.addObject();
        out.classes().get(i).forEach(row.putArray("classes")::add);
        for (Map.Entry<String, dev.vittf.core.HostTensor> t : out.tensors().entrySet()) {
          ArrayNode a = row.putArray(t.getKey());
          for (float v : t.getValue().row(i)) {
            a.add(v);
          }
        }
      }
      code = 200;
      body = JSON.writeValueAsString(answer);
    } else {
      code = 404;
      body = "{ \"error\": \"Servable not found for request: Latest(" + path.replaceAll("^/v1/models/|:predict$", "") + ")\" }";
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().add("Content-Type", "application/json");
    x.sendResponseHeaders(code, bytes.length);
    x.getResponseBody().write(bytes);
    x.close();
  }

  @Test
  void theExampleClientPrintsTheTopFiveLabelsFromTheRestApi() throws Exception {
    Path source = TestSupport.projectFile("docs/serving/Top5Client.java");
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter diagnostics = new StringWriter();
    boolean ok = javac.getTask(diagnostics, null, null, List.of("-Xlint:all", "-Werror", "-d", tmp.toString()), null,
        javac.getStandardFileManager(null, null, null).getJavaFileObjects(source.toFile())).call();
    assertTrue(ok, diagnostics.toString());

    Path hub = TestSupport.fixtures().resolve("hub/hf_vit");
    Path dir = SavedModelExporter.export(Pretrained.load(hub), tmp.resolve("vit"), ExportOptions.defaults(),
        ExportProgress.NONE).directory();
    Path photo = TestSupport.fixtures().resolve("preprocess/astronaut.png");
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    try (ServingModel model = ServingModel.load(dir)) {
      server.createContext("/v1/models/", x -> serve(x, "vit", model, seen));
      server.start();
      String url = "http://127.0.0.1:" + server.getAddress().getPort();
      TestSupport.Child run = TestSupport.runJavaWithClasspath(tmp.toString(), Map.of(), List.of(), "Top5Client", url, "vit",
          photo.toString());
      assertEquals(0, run.exitCode(), run.stderr());
      // The expected lines, from the export called in-process.
      ServingModel.Outputs out = model.outputsEncoded(List.of(java.nio.file.Files.readAllBytes(photo)));
      List<String> want = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        want.add(String.format(Locale.ROOT, "%d. %-30s %.4f", i + 1, out.classes().get(0).get(i),
            out.tensors().get(ServingSignatures.SCORES).row(0)[i]));
      }
      assertEquals(want, run.stdout().lines().toList());
      assertTrue(want.get(0).startsWith("1. space shuttle"), want.get(0)); // fixtures/classify/expected.json
      assertEquals(List.of("serving_image_bytes"), seen);

      TestSupport.Child wrong = TestSupport.runJavaWithClasspath(tmp.toString(), Map.of(), List.of(), "Top5Client", url, "other",
          photo.toString());
      assertEquals(1, wrong.exitCode());
      assertTrue(wrong.stderr().startsWith("error: HTTP 404: { \"error\": \"Servable not found for request: Latest(other)\" }"),
          wrong.stderr());
    } finally {
      server.stop(0);
    }
  }
}
