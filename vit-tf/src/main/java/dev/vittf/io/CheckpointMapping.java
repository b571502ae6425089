package dev.vittf.io;

import dev.vittf.core.HostTensor;
import dev.vittf.core.ParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A declared table from our parameter names to a foreign checkpoint's tensor names, each with its
 * layout {@link Conversion}. The only place that knows foreign names. Loading is strict: every entry's
 * tensor must be present with the expected shape, every checkpoint tensor must be claimed by an entry
 * (or be one of the named, narrow {@linkplain #expectedEmpty() exemptions} for zero-size tensors), and
 * every model parameter must be covered.
 *
 * @param source human-readable source and the upstream version it targets
 * @param entries the table
 * @param expectedEmpty checkpoint tensors that must exist and be empty (e.g. vit-pytorch's {@code
 *     cls_token [0, D]} under {@code pool='mean'}), ignored on load
 * @param positions the position embeddings among the entries, which {@link #toOurs(Map, List, boolean)}
 *     may resample to the model's patch grid
 * @param fused our tensors made of several of theirs concatenated along the first axis (transformers'
 *     separate {@code query}/{@code key}/{@code value} into our fused {@code qkv})
 */
public record CheckpointMapping(
    String source, List<Entry> entries, List<String> expectedEmpty, List<Position> positions, List<Fused> fused) {
  private static final System.Logger LOG = System.getLogger(CheckpointMapping.class.getName());

  /**
   * A learned absolute position embedding {@code [1, prefix + gridHeight*gridWidth, D]} of the checkpoint.
   *
   * @param theirs the checkpoint's tensor name
   * @param prefix rows before the grid rows (class and register tokens), copied unchanged
   * @param gridHeight the model's patch rows
   * @param gridWidth the model's patch columns
   */
  public record Position(String theirs, int prefix, int gridHeight, int gridWidth) {}

  /**
   * One of our tensors from several of theirs: concatenated along their first axis (a Linear's output
   * features), in order, then converted.
   *
   * @param ours our parameter name
   * @param theirs the checkpoint's tensors, in concatenation order
   * @param conversion layout conversion of the concatenation
   */
  public record Fused(String ours, List<String> theirs, Conversion conversion) {
    /** Copies the list. */
    public Fused {
      theirs = List.copyOf(theirs);
    }
  }

  /**
   * One row of the table.
   *
   * @param ours our parameter name
   * @param theirs the checkpoint's tensor name
   * @param conversion layout conversion
   */
  public record Entry(String ours, String theirs, Conversion conversion) {}

  /** Copies the lists. */
  public CheckpointMapping {
    entries = List.copyOf(entries);
    expectedEmpty = List.copyOf(expectedEmpty);
    positions = List.copyOf(positions);
    fused = List.copyOf(fused);
  }

  /**
   * Converts a foreign state dict to our names and layouts, checking it against our parameters.
   *
   * @throws CheckpointMismatchException listing every missing, unexpected and mis-shaped tensor
   */
  public Map<String, HostTensor> toOurs(Map<String, HostTensor> theirs, List<ParameterSpec> ours) {
    return toOurs(theirs, ours, false);
  }

  /**
   * Like {@link #toOurs(Map, List)}; with {@code resamplePositions}, a position embedding trained on
   * another (square) patch grid is first resampled to the model's grid as timm does ({@link
   * PositionEmbeddings#resample}), and the resampling is logged. Without it, such a tensor is mis-shaped.
   *
   * @throws CheckpointMismatchException listing every missing, unexpected and mis-shaped tensor
   */
  public Map<String, HostTensor> toOurs(Map<String, HostTensor> theirs, List<ParameterSpec> ours, boolean resamplePositions) {
    Partial p = partial(theirs, ours, resamplePositions);
    if (!p.missing().isEmpty() || !p.unexpected().isEmpty() || !p.misshaped().isEmpty()) {
      throw new CheckpointMismatchException(source, p.missing(), p.unexpected(), p.misshaped());
    }
    return p.loaded();
  }

  /**
   * What a lenient load finds: the tensors that fit, converted, and every problem.
   *
   * @param loaded our parameters that fit, converted to our names and layouts
   * @param missing checkpoint tensors the table names but the checkpoint lacks
   * @param unexpected checkpoint tensors no entry claims
   * @param misshaped checkpoint tensors of another shape than our parameter needs (with both shapes)
   */
  public record Partial(Map<String, HostTensor> loaded, List<String> missing, List<String> unexpected, List<String> misshaped) {}

  /**
   * Converts every tensor that fits and reports the rest instead of failing (a warm start for fine-tuning
   * loads what fits and re-initialises the rest); {@link #toOurs(Map, List, boolean)} is the strict form.
   */
  public Partial partial(Map<String, HostTensor> theirs, List<ParameterSpec> ours, boolean resamplePositions) {
    if (resamplePositions) {
      theirs = resampled(theirs);
    }
    Map<String, ParameterSpec> specs = new LinkedHashMap<>();
    ours.forEach(p -> specs.put(p.name(), p));
    List<String> missing = new ArrayList<>();
    List<String> misshaped = new ArrayList<>();
    Set<String> claimed = new LinkedHashSet<>();
    Map<String, HostTensor> out = new LinkedHashMap<>();
    for (Entry e : entries) {
      ParameterSpec spec = specs.get(e.ours());
      if (spec == null) {
        throw new IllegalStateException("mapping " + source + " names unknown parameter '" + e.ours() + "'");
      }
      claimed.add(e.theirs());
      HostTensor t = theirs.get(e.theirs());
      if (t == null) {
        missing.add(e.theirs());
        continue;
      }
      if (!e.conversion().accepts(t.shape(), spec.shape())) {
        misshaped.add(e.theirs() + " has " + Arrays.toString(t.shape()) + ", expected "
            + Arrays.toString(e.conversion().expectedSource(spec.shape())) + " (for " + e.ours() + ")");
        continue;
      }
      out.put(e.ours(), e.conversion().apply(t, spec.shape()));
    }
    for (Fused f : fused) {
      ParameterSpec spec = specs.get(f.ours());
      if (spec == null) {
        throw new IllegalStateException("mapping " + source + " names unknown parameter '" + f.ours() + "'");
      }
      claimed.addAll(f.theirs());
      List<HostTensor> parts = new ArrayList<>();
      for (String t : f.theirs()) {
        if (theirs.get(t) == null) {
          missing.add(t);
        } else {
          parts.add(theirs.get(t));
        }
      }
      if (parts.size() != f.theirs().size()) {
        continue;
      }
      HostTensor joined = concatRows(parts);
      if (joined == null || !f.conversion().accepts(joined.shape(), spec.shape())) {
        misshaped.add(String.join(" + ", f.theirs()) + " have " + parts.stream().map(p -> Arrays.toString(p.shape())).toList()
            + ", expected together " + Arrays.toString(f.conversion().expectedSource(spec.shape())) + " (for " + f.ours() + ")");
        continue;
      }
      out.put(f.ours(), f.conversion().apply(joined, spec.shape()));
    }
    for (String name : expectedEmpty) {
      claimed.add(name);
      HostTensor t = theirs.get(name);
      if (t == null) {
        missing.add(name + " (expected empty)");
      } else if (t.size() != 0) {
        misshaped.add(name + " has " + Arrays.toString(t.shape()) + ", expected an empty tensor");
      }
    }
    List<String> unexpected = theirs.keySet().stream().filter(n -> !claimed.contains(n)).toList();
    List<String> uncovered = specs.keySet().stream().filter(n -> entries.stream().noneMatch(e -> e.ours().equals(n))
        && fused.stream().noneMatch(f -> f.ours().equals(n))).toList();
    if (!uncovered.isEmpty()) {
      throw new IllegalStateException("mapping " + source + " does not cover parameters " + uncovered);
    }
    return new Partial(out, List.copyOf(missing), List.copyOf(unexpected), List.copyOf(misshaped));
  }

  // Concatenation along the first axis, or null if the trailing shapes differ.
  private static HostTensor concatRows(List<HostTensor> parts) {
    long[] first = parts.get(0).shape();
    long rows = 0;
    int total = 0;
    for (HostTensor p : parts) {
      long[] s = p.shape();
      if (s.length != first.length || s.length == 0
          || !Arrays.equals(Arrays.copyOfRange(s, 1, s.length), Arrays.copyOfRange(first, 1, first.length))) {
        return null;
      }
      rows += s[0];
      total += p.size();
    }
    float[] data = new float[total];
    int at = 0;
    for (HostTensor p : parts) {
      System.arraycopy(p.data(), 0, data, at, p.size());
      at += p.size();
    }
    long[] shape = first.clone();
    shape[0] = rows;
    return new HostTensor(shape, data);
  }

  private Map<String, HostTensor> resampled(Map<String, HostTensor> theirs) {
    Map<String, HostTensor> out = new LinkedHashMap<>(theirs);
    for (Position p : positions) {
      HostTensor t = theirs.get(p.theirs());
      long want = p.prefix() + (long) p.gridHeight() * p.gridWidth();
      if (t == null || t.shape().length != 3 || t.shape()[1] == want || t.shape()[1] <= p.prefix()) {
        continue; // absent or already fitting: the strict check below reports anything else
      }
      long rows = t.shape()[1] - p.prefix();
      int side = (int) Math.round(Math.sqrt(rows));
      if ((long) side * side != rows) {
        throw new CheckpointMismatchException(source, List.of(), List.of(), List.of(p.theirs() + " has "
            + Arrays.toString(t.shape()) + ": " + rows + " grid rows after " + p.prefix() + " prefix rows is not a square grid,"
            + " cannot resample to " + p.gridHeight() + "x" + p.gridWidth()));
      }
      out.put(p.theirs(), PositionEmbeddings.resample(t, p.prefix(), side, side, p.gridHeight(), p.gridWidth()));
      LOG.log(System.Logger.Level.INFO, "resampled " + p.theirs() + " " + Arrays.toString(t.shape()) + " from a " + side
          + "x" + side + " to a " + p.gridHeight() + "x" + p.gridWidth() + " patch grid (" + p.prefix()
          + " prefix rows kept; bicubic, antialias, as timm's resample_abs_pos_embed)");
    }
    return out;
  }

  /** Builder for a mapping table, with helpers for the common layer kinds. */
  public static final class Builder {
    private final String source;
    private final List<Entry> entries = new ArrayList<>();
    private final List<String> empty = new ArrayList<>();
    private final List<Position> positions = new ArrayList<>();
    private final List<Fused> fusedEntries = new ArrayList<>();

    /** A builder for the given source description. */
    public Builder(String source) {
      this.source = source;
    }

    /** One tensor. */
    public Builder add(String ours, String theirs, Conversion conversion) {
      entries.add(new Entry(ours, theirs, conversion));
      return this;
    }

    /** {@code nn.Linear}: {@code <ours>/kernel <- <theirs>.weight} (transposed) and optionally the bias. */
    public Builder linear(String ours, String theirs, boolean bias) {
      add(ours + "/kernel", theirs + ".weight", Conversion.LINEAR);
      if (bias) {
        add(ours + "/bias", theirs + ".bias", Conversion.IDENTITY);
      }
      return this;
    }

    /** {@code nn.LayerNorm}: {@code scale <- weight}, {@code bias <- bias}. */
    public Builder layerNorm(String ours, String theirs) {
      add(ours + "/scale", theirs + ".weight", Conversion.IDENTITY);
      return add(ours + "/bias", theirs + ".bias", Conversion.IDENTITY);
    }

    /** {@code nn.Conv2d}: HWIO kernel and optional bias. */
    public Builder conv(String ours, String theirs, boolean bias) {
      add(ours + "/kernel", theirs + ".weight", Conversion.CONV);
      if (bias) {
        add(ours + "/bias", theirs + ".bias", Conversion.IDENTITY);
      }
      return this;
    }

    /**
     * A learned position embedding {@code [1, prefix + gridHeight*gridWidth, D]}, loaded as it is, or
     * resampled from another grid when the caller asks for it.
     */
    public Builder positionEmbedding(String ours, String theirs, int prefix, int gridHeight, int gridWidth) {
      positions.add(new Position(theirs, prefix, gridHeight, gridWidth));
      return add(ours, theirs, Conversion.IDENTITY);
    }

    /**
     * Our fused linear {@code <ours>/kernel [in, n*out]} (and bias) from several {@code nn.Linear}s
     * {@code <theirs_i>.weight [out, in]}, concatenated in order (transformers' query, key, value).
     */
    public Builder fusedLinear(String ours, List<String> theirs, boolean bias) {
      fusedEntries.add(new Fused(ours + "/kernel", theirs.stream().map(t -> t + ".weight").toList(), Conversion.LINEAR));
      if (bias) {
        fusedEntries.add(new Fused(ours + "/bias", theirs.stream().map(t -> t + ".bias").toList(), Conversion.IDENTITY));
      }
      return this;
    }

    /** A checkpoint tensor that must be present and empty. */
    public Builder expectEmpty(String theirs) {
      empty.add(theirs);
      return this;
    }

    /** The table. */
    public CheckpointMapping build() {
      return new CheckpointMapping(source, entries, empty, positions, fusedEntries);
    }
  }

  /** Starts a table. */
  public static Builder builder(String source) {
    return new Builder(source);
  }
}
