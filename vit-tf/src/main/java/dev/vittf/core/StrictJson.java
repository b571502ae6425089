package dev.vittf.core;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The JSON reader for every file the library parses (config JSON, safetensors headers, reference
 * descriptions): a duplicate key is an error ({@code STRICT_DUPLICATE_DETECTION}) rather than "the
 * last one wins", and trailing content after the document is an error. (Integers past a long are
 * read as exact {@code BigInteger} nodes; never narrow them with {@code asLong()}, which wraps: see
 * {@link #exactLong}.)
 */
public final class StrictJson {
  private StrictJson() {}

  /** A builder with the strict reading features on; add features and build. */
  public static JsonMapper.Builder builder() {
    return JsonMapper.builder()
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  /**
   * The exact value of an integer node if it lies in {@code [min, max]}, else null (also for a
   * non-integer node). Unlike {@code JsonNode.asLong()}, never wraps: {@code 2^64} is out of range, not 0.
   */
  public static Long exactLong(com.fasterxml.jackson.databind.JsonNode node, long min, long max) {
    if (node == null || !node.isIntegralNumber()) {
      return null;
    }
    java.math.BigInteger v = node.bigIntegerValue();
    if (v.compareTo(java.math.BigInteger.valueOf(min)) < 0 || v.compareTo(java.math.BigInteger.valueOf(max)) > 0) {
      return null;
    }
    return v.longValueExact();
  }

  /** A new strict mapper. */
  public static ObjectMapper mapper() {
    return builder().build();
  }
}
