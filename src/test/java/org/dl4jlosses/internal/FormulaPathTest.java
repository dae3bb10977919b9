package org.dl4jlosses.internal;

import static org.dl4jlosses.testing.Assert.close;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.dl4jlosses.testing.Catalogue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The element formulas and the row formulas (the softmax family) through each {@link LaneMath}: float64 with the Vector API's lanes against
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
                cases.add(Arguments.of(e, size[0], size[1]));
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
        // The softmax family takes row masks only.
        for (INDArray mask : rowFormula(e) ? new INDArray[] {null, rowMask} : new INDArray[] {null, rowMask, elementMask}) {
            compare(e, labels, z, mask);
        }
        compare(e, labels.castTo(DataType.FLOAT), view, rowMask);
    }

    /** The four executions of one input: float64 and float32, each on the vector lanes (if present) and in plain Java. */
    private static void compare(Catalogue.Entry e, INDArray labels, INDArray z, INDArray mask) {
        String name = e + (mask == null ? "" : " masked " + mask.size(1));
        Result exact = run(e, labels, z, mask, true, ArrayMath.Doubles.class, name);
        if (LaneMath.VECTOR) {
            Result vector = run(e, labels, z, mask, false, VectorMath.Doubles.class, name);
            exact.assertClose(vector, 1e-12, name + " float64 vector lanes");
            Result vectorFloat = run(e, labels.castTo(DataType.FLOAT), z.castTo(DataType.FLOAT), mask, false,
                    VectorMath.Floats.class, name);
            exact.assertClose(vectorFloat, 2e-5, name + " float32 vector lanes");
        }
        Result plainFloat = run(e, labels.castTo(DataType.FLOAT), z.castTo(DataType.FLOAT), mask, true,
                ArrayMath.Floats.class, name);
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
