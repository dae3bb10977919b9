package org.dl4jlosses.regression;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** The vector body of {@link ResidualKernel} (loaded only with the Vector API). */
final class ResidualVectors {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private ResidualVectors() {
    }

    /**
     * Whole vectors of the row; returns where the scalar remainder starts. One loop per form:
     * vectors assigned in the branches of a switch inside the loop would be boxed by C2.
     */
    static int elements(ResidualKernel kernel, float[] z, float[] y, float[] loss, float[] gradient, int n) {
        int bound = S.loopBound(n);
        switch (kernel.form) {
            case SQUARE:
                for (int i = 0; i < bound; i += S.length()) {
                    FloatVector r = FloatVector.fromArray(S, z, i).sub(FloatVector.fromArray(S, y, i));
                    if (loss != null) {
                        r.mul(r).intoArray(loss, i);
                    }
                    if (gradient != null) {
                        r.add(r).intoArray(gradient, i);
                    }
                }
                break;
            case ABSOLUTE:
                for (int i = 0; i < bound; i += S.length()) {
                    FloatVector r = FloatVector.fromArray(S, z, i).sub(FloatVector.fromArray(S, y, i));
                    if (loss != null) {
                        r.abs().intoArray(loss, i);
                    }
                    if (gradient != null) {
                        // sign(r): +1, -1, 0 at 0, and NaN stays NaN (the blend keeps r itself there).
                        FloatVector.zero(S).blend(1f, r.compare(VectorOperators.GT, 0f))
                                .blend(-1f, r.compare(VectorOperators.LT, 0f))
                                .blend(r, r.test(VectorOperators.IS_NAN)).intoArray(gradient, i);
                    }
                }
                break;
            default:
                for (int i = 0; i < bound; i += S.length()) {
                    FloatVector r = FloatVector.fromArray(S, z, i).sub(FloatVector.fromArray(S, y, i));
                    FloatVector c = r.max(-kernel.threshold).min(kernel.threshold);
                    if (loss != null) {
                        c.mul(r.sub(c.mul(0.5f))).mul(kernel.scale).intoArray(loss, i);
                    }
                    if (gradient != null) {
                        c.mul(kernel.scale).intoArray(gradient, i);
                    }
                }
        }
        return bound;
    }

    /**
     * {@link ResidualKernel#plainScalar}'s vector form over the n elements from {@code offset}
     * (the remainder by the scalar form): the sum in a register, the gradient scaled as it is
     * written.
     */
    static double plain(ResidualKernel kernel, ByteBuffer z, ByteBuffer y, ByteBuffer gradient, int offset, int n,
                        float gradientScale) {
        int end = offset + S.loopBound(n);
        int step = S.length();
        FloatVector acc = FloatVector.zero(S);
        switch (kernel.form) {
            case SQUARE: {
                float twice = 2 * gradientScale;
                for (int i = offset; i < end; i += step) {
                    FloatVector r = residual(z, y, i);
                    acc = r.fma(r, acc);
                    if (gradient != null) {
                        r.mul(twice).intoByteBuffer(gradient, i * Float.BYTES, ORDER);
                    }
                }
                break;
            }
            case ABSOLUTE:
                for (int i = offset; i < end; i += step) {
                    FloatVector r = residual(z, y, i);
                    acc = acc.add(r.abs());
                    if (gradient != null) {
                        FloatVector.zero(S).blend(gradientScale, r.compare(VectorOperators.GT, 0f))
                                .blend(-gradientScale, r.compare(VectorOperators.LT, 0f))
                                .blend(r, r.test(VectorOperators.IS_NAN)).intoByteBuffer(gradient, i * Float.BYTES, ORDER);
                    }
                }
                break;
            default: {
                float slope = kernel.scale * gradientScale;
                FloatVector scale = FloatVector.broadcast(S, kernel.scale);
                for (int i = offset; i < end; i += step) {
                    FloatVector r = residual(z, y, i);
                    FloatVector c = r.max(-kernel.threshold).min(kernel.threshold);
                    acc = c.mul(r.sub(c.mul(0.5f))).fma(scale, acc);
                    if (gradient != null) {
                        c.mul(slope).intoByteBuffer(gradient, i * Float.BYTES, ORDER);
                    }
                }
            }
        }
        return acc.reduceLanes(VectorOperators.ADD) + kernel.plainScalar(z, y, gradient, gradientScale, end, offset + n);
    }

    private static FloatVector residual(ByteBuffer z, ByteBuffer y, int i) {
        return FloatVector.fromByteBuffer(S, z, i * Float.BYTES, ORDER).sub(FloatVector.fromByteBuffer(S, y, i * Float.BYTES, ORDER));
    }
}
