import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Sends a photo to TensorFlow Serving's REST API and prints the top-5 labels of a vit-tf export — plain Java 17, no
 * dependencies (java.net.http for the request, a small JSON reader for the answer). Run it as a single file:
 *
 * <pre>
 *   java docs/serving/Top5Client.java http://localhost:8501 vit cat.jpg
 * </pre>
 *
 * <p>It posts {@code {"signature_name": "serving_image_bytes", "instances": [{"b64": ...}]}} to {@code
 * /v1/models/NAME:predict}; the export's answer for the image holds {@code classes} (the top-k labels, best first)
 * and {@code scores} (their probabilities). Compiled with {@code -Xlint:all -Werror} and run against a stand-in
 * server by the build (savedmodel-export's {@code RestClientExampleTest}).
 */
public final class Top5Client {
  private Top5Client() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length != 3) {
      System.err.println("usage: java Top5Client.java SERVER_URL MODEL_NAME IMAGE_FILE   (e.g. http://localhost:8501 vit cat.jpg)");
      System.exit(2);
    }
    String image = Base64.getEncoder().encodeToString(Files.readAllBytes(Path.of(args[2])));
    String body = "{\"signature_name\": \"serving_image_bytes\", \"instances\": [{\"b64\": \"" + image + "\"}]}";
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create(args[0] + "/v1/models/" + args[1] + ":predict"))
        .timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      // TensorFlow Serving answers errors as {"error": "..."}.
      System.err.println("error: HTTP " + response.statusCode() + ": " + response.body());
      System.exit(1);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> answer = (Map<String, Object>) new Json(response.body()).value();
    @SuppressWarnings("unchecked")
    Map<String, Object> first = (Map<String, Object>) ((List<Object>) answer.get("predictions")).get(0);
    List<?> classes = (List<?>) first.get("classes");
    List<?> scores = (List<?>) first.get("scores");
    for (int i = 0; i < Math.min(5, classes.size()); i++) {
      System.out.printf(Locale.ROOT, "%d. %-30s %.4f%n", i + 1, classes.get(i), ((Number) scores.get(i)).doubleValue());
    }
  }

  /** A minimal JSON reader: objects (as maps), arrays (lists), strings, numbers (doubles), booleans, null. */
  static final class Json {
    private final String s;
    private int i;

    Json(String s) {
      this.s = s;
    }

    Object value() {
      skip();
      char c = s.charAt(i);
      if (c == '{') {
        Map<String, Object> m = new LinkedHashMap<>();
        i++;
        skip();
        if (s.charAt(i) == '}') {
          i++;
          return m;
        }
        do {
          skip();
          String key = string();
          skip();
          expect(':');
          m.put(key, value());
          skip();
        } while (s.charAt(i++) == ',');
        return m;
      }
      if (c == '[') {
        List<Object> l = new ArrayList<>();
        i++;
        skip();
        if (s.charAt(i) == ']') {
          i++;
          return l;
        }
        do {
          l.add(value());
          skip();
        } while (s.charAt(i++) == ',');
        return l;
      }
      if (c == '"') {
        return string();
      }
      for (String word : new String[] {"true", "false", "null"}) {
        if (s.startsWith(word, i)) {
          i += word.length();
          return word.equals("null") ? null : Boolean.valueOf(word);
        }
      }
      int start = i;
      while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
        i++;
      }
      return Double.valueOf(s.substring(start, i));
    }

    private String string() {
      expect('"');
      StringBuilder b = new StringBuilder();
      for (char c = s.charAt(i++); c != '"'; c = s.charAt(i++)) {
        if (c == '\\') {
          char e = s.charAt(i++);
          switch (e) {
            case 'n' -> b.append('\n');
            case 't' -> b.append('\t');
            case 'r' -> b.append('\r');
            case 'b' -> b.append('\b');
            case 'f' -> b.append('\f');
            case 'u' -> {
              b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
              i += 4;
            }
            default -> b.append(e);
          }
        } else {
          b.append(c);
        }
      }
      return b.toString();
    }

    private void expect(char c) {
      if (s.charAt(i) != c) {
        throw new IllegalArgumentException("malformed JSON at " + i + ": expected '" + c + "'");
      }
      i++;
    }

    private void skip() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
    }
  }
}
