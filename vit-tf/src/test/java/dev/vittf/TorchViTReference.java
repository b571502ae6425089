package dev.vittf;

import dev.vittf.core.HostTensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * An independent, plain-Java (double precision) implementation of the vit-pytorch and timm ViT
 * forward passes, reading a state dict in PyTorch names and layouts. Written from the architecture
 * description in design.md, with no TensorFlow and none of the library's code, so it can check the
 * library (model and checkpoint mapping) on configurations the fixtures do not cover.
 */
final class TorchViTReference {

  /** Architecture hyper-parameters in the reference's terms. */
  record Cfg(boolean timm, int h, int w, int ph, int pw, int c, int dim, int depth, int heads, int dimHead,
             int mlp, int classes, boolean clsPool) {
    int gh() {
      return h / ph;
    }

    int gw() {
      return w / pw;
    }

    int n() {
      return gh() * gw();
    }

    boolean classToken() {
      return timm || clsPool;
    }

    int tokens() {
      return n() + (classToken() ? 1 : 0);
    }

    int patchDim() {
      return ph * pw * c;
    }

    boolean projectOut() {
      return timm || !(heads == 1 && dimHead == dim);
    }
  }

  private final Map<String, HostTensor> sd;
  private final Cfg cfg;

  TorchViTReference(Map<String, HostTensor> stateDict, Cfg cfg) {
    this.sd = stateDict;
    this.cfg = cfg;
  }

  /** Random weights in PyTorch layout, drawn like the fixtures (N(0, 1/fan_in) kernels, etc.). */
  static Map<String, HostTensor> randomStateDict(Cfg c, long seed) {
    Random r = new Random(seed);
    Map<String, HostTensor> sd = new LinkedHashMap<>();
    int inner = c.heads * c.dimHead;
    if (c.timm) {
      sd.put("cls_token", normal(r, 0.5, 1, 1, c.dim));
      sd.put("pos_embed", normal(r, 0.5, 1, c.tokens(), c.dim));
      sd.put("patch_embed.proj.weight", normal(r, 1 / Math.sqrt(c.patchDim()), c.dim, c.c, c.ph, c.pw));
      sd.put("patch_embed.proj.bias", normal(r, 0.1, c.dim));
    } else {
      sd.put("cls_token", normal(r, 0.5, c.clsPool ? 1 : 0, c.dim));
      sd.put("pos_embedding", normal(r, 0.5, c.tokens(), c.dim));
      layerNorm(sd, r, "to_patch_embedding.1", c.patchDim());
      linear(sd, r, "to_patch_embedding.2", c.patchDim(), c.dim, true);
      layerNorm(sd, r, "to_patch_embedding.3", c.dim);
    }
    for (int i = 0; i < c.depth; i++) {
      if (c.timm) {
        String p = "blocks." + i;
        layerNorm(sd, r, p + ".norm1", c.dim);
        linear(sd, r, p + ".attn.qkv", c.dim, 3 * inner, true);
        linear(sd, r, p + ".attn.proj", inner, c.dim, true);
        layerNorm(sd, r, p + ".norm2", c.dim);
        linear(sd, r, p + ".mlp.fc1", c.dim, c.mlp, true);
        linear(sd, r, p + ".mlp.fc2", c.mlp, c.dim, true);
      } else {
        String p = "transformer.layers." + i;
        layerNorm(sd, r, p + ".0.norm", c.dim);
        linear(sd, r, p + ".0.to_qkv", c.dim, 3 * inner, false);
        if (c.projectOut()) {
          linear(sd, r, p + ".0.to_out.0", inner, c.dim, true);
        }
        layerNorm(sd, r, p + ".1.net.0", c.dim);
        linear(sd, r, p + ".1.net.1", c.dim, c.mlp, true);
        linear(sd, r, p + ".1.net.4", c.mlp, c.dim, true);
      }
    }
    layerNorm(sd, r, c.timm ? "norm" : "transformer.norm", c.dim);
    linear(sd, r, c.timm ? "head" : "mlp_head", c.dim, c.classes, true);
    return sd;
  }

  private static void layerNorm(Map<String, HostTensor> sd, Random r, String name, int d) {
    HostTensor g = normal(r, 0.1, d);
    for (int i = 0; i < d; i++) {
      g.data()[i] += 1;
    }
    sd.put(name + ".weight", g);
    sd.put(name + ".bias", normal(r, 0.1, d));
  }

  private static void linear(Map<String, HostTensor> sd, Random r, String name, int in, int out, boolean bias) {
    sd.put(name + ".weight", normal(r, 1 / Math.sqrt(in), out, in));
    if (bias) {
      sd.put(name + ".bias", normal(r, 0.1, out));
    }
  }

  static HostTensor normal(Random r, double std, long... shape) {
    HostTensor t = HostTensor.zeros(shape);
    for (int i = 0; i < t.size(); i++) {
      t.data()[i] = (float) (r.nextGaussian() * std);
    }
    return t;
  }

  /** Logits {@code [B, classes]} for an NHWC input. */
  HostTensor forward(HostTensor input) {
    int b = (int) input.dim(0);
    float[] out = new float[b * cfg.classes];
    for (int n = 0; n < b; n++) {
      double[] logits = forwardOne(input, n);
      for (int k = 0; k < cfg.classes; k++) {
        out[n * cfg.classes + k] = (float) logits[k];
      }
    }
    return new HostTensor(new long[] {b, cfg.classes}, out);
  }

  private double[] forwardOne(HostTensor img, int n) {
    Cfg c = cfg;
    double[][] x = new double[c.tokens()][];
    int off = c.classToken() ? 1 : 0;
    if (c.classToken()) {
      x[0] = vec("cls_token", 0, c.dim);
    }
    for (int gy = 0; gy < c.gh(); gy++) {
      for (int gx = 0; gx < c.gw(); gx++) {
        double[] e;
        if (c.timm) {
          float[] wt = sd.get("patch_embed.proj.weight").data();
          e = vec("patch_embed.proj.bias", 0, c.dim);
          for (int d = 0; d < c.dim; d++) {
            for (int ch = 0; ch < c.c; ch++) {
              for (int i = 0; i < c.ph; i++) {
                for (int j = 0; j < c.pw; j++) {
                  e[d] += wt[((d * c.c + ch) * c.ph + i) * c.pw + j] * pixel(img, n, gy * c.ph + i, gx * c.pw + j, ch);
                }
              }
            }
          }
        } else {
          double[] patch = new double[c.patchDim()];
          int k = 0;
          for (int i = 0; i < c.ph; i++) {
            for (int j = 0; j < c.pw; j++) {
              for (int ch = 0; ch < c.c; ch++) {
                patch[k++] = pixel(img, n, gy * c.ph + i, gx * c.pw + j, ch);
              }
            }
          }
          e = layerNorm(linear(layerNorm(patch, "to_patch_embedding.1", 1e-5), "to_patch_embedding.2"), "to_patch_embedding.3", 1e-5);
        }
        x[off + gy * c.gw() + gx] = e;
      }
    }
    String pos = c.timm ? "pos_embed" : "pos_embedding";
    for (int t = 0; t < x.length; t++) {
      double[] p = vec(pos, t * c.dim, c.dim);
      for (int d = 0; d < c.dim; d++) {
        x[t][d] += p[d];
      }
    }
    double eps = c.timm ? 1e-6 : 1e-5;
    for (int i = 0; i < c.depth; i++) {
      String p = c.timm ? "blocks." + i : "transformer.layers." + i;
      double[][] h = new double[x.length][];
      for (int t = 0; t < x.length; t++) {
        h[t] = layerNorm(x[t], c.timm ? p + ".norm1" : p + ".0.norm", eps);
      }
      double[][] a = attention(h, c.timm ? p + ".attn.qkv" : p + ".0.to_qkv", c.timm ? p + ".attn.proj" : p + ".0.to_out.0");
      for (int t = 0; t < x.length; t++) {
        add(x[t], a[t]);
        double[] f = layerNorm(x[t], c.timm ? p + ".norm2" : p + ".1.net.0", eps);
        f = linear(gelu(linear(f, c.timm ? p + ".mlp.fc1" : p + ".1.net.1")), c.timm ? p + ".mlp.fc2" : p + ".1.net.4");
        add(x[t], f);
      }
    }
    double[] pooled = new double[c.dim];
    if (c.clsPool || c.timm) {
      pooled = layerNorm(x[0], c.timm ? "norm" : "transformer.norm", eps);
    } else {
      for (double[] t : x) {
        add(pooled, layerNorm(t, "transformer.norm", eps));
      }
      for (int d = 0; d < c.dim; d++) {
        pooled[d] /= x.length;
      }
    }
    return linear(pooled, c.timm ? "head" : "mlp_head");
  }

  private double[][] attention(double[][] h, String qkvName, String outName) {
    Cfg c = cfg;
    int inner = c.heads * c.dimHead;
    int t = h.length;
    double[][] qkv = new double[t][];
    for (int i = 0; i < t; i++) {
      qkv[i] = linear(h[i], qkvName);
    }
    double scale = 1 / Math.sqrt(c.dimHead);
    double[][] merged = new double[t][inner];
    for (int head = 0; head < c.heads; head++) {
      for (int i = 0; i < t; i++) {
        double[] logits = new double[t];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < t; j++) {
          double s = 0;
          for (int d = 0; d < c.dimHead; d++) {
            s += qkv[i][head * c.dimHead + d] * qkv[j][inner + head * c.dimHead + d];
          }
          logits[j] = s * scale;
          max = Math.max(max, logits[j]);
        }
        double z = 0;
        for (int j = 0; j < t; j++) {
          logits[j] = Math.exp(logits[j] - max);
          z += logits[j];
        }
        for (int j = 0; j < t; j++) {
          for (int d = 0; d < c.dimHead; d++) {
            merged[i][head * c.dimHead + d] += logits[j] / z * qkv[j][2 * inner + head * c.dimHead + d];
          }
        }
      }
    }
    if (!c.projectOut()) {
      return merged;
    }
    double[][] out = new double[t][];
    for (int i = 0; i < t; i++) {
      out[i] = linear(merged[i], outName);
    }
    return out;
  }

  private double[] linear(double[] x, String name) {
    HostTensor w = sd.get(name + ".weight");
    int out = (int) w.dim(0);
    int in = (int) w.dim(1);
    HostTensor b = sd.get(name + ".bias");
    double[] y = new double[out];
    for (int o = 0; o < out; o++) {
      double s = b == null ? 0 : b.data()[o];
      for (int i = 0; i < in; i++) {
        s += w.data()[o * in + i] * x[i];
      }
      y[o] = s;
    }
    return y;
  }

  private double[] layerNorm(double[] x, String name, double eps) {
    double mean = 0;
    for (double v : x) {
      mean += v;
    }
    mean /= x.length;
    double var = 0;
    for (double v : x) {
      var += (v - mean) * (v - mean);
    }
    var /= x.length;
    double inv = 1 / Math.sqrt(var + eps);
    float[] g = sd.get(name + ".weight").data();
    float[] b = sd.get(name + ".bias").data();
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = (x[i] - mean) * inv * g[i] + b[i];
    }
    return y;
  }

  private static double[] gelu(double[] x) {
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = 0.5 * x[i] * (1 + erf(x[i] / Math.sqrt(2)));
    }
    return y;
  }

  /** erf with absolute error below 1.2e-7 (Numerical Recipes' erfc Chebyshev fit). */
  static double erf(double x) {
    double z = Math.abs(x);
    double t = 1 / (1 + 0.5 * z);
    double erfc = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
        + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
        + t * (-0.82215223 + t * 0.17087277)))))))));
    return x >= 0 ? 1 - erfc : erfc - 1;
  }

  private double[] vec(String name, int offset, int len) {
    float[] d = sd.get(name).data();
    double[] v = new double[len];
    for (int i = 0; i < len; i++) {
      v[i] = d[offset + i];
    }
    return v;
  }

  private static double pixel(HostTensor img, int n, int y, int x, int ch) {
    long[] s = img.shape();
    return img.data()[(int) (((n * s[1] + y) * s[2] + x) * s[3] + ch)];
  }

  private static void add(double[] acc, double[] v) {
    for (int i = 0; i < acc.length; i++) {
      acc[i] += v[i];
    }
  }
}
