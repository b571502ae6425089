package dev.vittf.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vittf.core.GraphParameterStore;
import dev.vittf.core.HostTensor;
import dev.vittf.core.Initializer;
import dev.vittf.core.ParameterRole;
import dev.vittf.core.ParameterSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** The graph AdamW against an independent Java computation on a toy problem. */
class AdamWTest {
  @Test
  void matchesAJavaReferenceIncludingDecoupledDecayOnlyWhereAsked() {
    double b1 = 0.8;
    double b2 = 0.95;
    double eps = 1e-3;
    double wd = 0.5;
    double[] lrs = {0.1, 0.05, 0.2, 0.01};
    double[] c = {1.5, -2.0, 0.25};
    // loss = sum(c * w) + sum(b^3): dw = c (constant), db = 3 b^2
    double[] w = {0.5, -1.0, 2.0};
    double[] b = {0.3, -0.7};
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      GraphParameterStore store = new GraphParameterStore(g, 0);
      Operand<TFloat32> wr = store.parameter(new ParameterSpec("w", new long[] {3}, ParameterRole.WEIGHT, Initializer.constant(0)));
      Operand<TFloat32> br = store.parameter(new ParameterSpec("b", new long[] {2}, ParameterRole.BIAS, Initializer.constant(0)));
      Operand<TFloat32> loss = tf.math.add(
          tf.sum(tf.math.mul(wr, tf.constant(new float[] {1.5f, -2.0f, 0.25f})), tf.constant(0)),
          tf.sum(tf.math.mul(br, tf.math.mul(br, br)), tf.constant(0)));
      Output<?>[] grads = g.addGradients(loss.asOutput(), new Output<?>[] {wr.asOutput(), br.asOutput()});
      Placeholder<TFloat32> lr = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      Placeholder<TFloat32> p1 = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      Placeholder<TFloat32> p2 = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      @SuppressWarnings("unchecked")
      Operand<TFloat32> gw = (Operand<TFloat32>) grads[0];
      @SuppressWarnings("unchecked")
      Operand<TFloat32> gb = (Operand<TFloat32>) grads[1];
      AdamW opt = new AdamW(g, tf, List.of(
          new AdamW.Target("w", store.variable("w"), gw, new long[] {3}, true),
          new AdamW.Target("b", store.variable("b"), gb, new long[] {2}, false)),
          new AdamW.Hyper(b1, b2, eps, wd), lr, p1, p2);
      try (Session s = new Session(g)) {
        s.initialize();
        store.assign(s, Map.of("w", new HostTensor(new long[] {3}, toFloat(w)), "b", new HostTensor(new long[] {2}, toFloat(b))));
        double[] mw = new double[3];
        double[] vw = new double[3];
        double[] mb = new double[2];
        double[] vb = new double[2];
        for (int t = 1; t <= lrs.length; t++) {
          double rate = lrs[t - 1];
          try (TFloat32 lrT = TFloat32.scalarOf((float) rate);
              TFloat32 p1T = TFloat32.scalarOf((float) Math.pow(b1, t));
              TFloat32 p2T = TFloat32.scalarOf((float) Math.pow(b2, t));
              Result r = s.runner().feed(lr, lrT).feed(p1, p1T).feed(p2, p2T).addTarget(opt.update()).fetch(loss).run()) {
            r.get(0);
          }
          double[] gW = c.clone();
          double[] gB = {3 * b[0] * b[0], 3 * b[1] * b[1]};
          double stepSize = rate * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t));
          for (int i = 0; i < 3; i++) {
            w[i] -= rate * wd * w[i];
            mw[i] = b1 * mw[i] + (1 - b1) * gW[i];
            vw[i] = b2 * vw[i] + (1 - b2) * gW[i] * gW[i];
            w[i] -= stepSize * mw[i] / (Math.sqrt(vw[i]) + eps);
          }
          for (int i = 0; i < 2; i++) {
            mb[i] = b1 * mb[i] + (1 - b1) * gB[i];
            vb[i] = b2 * vb[i] + (1 - b2) * gB[i] * gB[i];
            b[i] -= stepSize * mb[i] / (Math.sqrt(vb[i]) + eps);
          }
          Map<String, HostTensor> now = store.read(s);
          for (int i = 0; i < 3; i++) {
            assertEquals(w[i], now.get("w").data()[i], 2e-6, "w[" + i + "] after step " + t);
          }
          for (int i = 0; i < 2; i++) {
            assertEquals(b[i], now.get("b").data()[i], 2e-6, "b[" + i + "] after step " + t);
          }
        }
        assertEquals(4, opt.slots().size());
      }
    }
  }

  private static float[] toFloat(double[] x) {
    float[] f = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      f[i] = (float) x[i];
    }
    return f;
  }
}
