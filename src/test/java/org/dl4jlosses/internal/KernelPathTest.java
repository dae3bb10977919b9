package org.dl4jlosses.internal;

import static org.dl4jlosses.testing.Assert.close;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.dl4jlosses.classification.CrossEntropyLoss;
import org.dl4jlosses.testing.Catalogue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * The Java kernels against the ND4J formulas of the same losses, on float32: every point-wise
 * configuration that has a kernel, at sizes that exercise the vector bodies and their scalar
 * remainders (columns not a multiple of the vector width) and the split over threads (more than
 * 2^16 elements), with row and element masks, labels of another data type and a non-contiguous
 * preOutput.
 */
class KernelPathTest {
    private static final double TOLERANCE = 2e-5;

    @AfterEach
    void kernelsBackOn() {
        Kernels.setEnabled(true);
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Catalogue.Entry e : Catalogue.pointwise()) {
            BaseLoss loss = (BaseLoss) e.loss;
            // Options with one value per column (weights) fix the width at the catalogue's 4.
            boolean perColumn = loss.toString().contains("=[");
            int[][] sizes = perColumn ? new int[][] {{6, 4}, {20000, 4}} : new int[][] {{6, 4}, {9, 37}, {300, 257}};
            for (int[] size : sizes) {
                if (loss.floatKernel(e.activation, size[1]) != null) {
                    cases.add(Arguments.of(e, size[0], size[1]));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}x{2}")
    @MethodSource("cases")
    void kernelEqualsTheOpPath(Catalogue.Entry e, int rows, int columns) {
        Random random = new Random(rows * 31L + columns);
        INDArray z = e.z(random, rows, columns, DataType.FLOAT);
        INDArray labels = e.labels(random, rows, columns, DataType.FLOAT);
        INDArray rowMask = Catalogue.rowMask(random, rows, DataType.FLOAT);
        compare(e.loss, e, labels, z, null);
        compare(e.loss, e, labels, z, rowMask);
        if (e.elementWise) {
            compare(e.loss, e, labels, z, Catalogue.elementMask(random, rows, columns, DataType.FLOAT));
        }
        // Labels of another type, and preOutput as a strided view into a wider array.
        INDArray wide = Nd4j.zeros(DataType.FLOAT, rows, columns + 3);
        wide.get(NDArrayIndex.all(), NDArrayIndex.interval(2, columns + 2)).assign(z);
        INDArray view = wide.get(NDArrayIndex.all(), NDArrayIndex.interval(2, columns + 2));
        compare(e.loss, e, labels.castTo(DataType.DOUBLE), view, rowMask);
    }

    private static void compare(ILossFunction loss, Catalogue.Entry e, INDArray labels, INDArray z, INDArray mask) {
        INDArray zBefore = z.dup();
        Kernels.setEnabled(false);
        double opScore = loss.computeScore(labels, z, e.activation, mask, false);
        INDArray opArray = loss.computeScoreArray(labels, z, e.activation, mask);
        INDArray opGradient = loss.computeGradient(labels, z, e.activation, mask);
        Kernels.setEnabled(true);
        double score = loss.computeScore(labels, z, e.activation, mask, false);
        double mean = loss.computeScore(labels, z, e.activation, mask, true);
        INDArray array = loss.computeScoreArray(labels, z, e.activation, mask);
        INDArray gradient = loss.computeGradient(labels, z, e.activation, mask);
        var both = loss.computeGradientAndScore(labels, z, e.activation, mask, false);
        String what = e + (mask == null ? "" : " masked " + mask.size(1));
        close(opScore, score, TOLERANCE, what + ": score");
        close(opScore / z.size(0), mean, TOLERANCE, what + ": mean score");
        close(opArray, array, TOLERANCE, what + ": score array");
        close(opGradient, gradient, TOLERANCE, what + ": gradient");
        close(opScore, both.getFirst(), TOLERANCE, what + ": score of computeGradientAndScore");
        close(opGradient, both.getSecond(), TOLERANCE, what + ": gradient of computeGradientAndScore");
        assertEquals(DataType.FLOAT, gradient.dataType());
        assertEquals(zBefore, z, what + ": preOutput untouched");
    }

    @Test
    void theCatalogueHasKernels() {
        // Guards the comparison above against passing vacuously.
        assertEquals(true, cases().count() > 0);
        CrossEntropyLoss ce = new CrossEntropyLoss();
        assertEquals(true, ((BaseLoss) ce).floatKernel(new ActivationSoftmax(), 10) != null);
        assertEquals(true, ((BaseLoss) CrossEntropyLoss.builder().weights(1, 2).build()).floatKernel(new ActivationSoftmax(), 3) == null,
                "weights that do not fit: the op path reports them");
    }

    @Test
    void theVectorApiIsInUseExactlyWhenItsModuleIsPresent() {
        // Surefire runs this class twice: with --add-modules jdk.incubator.vector and without.
        assertEquals(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(), Lanes.VECTOR);
    }

    @Test
    void badLabelsGetTheOpPathsMessage() {
        CrossEntropyLoss ce = new CrossEntropyLoss();
        INDArray z = Nd4j.rand(DataType.FLOAT, 40, 50);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 40, 50);
        labels.putScalar(37, 3, 1.5);
        org.dl4jlosses.testing.Assert.rejects(() -> ce.computeGradient(labels, z, new ActivationSoftmax(), null),
                "CrossEntropyLoss", "labels");
        INDArray indices = Nd4j.zeros(DataType.FLOAT, 40, 1);
        indices.putScalar(39, 0, 50);
        org.dl4jlosses.testing.Assert.rejects(() -> ce.computeScore(indices, z, new ActivationSoftmax(), null, false),
                "CrossEntropyLoss", "labels", "at row 39");
    }
}
