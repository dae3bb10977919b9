package org.dl4jlosses.ranking;

import static org.dl4jlosses.testing.Assert.close;
import static org.dl4jlosses.testing.Assert.rejects;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/** The listwise losses: padding as removal, scores of any magnitude against values by hand, bad input. */
class ListwiseLossesTest {
    private static final IActivation IDENTITY = new ActivationIdentity();
    private static final double LN2 = Math.log(2);

    static Stream<Arguments> losses() {
        List<Arguments> all = new ArrayList<>();
        for (ILossFunction loss : List.of(new ListwiseSoftmaxLoss(), new ListMleLoss(), new ApproxNdcgLoss(),
                ApproxNdcgLoss.builder().temperature(2).build())) {
            for (DataType type : List.of(DataType.DOUBLE, DataType.FLOAT)) {
                for (boolean wholeGrades : new boolean[] {true, false}) {
                    all.add(Arguments.of(loss, type, wholeGrades));
                }
            }
        }
        return all.stream();
    }

    /**
     * Each padded row's loss and gradient are those of the list of its kept items alone (a batch of
     * one row), the padding's gradient is 0, and the garbage under the padding (NaN) is not read.
     */
    @ParameterizedTest(name = "{0} {1} whole grades {2}")
    @MethodSource("losses")
    void paddingEqualsRemovingTheItems(ILossFunction loss, DataType type, boolean wholeGrades) {
        Random random = new Random(11);
        int rows = 6;
        int k = 9;
        double[][] z = new double[rows][k];
        double[][] y = new double[rows][k];
        double[][] m = new double[rows][k];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < k; c++) {
                z[r][c] = 2 * random.nextGaussian();
                y[r][c] = wholeGrades ? random.nextInt(4) : 3 * random.nextDouble();
                // Row 0 keeps everything, row 5 nothing; the others lose some items, inside and at the end.
                m[r][c] = r == 0 || r < 5 && (c + r) % 3 != 0 && c < k - r / 2 ? 1 : 0;
                if (m[r][c] == 0) {
                    z[r][c] = Double.NaN;
                    y[r][c] = Double.NaN;
                }
            }
        }
        INDArray scores = Nd4j.createFromArray(z).castTo(type);
        INDArray grades = Nd4j.createFromArray(y).castTo(type);
        INDArray mask = Nd4j.createFromArray(m).castTo(type);
        INDArray perRow = loss.computeScoreArray(grades, scores, IDENTITY, mask);
        INDArray gradient = loss.computeGradient(grades, scores, IDENTITY, mask);
        double tolerance = type == DataType.DOUBLE ? 1e-12 : 1e-5;
        for (int r = 0; r < rows; r++) {
            List<Integer> kept = new ArrayList<>();
            for (int c = 0; c < k; c++) {
                if (m[r][c] == 1) {
                    kept.add(c);
                } else {
                    assertEquals(0.0, gradient.getDouble(r, c), "padding's gradient at " + r + ", " + c);
                }
            }
            if (kept.isEmpty()) {
                assertEquals(0.0, perRow.getDouble(r, 0), "an empty list's loss");
                continue;
            }
            double[][] zr = new double[1][kept.size()];
            double[][] yr = new double[1][kept.size()];
            for (int i = 0; i < kept.size(); i++) {
                zr[0][i] = z[r][kept.get(i)];
                yr[0][i] = y[r][kept.get(i)];
            }
            INDArray alone = Nd4j.createFromArray(zr).castTo(type);
            INDArray aloneGrades = Nd4j.createFromArray(yr).castTo(type);
            close(loss.computeScore(aloneGrades, alone, IDENTITY, null, false), perRow.getDouble(r, 0), tolerance,
                    loss + " row " + r + " loss");
            INDArray aloneGradient = loss.computeGradient(aloneGrades, alone, IDENTITY, null);
            for (int i = 0; i < kept.size(); i++) {
                close(aloneGradient.getDouble(0, i), gradient.getDouble(r, kept.get(i)), tolerance,
                        loss + " row " + r + " gradient at " + kept.get(i));
            }
        }
        // Through an activation, the padding's gradient stays 0 (tanh of the NaN garbage is not read either).
        INDArray throughTanh = loss.computeGradient(grades, scores, new ActivationTanH(), mask);
        assertEquals(0.0, throughTanh.getDouble(5, 0));
        assertEquals(0.0, throughTanh.getDouble(1, 2));
    }

    /** Scores of +-1e4 and lists spanning more than float's exponent range, against values by hand. */
    @Test
    void extremeScoresAgainstValuesByHand() {
        for (DataType type : List.of(DataType.DOUBLE, DataType.FLOAT)) {
            double tolerance = type == DataType.DOUBLE ? 1e-12 : 1e-6;
            // ListNet: the relevant item far below the others costs its score gap, exactly.
            expect(new ListwiseSoftmaxLoss(), type, new double[] {1e4, -1e4, 0}, new double[] {0, 1, 0}, 2e4,
                    new double[] {1, -1, 0}, tolerance);
            expect(new ListwiseSoftmaxLoss(), type, new double[] {-1e4, -1e4 - 1, -1e4 - 3}, new double[] {1, 0, 0},
                    Math.log(1 + Math.exp(-1) + Math.exp(-3)),
                    softmaxMinus(new double[] {0, -1, -3}, new double[] {1, 0, 0}), tolerance);
            // ListMLE: order (0, 1, 2) by grade; s = (-1e4, 1e4, 0): terms 2e4, 0, 0.
            expect(new ListMleLoss(), type, new double[] {-1e4, 1e4, 0}, new double[] {2, 1, 0}, 2e4,
                    new double[] {-1, 1, 0}, tolerance);
            // A tail of e^-50 and e^-100 below its head: summed from the tail, every term has its digits.
            double a = Math.exp(-50);
            double b = Math.exp(-100);
            double loss = Math.log1p(a + b) + Math.log1p(Math.exp(-50));
            double first = -(a + b) / (1 + a + b);
            double second = a / (1 + a + b) + 1 / (1 + Math.exp(-50)) - 1;
            double third = b / (1 + a + b) + Math.exp(-50) / (1 + Math.exp(-50));
            expect(new ListMleLoss(), type, new double[] {0, -50, -100}, new double[] {2, 1, 0}, loss,
                    new double[] {first, second, third}, 1e-6);
            expect(new ListMleLoss(), type, new double[] {-1e4, -1e4 - 50, -1e4 - 100}, new double[] {5.5, 1, 0.25},
                    loss, new double[] {first, second, third}, 1e-6);
            // ApproxNDCG at +-1e4: the smooth ranks are the exact ones (1, 3, 2) and the gradient is 0.
            double dcg = 3 / (Math.log(3) / LN2) + 1 / (Math.log(4) / LN2);
            double ideal = 3 + 1 / (Math.log(3) / LN2);
            expect(new ApproxNdcgLoss(), type, new double[] {1e4, -1e4, 0}, new double[] {0, 1, 2}, -dcg / ideal,
                    new double[] {0, 0, 0}, tolerance);
        }
    }

    /** softmax(z) - y / sum y. */
    private static double[] softmaxMinus(double[] z, double[] y) {
        double sum = 0;
        double mass = 0;
        for (int i = 0; i < z.length; i++) {
            sum += Math.exp(z[i]);
            mass += y[i];
        }
        double[] g = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            g[i] = Math.exp(z[i]) / sum - y[i] / mass;
        }
        return g;
    }

    private static void expect(ILossFunction loss, DataType type, double[] z, double[] y, double value, double[] gradient,
                               double tolerance) {
        INDArray scores = Nd4j.createFromArray(new double[][] {z}).castTo(type);
        INDArray grades = Nd4j.createFromArray(new double[][] {y}).castTo(type);
        String what = loss + " " + type + " at " + java.util.Arrays.toString(z);
        close(value, loss.computeScore(grades, scores, IDENTITY, null, false), tolerance, what + ": loss");
        close(Nd4j.createFromArray(new double[][] {gradient}), loss.computeGradient(grades, scores, IDENTITY, null)
                .castTo(DataType.DOUBLE), tolerance, what + ": gradient");
    }

    @Test
    void aListWithoutRelevanceHasNothingToLearn() {
        INDArray z = Nd4j.createFromArray(new double[][] {{0.3, -2, 5}});
        INDArray none = Nd4j.zeros(DataType.DOUBLE, 1, 3);
        for (ILossFunction loss : List.of(new ListwiseSoftmaxLoss(), new ApproxNdcgLoss())) {
            assertEquals(0.0, loss.computeScore(none, z, IDENTITY, null, false), loss.toString());
            assertEquals(Nd4j.zeros(DataType.DOUBLE, 1, 3), loss.computeGradient(none, z, IDENTITY, null), loss.toString());
        }
    }

    @Test
    void badInputIsNamed() {
        INDArray z = Nd4j.rand(DataType.FLOAT, 2, 3);
        INDArray negative = Nd4j.createFromArray(new float[][] {{1, 0, 2}, {0, 3, -1}});
        INDArray nan = Nd4j.createFromArray(new float[][] {{1, Float.NaN, 2}, {0, 3, 1}});
        for (ILossFunction loss : List.of(new ListwiseSoftmaxLoss(), new ListMleLoss(), new ApproxNdcgLoss())) {
            String name = loss.name();
            rejects(() -> loss.computeGradient(negative, z, IDENTITY, null), name + ": labels must be relevance grades: "
                    + "finite and >= 0, got -1.0 at row 1, column 2");
            rejects(() -> loss.computeScore(nan, z, IDENTITY, null, true), name + ": labels", "NaN at row 0, column 1");
            rejects(() -> loss.computeScore(Nd4j.ones(DataType.FLOAT, 2, 1), z, IDENTITY, null, true), name + ": labels",
                    "[2, 3] like preOutput", "got [2, 1]");
            rejects(() -> loss.computeGradient(negative, z, IDENTITY, Nd4j.ones(DataType.FLOAT, 2, 2)), name + ": mask",
                    "an element mask [2, 3]");
            INDArray half = Nd4j.ones(DataType.FLOAT, 2, 3).putScalar(0, 1, 0.5);
            rejects(() -> loss.computeGradient(Nd4j.ones(DataType.FLOAT, 2, 3), z, IDENTITY, half), name + ": mask",
                    "0 or 1", "0.5 at row 0, column 1");
            // The masked grade is garbage, and not read.
            INDArray skip = Nd4j.ones(DataType.FLOAT, 2, 3).putScalar(1, 2, 0);
            loss.computeGradient(negative, z, IDENTITY, skip);
        }
        rejects(() -> ApproxNdcgLoss.builder().temperature(0).build(), "ApproxNdcgLoss: temperature must be finite and > 0");
    }
}
