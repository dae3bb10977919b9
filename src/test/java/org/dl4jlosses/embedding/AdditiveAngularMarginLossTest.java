package org.dl4jlosses.embedding;

import static org.dl4jlosses.testing.Assert.close;
import static org.dl4jlosses.testing.Assert.rejects;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * ArcFace's bad input, options, numerical safety at cosines of exactly +-1 and finite-difference
 * checks with the identity activation (the PyTorch values are in the embedding_margin fixtures).
 */
class AdditiveAngularMarginLossTest {
    private static final IActivation IDENTITY = new ActivationIdentity();

    private static void rejectsEverywhere(ILossFunction loss, INDArray labels, INDArray z, INDArray mask, String... fragments) {
        rejects(() -> loss.computeScore(labels, z, IDENTITY, mask, true), fragments);
        rejects(() -> loss.computeScoreArray(labels, z, IDENTITY, mask), fragments);
        rejects(() -> loss.computeGradient(labels, z, IDENTITY, mask), fragments);
        rejects(() -> loss.computeGradientAndScore(labels, z, IDENTITY, mask, true), fragments);
    }

    private static INDArray cosines(Random random, int rows, int classes, DataType type) {
        double[][] c = new double[rows][classes];
        for (double[] row : c) {
            for (int j = 0; j < classes; j++) {
                row[j] = 1.8 * random.nextDouble() - 0.9;
            }
        }
        return Nd4j.createFromArray(c).castTo(type);
    }

    private static INDArray indices(int... classes) {
        double[][] y = new double[classes.length][1];
        for (int i = 0; i < classes.length; i++) {
            y[i][0] = classes[i];
        }
        return Nd4j.createFromArray(y);
    }

    @Test
    void defaultsAndBuilder() {
        AdditiveAngularMarginLoss loss = new AdditiveAngularMarginLoss();
        assertEquals(64.0, loss.getScale());
        assertEquals(0.5, loss.getMargin());
        assertFalse(loss.isEasyMargin());
        assertEquals(loss, AdditiveAngularMarginLoss.builder().build());
        AdditiveAngularMarginLoss custom = AdditiveAngularMarginLoss.builder().scale(30).margin(0.2).easyMargin(true).build();
        assertEquals("AdditiveAngularMarginLoss(scale=30.0, margin=0.2, easyMargin=true)", custom.toString());
        assertFalse(custom.equals(loss));
    }

    @Test
    void badOptionsThrowAtBuild() {
        rejects(() -> AdditiveAngularMarginLoss.builder().scale(0).build(), "AdditiveAngularMarginLoss", "scale", "> 0", "0.0");
        rejects(() -> AdditiveAngularMarginLoss.builder().scale(-1).build(), "scale");
        rejects(() -> AdditiveAngularMarginLoss.builder().scale(Double.POSITIVE_INFINITY).build(), "scale");
        rejects(() -> AdditiveAngularMarginLoss.builder().margin(-0.1).build(), "AdditiveAngularMarginLoss", "margin",
                "[0, pi)", "-0.1");
        rejects(() -> AdditiveAngularMarginLoss.builder().margin(Math.PI).build(), "margin");
        rejects(() -> AdditiveAngularMarginLoss.builder().margin(Double.NaN).build(), "margin");
    }

    @Test
    void cosinesOutsideTheUnitIntervalAreRejected() {
        AdditiveAngularMarginLoss loss = new AdditiveAngularMarginLoss();
        INDArray z = cosines(new Random(1), 4, 3, DataType.FLOAT);
        INDArray y = indices(0, 1, 2, 0).castTo(DataType.FLOAT);
        z.putScalar(2, 1, 1.25);
        rejectsEverywhere(loss, y, z, null, "AdditiveAngularMarginLoss", "cosines", "[-1, 1]", "1.25", "row 2, column 1");
        z.putScalar(2, 1, -3.0);
        rejectsEverywhere(loss, y, z, null, "cosines", "-3.0");
        z.putScalar(2, 1, Double.NaN);
        rejectsEverywhere(loss, y, z, null, "cosines", "NaN");
        // A masked row is not read: out of range or NaN, it changes nothing.
        INDArray mask = Nd4j.createFromArray(new double[][] {{1}, {1}, {0}, {1}}).castTo(DataType.FLOAT);
        INDArray valid = z.dup();
        valid.putScalar(2, 1, 0.5);
        double expected = loss.computeScore(y, valid, IDENTITY, mask, false);
        for (double garbage : new double[] {5.0, Double.NaN}) {
            z.putScalar(2, 1, garbage);
            assertEquals(expected, loss.computeScore(y, z, IDENTITY, mask, false), 0.0, "masked " + garbage);
            assertEquals(loss.computeGradient(y, valid, IDENTITY, mask), loss.computeGradient(y, z, IDENTITY, mask),
                    "masked " + garbage);
        }
        // Sigmoid's outputs are in (0, 1), so valid cosines; an unbounded activation output is rejected per call.
        assertTrue(Double.isFinite(loss.computeScore(y, valid.mul(10), new ActivationSigmoid(), null, false)));
    }

    @Test
    void roundingPastOneIsClampedNotRejected() {
        AdditiveAngularMarginLoss loss = new AdditiveAngularMarginLoss();
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            double excess = type == DataType.FLOAT ? 5e-6 : 5e-13;
            INDArray y = indices(0, 1).castTo(type);
            INDArray atOne = Nd4j.createFromArray(new double[][] {{1.0, 0.2, -1.0}, {-1.0, 1.0, 0.3}}).castTo(type);
            INDArray past = Nd4j.createFromArray(new double[][] {{1.0 + excess, 0.2, -1.0 - excess}, {-1.0, 1.0 + excess, 0.3}})
                    .castTo(type);
            close(loss.computeScore(y, atOne, IDENTITY, null, false), loss.computeScore(y, past, IDENTITY, null, false),
                    1e-6, type + ": clamped");
            INDArray tooFar = past.dup();
            tooFar.putScalar(0, 0, 1.0 + 20 * excess);
            rejectsEverywhere(loss, y, tooFar, null, "cosines", "tolerance");
        }
    }

    @Test
    void cosinesOfExactlyPlusMinusOneGiveFiniteValues() {
        for (AdditiveAngularMarginLoss loss : new AdditiveAngularMarginLoss[] {new AdditiveAngularMarginLoss(),
            AdditiveAngularMarginLoss.builder().easyMargin(true).build(),
            AdditiveAngularMarginLoss.builder().margin(0).build(),
            AdditiveAngularMarginLoss.builder().scale(1e4).build()}) {
            for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
                // Targets at +1 (margin branch, sin theta = 0) and at -1 (fallback), others at +-1 too.
                INDArray z = Nd4j.createFromArray(new double[][] {{1, -1, 1}, {-1, 1, -1}, {1, 1, 1}, {-1, -1, -1}})
                        .castTo(type);
                INDArray y = indices(0, 0, 2, 1).castTo(type);
                INDArray scores = loss.computeScoreArray(y, z, IDENTITY, null);
                INDArray gradient = loss.computeGradient(y, z, IDENTITY, null);
                assertTrue(Double.isFinite(scores.sumNumber().doubleValue()), loss + " " + type + ": finite scores " + scores);
                assertTrue(Double.isFinite(gradient.sumNumber().doubleValue())
                        && Double.isFinite(gradient.amaxNumber().doubleValue()), loss + " " + type + ": finite gradient " + gradient);
            }
        }
        // With no margin every logit is s c: at c = +1 on the target and -1 elsewhere, nothing to learn in float64.
        AdditiveAngularMarginLoss plain = AdditiveAngularMarginLoss.builder().margin(0).scale(64).build();
        INDArray z = Nd4j.createFromArray(new double[][] {{1, -1, -1}});
        double score = plain.computeScore(indices(0), z, IDENTITY, null, false);
        close(Math.log1p(2 * Math.exp(-128)), score, 1e-12, "margin 0 at the perfect answer");
    }

    @Test
    void theMarginAndTheFallbackAtKnownPoints() {
        // One class against another at cosine 0: logit_y = s phi(c_y), logit_other = 0.
        double s = 2;
        double m = 0.5;
        AdditiveAngularMarginLoss loss = AdditiveAngularMarginLoss.builder().scale(s).margin(m).build();
        double[] targets = {0.6, -0.95}; // margin branch (theta + m < pi) and fallback (cos < cos(pi - m) = -0.8776)
        double[] phis = {Math.cos(Math.acos(0.6) + m), -0.95 - m * Math.sin(Math.PI - m)};
        for (int i = 0; i < 2; i++) {
            INDArray z = Nd4j.createFromArray(new double[][] {{targets[i], 0.0}});
            double expected = Math.log(Math.exp(s * phis[i]) + 1) - s * phis[i];
            close(expected, loss.computeScore(indices(0), z, IDENTITY, null, false), 1e-12, "row " + i);
        }
        // easyMargin leaves a negative target cosine alone.
        AdditiveAngularMarginLoss easy = AdditiveAngularMarginLoss.builder().scale(s).margin(m).easyMargin(true).build();
        INDArray z = Nd4j.createFromArray(new double[][] {{-0.3, 0.0}});
        close(Math.log(Math.exp(-0.6) + 1) + 0.6, easy.computeScore(indices(0), z, IDENTITY, null, false), 1e-12, "easy");
    }

    @Test
    void identityGradientMatchesFiniteDifferences() {
        Random random = new Random(3);
        for (AdditiveAngularMarginLoss loss : new AdditiveAngularMarginLoss[] {new AdditiveAngularMarginLoss(),
            AdditiveAngularMarginLoss.builder().scale(20).easyMargin(true).build(),
            AdditiveAngularMarginLoss.builder().scale(10).margin(2.5).build()}) {
            INDArray z = cosines(random, 6, 4, DataType.DOUBLE);
            INDArray y = indices(0, 1, 2, 3, 0, 2);
            z.putScalar(0, 0, -0.97); // the fallback branch
            z.putScalar(1, 1, 0.95);
            INDArray mask = Nd4j.createFromArray(new double[][] {{1}, {1}, {0}, {1}, {1}, {1}});
            for (INDArray m : new INDArray[] {null, mask}) {
                INDArray analytic = loss.computeGradient(y, z, IDENTITY, m);
                double scale = Math.max(1, analytic.amaxNumber().doubleValue());
                for (int i = 0; i < z.rows(); i++) {
                    for (int j = 0; j < z.columns(); j++) {
                        double h = 1e-7;
                        INDArray plus = z.dup();
                        plus.putScalar(i, j, z.getDouble(i, j) + h);
                        INDArray minus = z.dup();
                        minus.putScalar(i, j, z.getDouble(i, j) - h);
                        double numeric = (loss.computeScore(y, plus, IDENTITY, m, false)
                                - loss.computeScore(y, minus, IDENTITY, m, false)) / (2 * h);
                        assertEquals(numeric, analytic.getDouble(i, j), 1e-5 * scale, loss + " d/dz[" + i + "," + j + "]");
                    }
                }
            }
        }
    }

    @Test
    void largeScaleInFloat32StaysFinite() {
        AdditiveAngularMarginLoss loss = AdditiveAngularMarginLoss.builder().scale(1e4).build();
        INDArray z = cosines(new Random(4), 8, 10, DataType.FLOAT);
        INDArray y = indices(0, 1, 2, 3, 4, 5, 6, 7).castTo(DataType.FLOAT);
        double score = loss.computeScore(y, z, IDENTITY, null, false);
        INDArray gradient = loss.computeGradient(y, z, IDENTITY, null);
        assertTrue(Double.isFinite(score) && score > 0);
        assertTrue(Double.isFinite(gradient.amaxNumber().doubleValue()));
        close(score, loss.computeScore(y.castTo(DataType.DOUBLE), z.castTo(DataType.DOUBLE), IDENTITY, null, false),
                1e-4, "float32 vs float64 at scale 1e4");
    }

    @Test
    void badLabels() {
        AdditiveAngularMarginLoss loss = new AdditiveAngularMarginLoss();
        INDArray z = cosines(new Random(5), 3, 4, DataType.DOUBLE);
        rejectsEverywhere(loss, indices(0, 4, 1), z, null, "AdditiveAngularMarginLoss", "labels", "class indices", "4.0");
        INDArray soft = Nd4j.createFromArray(new double[][] {{0.5, 0.5, 0, 0}, {1, 0, 0, 0}, {0, 0, 1, 0}});
        rejectsEverywhere(loss, soft, z, null, "labels", "one-hot");
        rejectsEverywhere(loss, Nd4j.zeros(DataType.DOUBLE, 2, 1), z, null, "labels", "[3, 4]");
    }
}
