package org.dl4jlosses;

import static org.dl4jlosses.testing.Assert.close;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.dl4jlosses.classification.AsymmetricLoss;
import org.dl4jlosses.classification.BinaryCrossEntropyLoss;
import org.dl4jlosses.classification.CrossEntropyLoss;
import org.dl4jlosses.classification.FocalLoss;
import org.dl4jlosses.classification.HingeLoss;
import org.dl4jlosses.classification.KlDivergenceLoss;
import org.dl4jlosses.classification.PolyLoss;
import org.dl4jlosses.embedding.AdditiveAngularMarginLoss;
import org.dl4jlosses.embedding.CombinedMarginLoss;
import org.dl4jlosses.regression.HuberLoss;
import org.dl4jlosses.regression.LogCoshLoss;
import org.dl4jlosses.regression.MaeLoss;
import org.dl4jlosses.regression.MseLoss;
import org.dl4jlosses.regression.PoissonNllLoss;
import org.dl4jlosses.regression.QuantileLoss;
import org.dl4jlosses.regression.SmoothL1Loss;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * Masked entries are not data: the element-wise losses never validate or read labels (or
 * preOutput values) under a mask, whether real values or probabilities. Any value there, NaN and infinity included, gives the score
 * and gradient of the same batch with a 0 in its place.
 */
class MaskedEntriesTest {
    private static final List<ILossFunction> REAL = List.of(new MseLoss(), MaeLoss.builder().weights(1, 2, 0.5, 1, 3).build(),
            new HuberLoss(), SmoothL1Loss.builder().beta(0.5).build(), SmoothL1Loss.builder().beta(0).build(), new LogCoshLoss(),
            new QuantileLoss());
    /** Losses of labels in [0, 1]: garbage there also means values outside [0, 1]. */
    private static final List<ILossFunction> PROBABILITY = List.of(new BinaryCrossEntropyLoss(),
            BinaryCrossEntropyLoss.builder().weights(1, 2, 0.5, 1, 3).posWeight(2, 1, 0.5, 3, 1).labelSmoothing(0.1).build(),
            new FocalLoss(), PolyLoss.builder().gamma(1.5).alpha(0.25).labelSmoothing(0.1).build(), new AsymmetricLoss(),
            AsymmetricLoss.builder().gammaPositive(1).clip(0).build());
    /** Losses of counts: garbage there also means negative values. */
    private static final List<ILossFunction> COUNT = List.of(new PoissonNllLoss(), PoissonNllLoss.builder().full(true).build());
    /** Losses of labels -1, 0 or +1. */
    private static final List<ILossFunction> SIGNED = List.of(new HingeLoss(), HingeLoss.builder().squared(true).margin(0.5).build());

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void garbageUnderAMaskIsNeverRead(DataType type) {
        garbageUnderAMaskIsNeverRead(type, REAL, new IActivation[] {new ActivationIdentity(), new ActivationTanH()}, false);
        garbageUnderAMaskIsNeverRead(type, PROBABILITY, new IActivation[] {new ActivationSigmoid(), new ActivationTanH()}, true);
        garbageUnderAMaskIsNeverRead(type, SIGNED, new IActivation[] {new ActivationIdentity(), new ActivationTanH()}, false);
        garbageUnderAMaskIsNeverRead(type, COUNT, new IActivation[] {new ActivationIdentity(), new ActivationTanH()}, false);
    }

    private static void garbageUnderAMaskIsNeverRead(DataType type, List<ILossFunction> losses, IActivation[] activations,
                                                     boolean probabilities) {
        for (IActivation activation : activations) {
            for (int columns : new int[] {5, 37}) {
                int rows = 6;
                INDArray z = Nd4j.randn(type, rows, columns);
                INDArray labels = probabilities ? Nd4j.rand(type, rows, columns) : Nd4j.randn(type, rows, columns);
                if (losses == SIGNED) {
                    labels = org.nd4j.linalg.ops.transforms.Transforms.sign(labels);
                } else if (losses == COUNT) {
                    labels = org.nd4j.linalg.ops.transforms.Transforms.floor(labels.muli(2)).muli(labels.gt(0).castTo(type));
                }
                INDArray elementMask = Nd4j.ones(type, rows, columns);
                INDArray rowMask = Nd4j.ones(type, rows, 1);
                rowMask.putScalar(4, 0, 0);
                double[] garbage = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e30, 1.3, -1};
                INDArray dirtyLabels = labels.dup();
                INDArray dirtyZ = z.dup();
                INDArray cleanLabels = labels.dup();
                INDArray cleanZ = z.dup();
                for (int r = 0; r < rows; r++) {
                    int c = (r * 3) % columns;
                    elementMask.putScalar(r, c, 0);
                    dirtyLabels.putScalar(r, c, garbage[r % garbage.length]);
                    cleanLabels.putScalar(r, c, 0);
                }
                INDArray rowDirtyLabels = labels.dup();
                INDArray rowCleanLabels = labels.dup();
                for (int c = 0; c < columns; c++) {
                    rowDirtyLabels.putScalar(4, c, Double.NaN);
                    dirtyZ.putScalar(4, c, Double.NaN);
                    rowCleanLabels.putScalar(4, c, 0);
                    cleanZ.putScalar(4, c, 0);
                }
                for (ILossFunction loss : losses) {
                    boolean sigmoidOnly = loss instanceof FocalLoss || loss instanceof PolyLoss || loss instanceof AsymmetricLoss;
                    if (columns != 5 && loss.toString().contains("=[") || sigmoidOnly && activation instanceof ActivationTanH) {
                        continue;
                    }
                    String name = loss + " " + type + " " + activation + " " + columns;
                    same(loss, activation, cleanLabels, z, dirtyLabels, z, elementMask, name + " element mask", type);
                    same(loss, activation, rowCleanLabels, cleanZ, rowDirtyLabels, dirtyZ, rowMask, name + " row mask", type);
                }
            }
        }
    }

    private static void same(ILossFunction loss, IActivation activation, INDArray cleanLabels, INDArray cleanZ,
                             INDArray dirtyLabels, INDArray dirtyZ, INDArray mask, String name, DataType type) {
        double tolerance = type == DataType.DOUBLE ? 1e-12 : 1e-6;
        close(loss.computeScore(cleanLabels, cleanZ, activation, mask, true),
                loss.computeScore(dirtyLabels, dirtyZ, activation, mask, true), tolerance, name + ": score");
        close(loss.computeScoreArray(cleanLabels, cleanZ, activation, mask),
                loss.computeScoreArray(dirtyLabels, dirtyZ, activation, mask), tolerance, name + ": score array");
        INDArray clean = loss.computeGradient(cleanLabels, cleanZ, activation, mask);
        INDArray dirty = loss.computeGradient(dirtyLabels, dirtyZ, activation, mask);
        if (mask.size(1) == 1) {
            // The masked row's gradient is 0 whatever its preOutput.
            assertEquals(0.0, dirty.getRow(4).norm1Number().doubleValue(), 0.0, name + ": masked row's gradient");
            clean.getRow(4).assign(0);
        }
        close(clean, dirty, tolerance, name + ": gradient");
    }

    /**
     * The row formulas (class labels, row masks only): a masked row's labels (not one-hot, NaN, out
     * of range) and preOutput (NaN) are never read, also where the activation runs before the
     * formula (sigmoid, tanh) and after it (backprop).
     */
    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void garbageInAMaskedRowOfClassLabelsIsNeverRead(DataType type) {
        HingeLoss crammerSinger = HingeLoss.builder().mode(HingeLoss.Mode.CRAMMER_SINGER).build();
        HingeLoss westonWatkins = HingeLoss.builder().mode(HingeLoss.Mode.WESTON_WATKINS).squared(true).build();
        Object[][] cases = {
            {new CrossEntropyLoss(), new ActivationSoftmax()},
            {CrossEntropyLoss.builder().labelSmoothing(0.1).weights(1, 2, 0.5, 1, 3).build(), new ActivationSigmoid()},
            {new FocalLoss(), new ActivationSoftmax()},
            {crammerSinger, new ActivationIdentity()}, {crammerSinger, new ActivationTanH()},
            {westonWatkins, new ActivationIdentity()}, {westonWatkins, new ActivationTanH()},
            {new AdditiveAngularMarginLoss(), new ActivationTanH()},
            {CombinedMarginLoss.builder().m1(1.35).m3(0.1).build(), new ActivationTanH()},
            {KlDivergenceLoss.builder().temperature(2).build(), new ActivationSoftmax()},
        };
        int rows = 6;
        int columns = 5;
        INDArray z = Nd4j.randn(type, rows, columns).muli(0.5);
        INDArray labels = Nd4j.zeros(type, rows, columns);
        for (int r = 0; r < rows; r++) {
            labels.putScalar(r, (r * 2) % columns, 1);
        }
        INDArray mask = Nd4j.ones(type, rows, 1);
        mask.putScalar(2, 0, 0);
        INDArray dirtyZ = z.dup();
        INDArray dirtyLabels = labels.dup();
        double[] garbage = {Double.NaN, 7, -1, 0.5, 1};
        for (int c = 0; c < columns; c++) {
            dirtyZ.putScalar(2, c, Double.NaN);
            dirtyLabels.putScalar(2, c, garbage[c]);
        }
        for (Object[] c : cases) {
            ILossFunction loss = (ILossFunction) c[0];
            IActivation activation = (IActivation) c[1];
            String name = loss + " " + activation + " " + type;
            assertEquals(loss.computeScore(labels, z, activation, mask, false),
                    loss.computeScore(dirtyLabels, dirtyZ, activation, mask, false), 0.0, name + ": score");
            assertEquals(loss.computeGradient(labels, z, activation, mask),
                    loss.computeGradient(dirtyLabels, dirtyZ, activation, mask), name + ": gradient");
            assertEquals(0.0, loss.computeGradient(dirtyLabels, dirtyZ, activation, mask).getRow(2).amaxNumber().doubleValue(),
                    name + ": the masked row's gradient");
        }
    }
}
