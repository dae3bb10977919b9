package org.dl4jlosses.internal;

import static org.dl4jlosses.testing.Assert.close;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.dl4jlosses.classification.CrossEntropyLoss;
import org.dl4jlosses.classification.HingeLoss;
import org.dl4jlosses.regression.HuberLoss;
import org.dl4jlosses.regression.MaeLoss;
import org.dl4jlosses.regression.MseLoss;
import org.dl4jlosses.regression.SmoothL1Loss;
import org.dl4jlosses.testing.Assert;
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
 * The element formulas and the row formulas through each {@link LaneMath}: float64 with the Vector API's lanes against
 * float64 in plain Java (to rounding), and float32 against float64 (to float precision), at sizes
 * that exercise whole vectors, the padded tail and the split over threads (more than 2^14
 * elements), with row and element masks, labels of another type and a strided preOutput. Each
 * comparison asserts which lanes ran.
 */
class FormulaPathTest {
    private static final int SPLIT_ELEMENTS = 80_000;

    @AfterEach
    void vectorBackOn() {
        LaneMath.portableOnly = false;
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Catalogue.Entry e : Catalogue.pointwise()) {
            if (!hasFormula(e)) {
                continue;
            }
            boolean perColumn = e.loss.toString().contains("=[");
            int[][] sizes = perColumn ? new int[][] {{6, 4}, {SPLIT_ELEMENTS / 4, 4}}
                    : new int[][] {{6, 4}, {9, 37}, {SPLIT_ELEMENTS / 257, 257}};
            for (int[] size : sizes) {
                // Odd column counts round up to a multiple of the columns per label (GaussianNllLoss: 2).
                int columns = size[1] + (e.columnsPerLabel() - size[1] % e.columnsPerLabel()) % e.columnsPerLabel();
                cases.add(Arguments.of(e, size[0], columns));
            }
        }
        return cases.stream();
    }

    private static boolean hasFormula(Catalogue.Entry e) {
        return ((BaseLoss) e.loss).elementFormula(e.activation) != null || rowFormula(e);
    }

    private static boolean rowFormula(Catalogue.Entry e) {
        return ((BaseLoss) e.loss).rowFormula(e.activation) != null;
    }

    @Test
    void theCatalogueHasElementAndRowFormulas() {
        assertTrue(cases().filter(c -> !rowFormula((Catalogue.Entry) c.get()[0])).count() >= 20, "element-formula cases");
        assertTrue(cases().filter(c -> rowFormula((Catalogue.Entry) c.get()[0])).count() >= 60, "row-formula cases");
    }

    @ParameterizedTest(name = "{0} {1}x{2}")
    @MethodSource("cases")
    void everyLanesAgree(Catalogue.Entry e, int rows, int columns) {
        Random random = new Random(rows * 31L + columns);
        INDArray z = e.z(random, rows, columns, DataType.DOUBLE);
        INDArray labels = e.labels(random, rows, columns, DataType.DOUBLE);
        INDArray rowMask = Catalogue.rowMask(random, rows, DataType.DOUBLE);
        INDArray elementMask = Catalogue.elementMask(random, rows, columns, DataType.DOUBLE);
        INDArray wide = Nd4j.zeros(DataType.DOUBLE, rows, columns + 3);
        INDArray view = wide.get(NDArrayIndex.all(), NDArrayIndex.interval(2, columns + 2)).assign(z);
        // Row formulas take row masks only.
        for (INDArray mask : rowFormula(e) ? new INDArray[] {null, rowMask} : new INDArray[] {null, rowMask, elementMask}) {
            compare(e, labels, z, mask);
        }
        compare(e, labels.castTo(DataType.FLOAT), view, rowMask);
    }

    /** The four executions of one input: float64 and float32, each on the vector lanes (if present) and in plain Java. */
    private static void compare(Catalogue.Entry e, INDArray labels, INDArray z, INDArray mask) {
        String name = e + (mask == null ? "" : " masked " + mask.size(1));
        Result exact = run(e, labels, z, mask, true, DoubleArrayMath.class, name);
        if (LaneMath.VECTOR) {
            Result vector = run(e, labels, z, mask, false, DoubleVectorMath.class, name);
            exact.assertClose(vector, 1e-12, name + " float64 vector lanes");
            Result vectorFloat = run(e, labels.castTo(DataType.FLOAT), z.castTo(DataType.FLOAT), mask, false,
                    FloatVectorMath.class, name);
            exact.assertClose(vectorFloat, 2e-5, name + " float32 vector lanes");
        }
        Result plainFloat = run(e, labels.castTo(DataType.FLOAT), z.castTo(DataType.FLOAT), mask, true,
                FloatArrayMath.class, name);
        exact.assertClose(plainFloat, 2e-5, name + " float32 plain lanes");
    }

    private static Result run(Catalogue.Entry e, INDArray labels, INDArray z, INDArray mask, boolean portable,
                              Class<?> lanes, String name) {
        LaneMath.portableOnly = portable;
        INDArray zBefore = z.dup();
        INDArray labelsBefore = labels.dup();
        IActivation activation = e.activation;
        ElementPath.lastLanes = null;
        RowPath.lastLanes = null;
        Result r = new Result(e.loss.computeScore(labels, z, activation, mask, false),
                e.loss.computeScore(labels, z, activation, mask, true),
                e.loss.computeScoreArray(labels, z, activation, mask),
                e.loss.computeGradient(labels, z, activation, mask));
        assertEquals(lanes, rowFormula(e) ? RowPath.lastLanes : ElementPath.lastLanes, name + ": lanes that ran");
        var both = e.loss.computeGradientAndScore(labels, z, activation, mask, false);
        // Another loop, another order of float sums.
        double rounding = z.dataType() == DataType.DOUBLE ? 1e-12 : 2e-6;
        close(r.score, both.getFirst(), rounding, name + ": score of computeGradientAndScore");
        close(r.gradient, both.getSecond(), rounding, name + ": gradient of computeGradientAndScore");
        assertEquals(z.dataType(), r.gradient.dataType(), name + ": gradient type");
        assertEquals(z.dataType(), r.scoreArray.dataType(), name + ": score array type");
        assertEquals(zBefore, z, name + ": preOutput untouched");
        assertEquals(labelsBefore, labels, name + ": labels untouched");
        return r;
    }

    /**
     * A NaN in a kept row of what a point-wise or row formula reads (preOutput, or the
     * activation's output) is an error naming its row whenever the loss is computed, also in a
     * batch split over threads; in a masked row it is not read. (The column is the NaN's own,
     * except after a softmax that the formula does not fuse: that spreads it over the row.)
     */
    @ParameterizedTest(name = "{0} {1}x{2}")
    @MethodSource("cases")
    void aNanInAKeptRowIsNamedWhenTheLossIsComputed(Catalogue.Entry e, int rows, int columns) {
        Random random = new Random(rows * 17L + columns);
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray labels = e.labels(random, rows, columns, type);
            INDArray z = e.z(random, rows, columns, type);
            int row = rows - 2;
            INDArray bad = z.dup();
            bad.putScalar(row, columns - 1, Double.NaN);
            String at = "got NaN at row " + row + ", column ";
            IActivation activation = e.activation;
            Assert.rejects(() -> e.loss.computeScore(labels, bad, activation, null, false), "preOutput must be finite", at);
            Assert.rejects(() -> e.loss.computeScoreArray(labels, bad, activation, null), "preOutput must be finite", at);
            Assert.rejects(() -> e.loss.computeGradientAndScore(labels, bad, activation, null, true), "preOutput must be finite",
                    at);
            INDArray mask = Nd4j.ones(type, rows, 1);
            mask.putScalar(row, 0, 0);
            INDArray zero = z.dup();
            zero.putScalar(row, columns - 1, 0);
            // The threads' pieces are summed in the order they finish.
            double expected = e.loss.computeScore(labels, zero, activation, mask, false);
            assertEquals(expected, e.loss.computeScore(labels, bad, activation, mask, false), 1e-9 * Math.abs(expected),
                    e + ": a masked row is not read");
        }
    }

    @Test
    void theVectorApiIsInUseExactlyWhenItsModuleIsPresent() {
        // Surefire runs the suite twice: with --add-modules jdk.incubator.vector and without.
        assertEquals(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(), LaneMath.VECTOR);
    }

    @Test
    void badClassLabelsAreNamedWithTheirRow() {
        CrossEntropyLoss ce = new CrossEntropyLoss();
        INDArray z = Nd4j.rand(DataType.FLOAT, 40, 50);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 40, 50);
        labels.putScalar(37, 3, 1.5);
        Assert.rejects(() -> ce.computeGradient(labels, z, new ActivationSoftmax(), null), "CrossEntropyLoss", "labels",
                "at row 37");
        INDArray indices = Nd4j.zeros(DataType.FLOAT, 40, 1);
        indices.putScalar(39, 0, 50);
        Assert.rejects(() -> ce.computeScore(indices, z, new ActivationSoftmax(), null, false), "CrossEntropyLoss", "labels",
                "at row 39");
    }

    @Test
    void nonFiniteRealLabelsAreFoundByTheGradientAlone() {
        // The regression losses find bad real labels through their rows' results (the loss, or
        // y - y where only the gradient is computed): a NaN or infinite label must be reported by
        // computeGradient alone too, also in a batch split over threads.
        IActivation identity = new ActivationIdentity();
        INDArray z = Nd4j.randn(DataType.FLOAT, 300, 257);
        for (ILossFunction loss : List.of(new MseLoss(), new MaeLoss(), new HuberLoss(), new SmoothL1Loss())) {
            for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY}) {
                INDArray labels = Nd4j.randn(DataType.FLOAT, 300, 257);
                labels.putScalar(250, 3, bad);
                String name = loss.getClass().getSimpleName();
                Assert.rejects(() -> loss.computeGradient(labels, z, identity, null), name, "labels");
                Assert.rejects(() -> loss.computeScore(labels, z, identity, null, false), name, "labels");
            }
        }
    }

    @Test
    void oneClassLabelsMustBeOneHotWhereNotMasked() {
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
            INDArray two = labels.dup();
            two.putScalar(three, 0, 1);
            two.putScalar(three, 1, 1);
            Assert.rejects(() -> hinge.computeGradient(two, z, identity, null), "HingeLoss", "labels",
                    "a row with 3 ones at row " + three);
            INDArray none = labels.dup();
            none.getRow(last).assign(0);
            Assert.rejects(() -> hinge.computeScore(none, z, identity, null, true), "HingeLoss", "labels",
                    "a row with 0 ones at row " + last);
            // ... unless a row mask excludes that row: then its labels are not read at all.
            INDArray mask = Nd4j.ones(DataType.FLOAT, rows, 1);
            mask.putScalar(last, 0, 0);
            RowPath.lastLanes = null;
            var masked = hinge.computeGradientAndScore(none, z, identity, mask, false);
            assertTrue(RowPath.lastLanes != null, mode + ": the row path ran");
            var valid = hinge.computeGradientAndScore(labels, z, identity, mask, false);
            assertEquals(valid.getFirst(), masked.getFirst(), 0.0, mode + ": score with a masked row without a class");
            assertEquals(valid.getSecond(), masked.getSecond(), mode + ": gradient with a masked row without a class");
        }
    }

    private static final class Result {
        final double score;
        final double mean;
        final INDArray scoreArray;
        final INDArray gradient;

        Result(double score, double mean, INDArray scoreArray, INDArray gradient) {
            this.score = score;
            this.mean = mean;
            this.scoreArray = scoreArray;
            this.gradient = gradient;
        }

        void assertClose(Result other, double tolerance, String what) {
            close(score, other.score, tolerance, what + ": score");
            close(mean, other.mean, tolerance, what + ": mean score");
            close(scoreArray, other.scoreArray, tolerance, what + ": score array");
            close(gradient, other.gradient, tolerance, what + ": gradient");
        }
    }
}
