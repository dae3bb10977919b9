package org.dl4jlosses.regression;

import java.nio.ByteBuffer;

import org.dl4jlosses.internal.Lanes;

import org.dl4jlosses.internal.ElementKernel;

/**
 * The residual losses with an identity activation as a Java kernel, per element of
 * {@code r = z - y}: squared {@code r^2} (gradient {@code 2r}), absolute {@code |r|}
 * ({@code sign r}, 0 at 0) and Huber {@code s c (r - c/2)} with {@code c = clip(r, -t, t)}
 * (gradient {@code s c}), the forms of {@link MseLoss}, {@link MaeLoss}, {@link HuberLoss} and
 * {@link SmoothL1Loss}.
 */
final class ResidualKernel extends ElementKernel {
    enum Form { SQUARE, ABSOLUTE, HUBER }

    final Form form;
    final float threshold;
    final float scale;

    private ResidualKernel(double[] weights, Form form, double threshold, double scale) {
        super(weights);
        this.form = form;
        this.threshold = (float) threshold;
        this.scale = (float) scale;
    }

    static ResidualKernel square(double[] weights) {
        return new ResidualKernel(weights, Form.SQUARE, 0, 1);
    }

    static ResidualKernel absolute(double[] weights) {
        return new ResidualKernel(weights, Form.ABSOLUTE, 0, 1);
    }

    /** Huber with threshold t and scale s (Smooth L1 is t = beta, s = 1 / beta). */
    static ResidualKernel huber(double threshold, double scale) {
        return new ResidualKernel(null, Form.HUBER, threshold, scale);
    }

    private final Plain plain = this::plainElements;

    @Override
    protected Plain plain() {
        return plain;
    }

    private double plainElements(ByteBuffer z, ByteBuffer y, ByteBuffer gradient, int offset, int n, float gradientScale) {
        return Lanes.VECTOR ? ResidualVectors.plain(this, z, y, gradient, offset, n, gradientScale)
                : plainScalar(z, y, gradient, gradientScale, offset, offset + n);
    }

    /** {@link Plain#elements} over elements [from, to) in scalar Java. */
    double plainScalar(ByteBuffer z, ByteBuffer y, ByteBuffer gradient, float gradientScale, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            int at = i * Float.BYTES;
            float r = z.getFloat(at) - y.getFloat(at);
            float g;
            switch (form) {
                case SQUARE:
                    sum += r * r;
                    g = 2 * r;
                    break;
                case ABSOLUTE:
                    sum += Math.abs(r);
                    g = Math.signum(r);
                    break;
                default:
                    float c = Math.max(-threshold, Math.min(threshold, r));
                    sum += scale * c * (r - 0.5f * c);
                    g = scale * c;
            }
            if (gradient != null) {
                gradient.putFloat(at, g * gradientScale);
            }
        }
        return sum;
    }

    @Override
    public long parallelFrom() {
        return 1 << 14;
    }

    @Override
    protected int vectorElements(float[] z, float[] labels, float[] loss, float[] gradient, int n) {
        return ResidualVectors.elements(this, z, labels, loss, gradient, n);
    }

    @Override
    protected void scalarElements(float[] z, float[] y, float[] loss, float[] gradient, int from, int to) {
        for (int i = from; i < to; i++) {
            float r = z[i] - y[i];
            float l;
            float g;
            switch (form) {
                case SQUARE:
                    l = r * r;
                    g = 2 * r;
                    break;
                case ABSOLUTE:
                    l = Math.abs(r);
                    g = Math.signum(r);
                    break;
                default:
                    float c = Math.max(-threshold, Math.min(threshold, r));
                    l = scale * c * (r - 0.5f * c);
                    g = scale * c;
            }
            if (loss != null) {
                loss[i] = l;
            }
            if (gradient != null) {
                gradient[i] = g;
            }
        }
    }
}
