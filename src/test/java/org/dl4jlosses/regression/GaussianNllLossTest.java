package org.dl4jlosses.regression;

import static org.dl4jlosses.testing.Assert.close;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What the shared catalogues cannot reach for GaussianNllLoss (two outputs per target): values by
 * hand at heads of +-1e4, garbage in masked rows, and half precision.
 */
class GaussianNllLossTest {
    private static final ActivationIdentity IDENTITY = new ActivationIdentity();
    private static final double R = 1.0 / 128;

    /** Softplus heads of +-1e4: a variance of 1e4, and one clamped to eps, both exact. */
    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void softplusHeadsOf1e4AreExact(DataType type) {
        GaussianNllLoss loss = GaussianNllLoss.builder().variance(GaussianNllLoss.Variance.SOFTPLUS).eps(1e-3).build();
        INDArray z = Nd4j.createFromArray(new double[][] {{1e4, -1e4, 1e4, -1e4}}).castTo(type);
        // Residuals exact in float32 too (1/128 is a multiple of float32's spacing at 1e4).
        INDArray y = Nd4j.createFromArray(new double[][] {{1e4 - 2, -1e4 + R}}).castTo(type);
        // Target 0: v = softplus(1e4) = 1e4, r = -2. Target 1: v = max(softplus(-1e4), 1e-3) = 1e-3, r = R.
        double expected = 0.5 * (0.5 * (Math.log(1e4) + 4 / 1e4) + 0.5 * (Math.log(1e-3) + R * R / 1e-3));
        close(expected, loss.computeScore(y, z, IDENTITY, null, false), 1e-6, type + " score");
        INDArray g = loss.computeGradient(y, z, IDENTITY, null);
        // d/dmu = (mu - y) / v / K; d/dh = 0.5 (1/v - r^2/v^2) sigmoid(h) / K, 0 for the clamped head.
        close(Nd4j.createFromArray(new double[][] {{2 / 1e4 / 2, -R / 1e-3 / 2, 0.5 * (1 / 1e4 - 4 / 1e8) / 2, 0}}),
                g, 1e-6, type + " gradient");
    }

    /** A masked row's preOutput and targets (NaN, infinity) are never read. */
    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void garbageInAMaskedRowIsNeverRead(DataType type) {
        GaussianNllLoss loss = new GaussianNllLoss();
        INDArray z = Nd4j.randn(type, 4, 6);
        INDArray y = Nd4j.randn(type, 4, 3);
        INDArray mask = Nd4j.createFromArray(new double[][] {{1}, {0}, {1}, {1}}).castTo(type);
        INDArray dirtyZ = z.dup();
        INDArray dirtyY = y.dup();
        dirtyZ.getRow(1).assign(Double.NaN);
        dirtyY.getRow(1).assign(Double.POSITIVE_INFINITY);
        close(loss.computeScore(y, z, IDENTITY, mask, true), loss.computeScore(dirtyY, dirtyZ, IDENTITY, mask, true),
                1e-12, "score");
        INDArray clean = loss.computeGradient(y, z, IDENTITY, mask);
        INDArray dirty = loss.computeGradient(dirtyY, dirtyZ, IDENTITY, mask);
        assertEquals(0.0, dirty.getRow(1).norm1Number().doubleValue(), 0.0, "masked row's gradient");
        close(clean, dirty, 1e-12, "gradient");
    }

    /** Half-precision batches are computed in float32 and handed back in their own type. */
    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"HALF", "BFLOAT16"})
    void halfPrecisionComputesInFloat32(DataType type) {
        GaussianNllLoss loss = new GaussianNllLoss();
        INDArray z = Nd4j.randn(DataType.FLOAT, 5, 4).castTo(type);
        INDArray y = Nd4j.randn(DataType.FLOAT, 5, 2).castTo(type);
        INDArray gradient = loss.computeGradient(y, z, IDENTITY, null);
        assertEquals(type, gradient.dataType());
        close(loss.computeGradient(y.castTo(DataType.FLOAT), z.castTo(DataType.FLOAT), IDENTITY, null),
                gradient.castTo(DataType.FLOAT), 1e-2, "gradient");
        close(loss.computeScore(y.castTo(DataType.FLOAT), z.castTo(DataType.FLOAT), IDENTITY, null, true),
                loss.computeScore(y, z, IDENTITY, null, true), 1e-6, "score");
    }
}
