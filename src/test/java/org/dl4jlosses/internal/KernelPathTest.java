package org.dl4jlosses.internal;

import static org.dl4jlosses.testing.Assert.close;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.dl4jlosses.classification.CrossEntropyLoss;
import org.dl4jlosses.classification.HingeLoss;
import org.dl4jlosses.testing.Catalogue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
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
 * 2^14 elements), with row and element masks, labels of another data type and a non-contiguous
 * preOutput.
 */
class KernelPathTest {
    private static final double TOLERANCE = PathComparison.TOLERANCE;
    /**
     * About this many elements make a batch that is split over threads (from 2^13 elements) and
     * still runs the kernel in this JVM (without the Vector API only up to 2^14 elements do).
     */
    private static final int SPLIT_ELEMENTS = Lanes.VECTOR ? 80_000 : (int) Kernels.SCALAR_LIMIT;

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
            int[][] sizes = perColumn ? new int[][] {{6, 4}, {SPLIT_ELEMENTS / 4, 4}}
                    : new int[][] {{6, 4}, {9, 37}, {SPLIT_ELEMENTS / 257, 257}};
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
        compare(loss, e.activation, e.toString(), labels, z, mask);
    }

    private static void compare(ILossFunction loss, IActivation activation, String name, INDArray labels, INDArray z,
                                INDArray mask) {
        PathComparison.compare(loss, activation, name, labels, z, mask);
    }

    @Test
    void theCatalogueHasKernels() {
        // Guards the comparison above against passing vacuously.
        assertEquals(true, cases().count() > 0);
        assertEquals(true, ((BaseLoss) HingeLoss.builder().mode(HingeLoss.Mode.CRAMMER_SINGER).build())
                .floatKernel(new ActivationIdentity(), 10) != null);
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

    @Test
    void nonFiniteRealLabelsAreFoundWhereTheKernelSkipsTheirCheck() {
        // The regression losses find bad real labels through their rows' results (the loss, or
        // y - y where only the gradient is computed): a NaN or infinite label must be reported by
        // computeGradient alone too, also in a batch split over threads.
        IActivation identity = new ActivationIdentity();
        INDArray z = Nd4j.randn(DataType.FLOAT, 300, 257);
        for (ILossFunction loss : List.of(new org.dl4jlosses.regression.MseLoss(), new org.dl4jlosses.regression.MaeLoss(),
                new org.dl4jlosses.regression.HuberLoss(), new org.dl4jlosses.regression.SmoothL1Loss())) {
            for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY}) {
                INDArray labels = Nd4j.randn(DataType.FLOAT, 300, 257);
                labels.putScalar(250, 3, bad);
                String name = loss.getClass().getSimpleName();
                org.dl4jlosses.testing.Assert.rejects(() -> loss.computeGradient(labels, z, identity, null), name, "labels");
                org.dl4jlosses.testing.Assert.rejects(() -> loss.computeScore(labels, z, identity, null, false), name, "labels");
            }
        }
    }

    @Test
    void oneClassLabelsMustBeOneHot() {
        IActivation identity = new ActivationIdentity();
        int rows = SPLIT_ELEMENTS / 300;
        int three = rows - 4;
        int last = rows - 1;
        INDArray z = Nd4j.randn(DataType.FLOAT, rows, 300);
        for (HingeLoss.Mode mode : new HingeLoss.Mode[] {HingeLoss.Mode.CRAMMER_SINGER, HingeLoss.Mode.WESTON_WATKINS}) {
            HingeLoss hinge = HingeLoss.builder().mode(mode).build();
            INDArray labels = Nd4j.zeros(DataType.FLOAT, rows, 300);
            for (int r = 0; r < rows; r++) {
                labels.putScalar(r, (r * 7) % 300, 1);
            }
            compare(hinge, identity, mode + " one-hot", labels, z, null);
            INDArray two = labels.dup();
            two.putScalar(three, 0, 1);
            two.putScalar(three, 1, 1);
            org.dl4jlosses.testing.Assert.rejects(() -> hinge.computeGradient(two, z, identity, null),
                    "HingeLoss", "labels", "a row with 3 ones at row " + three);
            INDArray none = labels.dup();
            none.getRow(last).assign(0);
            org.dl4jlosses.testing.Assert.rejects(() -> hinge.computeScore(none, z, identity, null, true),
                    "HingeLoss", "labels", "a row with 0 ones at row " + last);
            // ... unless a row mask excludes that row.
            INDArray mask = Nd4j.ones(DataType.FLOAT, rows, 1);
            mask.putScalar(last, 0, 0);
            compare(hinge, identity, mode + " masked row without a class", none, z, mask);
        }
    }

}
