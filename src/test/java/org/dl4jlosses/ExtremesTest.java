package org.dl4jlosses;

import static org.dl4jlosses.testing.Assert.close;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.dl4jlosses.classification.AsymmetricLoss;
import org.dl4jlosses.classification.BinaryCrossEntropyLoss;
import org.dl4jlosses.classification.CrossEntropyLoss;
import org.dl4jlosses.classification.FocalLoss;
import org.dl4jlosses.classification.HingeLoss;
import org.dl4jlosses.classification.KlDivergenceLoss;
import org.dl4jlosses.classification.PolyLoss;
import org.dl4jlosses.regression.GaussianNllLoss;
import org.dl4jlosses.regression.LogCoshLoss;
import org.dl4jlosses.regression.PoissonNllLoss;
import org.dl4jlosses.testing.Assert;
import org.dl4jlosses.testing.Catalogue.Entry;
import org.dl4jlosses.testing.Catalogue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/** Numerical safety: huge logits, saturated probabilities, empty masks. */
class ExtremesTest {

    static List<Entry> entries() {
        return Catalogue.pointwise();
    }

    private static boolean finite(INDArray x) {
        return Double.isFinite(x.castTo(DataType.DOUBLE).sumNumber().doubleValue())
                && Double.isFinite(x.amaxNumber().doubleValue());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void logitsOfMagnitude1e4StayFiniteInBothPrecisions(Entry e) {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            Random random = new Random(5);
            // An identity feeding a probability loss gets probabilities; everything else logits of size 1e4.
            INDArray z = e.consumesProbabilities() ? e.z(random, 6, 4, type) : Nd4j.randn(type, 6, 4).muli(1e4);
            INDArray labels = e.labels(random, 6, 4, type);
            if (exponentiates(e)) {
                // A log-rate or log-variance of 1e4 has no finite loss (exp(1e4)): an error naming the loss, never infinity.
                IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                        () -> e.loss.computeScore(labels, z, e.activation, null, false));
                assertTrue(error.getMessage().startsWith(e.loss.name() + ": preOutput must be"), error.getMessage());
                continue;
            }
            double score = e.loss.computeScore(labels, z, e.activation, null, false);
            assertTrue(Double.isFinite(score), type + ": finite score, got " + score);
            assertTrue(finite(e.loss.computeGradient(labels, z, e.activation, null)), type + ": finite gradient");
            assertTrue(finite(e.loss.computeScoreArray(labels, z, e.activation, null)), type + ": finite score array");
        }
    }

    /** Whether the loss takes exp of an unbounded output: Poisson from log-rates, Gaussian from log-variances. */
    private static boolean exponentiates(Entry e) {
        return e.loss instanceof PoissonNllLoss && ((PoissonNllLoss) e.loss).isLogInput() && e.activation instanceof ActivationIdentity
                || e.loss instanceof GaussianNllLoss && ((GaussianNllLoss) e.loss).getVariance() == GaussianNllLoss.Variance.LOG;
    }

    /** The multi-class hinges at scores of +-1e4 and on a row of scores all far below zero, against values by hand. */
    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void multiClassHingesAreExactAtScoresOf1e4(DataType type) {
        org.nd4j.linalg.activations.impl.ActivationIdentity identity = new org.nd4j.linalg.activations.impl.ActivationIdentity();
        INDArray z = Nd4j.createFromArray(new double[][] {{1e4, -1e4, 0}, {-1e4, -1e4 + 1, -1e4 - 3}}).castTo(type);
        INDArray y = Nd4j.createFromArray(new double[][] {{1}, {0}}).castTo(type);
        HingeLoss cs = HingeLoss.builder().mode(HingeLoss.Mode.CRAMMER_SINGER).build();
        org.dl4jlosses.classification.HingeLoss ww = org.dl4jlosses.classification.HingeLoss.builder()
                .mode(org.dl4jlosses.classification.HingeLoss.Mode.WESTON_WATKINS).build();
        // Row 0, true class 1: CS max(0, 1 + 1e4 + 1e4) = 20001; WW 20001 + 10001. Row 1, true class 0:
        // CS max(0, 1 + 1) = 2; WW (1 + 1) + max(0, 1 - 3) = 2.
        close(20001, cs.computeScoreArray(y, z, identity, null).getDouble(0), 0, type + " CS row 0");
        close(2, cs.computeScoreArray(y, z, identity, null).getDouble(1), 0, type + " CS row 1");
        close(30002, ww.computeScoreArray(y, z, identity, null).getDouble(0), 0, type + " WW row 0");
        close(2, ww.computeScoreArray(y, z, identity, null).getDouble(1), 0, type + " WW row 1");
        assertEquals(Nd4j.createFromArray(new double[][] {{1, -1, 0}, {-1, 1, 0}}).castTo(type),
                cs.computeGradient(y, z, identity, null), type + " CS gradient");
        assertEquals(Nd4j.createFromArray(new double[][] {{1, -2, 1}, {-1, 1, 0}}).castTo(type),
                ww.computeGradient(y, z, identity, null), type + " WW gradient");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void anAllZeroMaskGivesZeroLossAndGradient(Entry e) {
        Random random = new Random(6);
        INDArray z = e.z(random, 5, 4, DataType.FLOAT);
        INDArray labels = e.labels(random, 5, 4, DataType.FLOAT);
        INDArray mask = Nd4j.zeros(DataType.FLOAT, 5, 1);
        assertEquals(0.0, e.loss.computeScore(labels, z, e.activation, mask, true));
        assertEquals(0.0, e.loss.computeGradient(labels, z, e.activation, mask).amaxNumber().doubleValue());
        assertEquals(0.0, e.loss.computeScoreArray(labels, z, e.activation, mask).amaxNumber().doubleValue());
    }

    static List<Entry> softmaxEntries() {
        return entries().stream().filter(e -> e.activation instanceof ActivationSoftmax).collect(Collectors.toList());
    }

    /**
     * A softmax loss depends on the logits' differences only: rows shifted far below zero (where
     * exp underflows) or far above give the same numbers, in float64 too.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("softmaxEntries")
    void softmaxLossesAreExactForLogitsFarFromZeroInFloat64(Entry e) {
        Random random = new Random(7);
        INDArray z = e.z(random, 5, 4, DataType.DOUBLE);
        INDArray labels = e.labels(random, 5, 4, DataType.DOUBLE);
        double score = e.loss.computeScore(labels, z, e.activation, null, false);
        INDArray gradient = e.loss.computeGradient(labels, z, e.activation, null);
        for (double shift : new double[] {-800, -1e4, 1e4}) {
            INDArray shifted = z.add(shift);
            String what = e + " shifted by " + shift;
            close(score, e.loss.computeScore(labels, shifted, e.activation, null, false), 1e-9, what);
            INDArray g = e.loss.computeGradient(labels, shifted, e.activation, null);
            assertTrue(finite(g), what + ": finite gradient");
            assertEquals(0, g.sub(gradient).amaxNumber().doubleValue(), 1e-9, what + ": gradient");
        }
    }

    @Test
    void rowsOfVeryNegativeLogitsInFloat64() {
        // The case: row 1 is softmax([-1, -2, 0]) shifted by -799.
        double[] shifted = {-1, -2, 0};
        double sum = Math.exp(-1) + Math.exp(-2) + 1;
        double[] p = {Math.exp(-1) / sum, Math.exp(-2) / sum, 1 / sum};
        for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            double tolerance = type == DataType.DOUBLE ? 1e-12 : 1e-5;
            INDArray z = Nd4j.createFromArray(new double[][] {{2, 0, -1}, {-800, -801, -799}}).castTo(type);
            INDArray y = Nd4j.createFromArray(new double[][] {{0}, {1}}).castTo(type);
            INDArray g = new CrossEntropyLoss().computeGradient(y, z, new ActivationSoftmax(), null);
            for (int c = 0; c < 3; c++) {
                close(p[c] - (c == 1 ? 1 : 0), g.getDouble(1, c), tolerance, type + " CE gradient " + c);
            }
            INDArray mask = Nd4j.createFromArray(new double[][] {{0}, {1}}).castTo(type);
            INDArray masked = new CrossEntropyLoss().computeGradient(y, z, new ActivationSoftmax(), mask);
            close(p[0], masked.getDouble(1, 0), tolerance, type + " CE gradient under a row mask");
            assertEquals(0, masked.getRow(0).amaxNumber().doubleValue(), 0);
            // Poly-1 (epsilon 1): -log p_1 + (1 - p_1), the first row's the same at the unshifted logits.
            double poly = -Math.log(p[1]) + (1 - p[1]);
            double first = -Math.log(Math.exp(2) / (Math.exp(2) + 1 + Math.exp(-1))) + 1 - Math.exp(2) / (Math.exp(2) + 1 + Math.exp(-1));
            close(first + poly, new PolyLoss().computeScore(y, z, new ActivationSoftmax(), null, false), tolerance,
                    type + " PolyLoss score");
            // DL4J's testClippingXENT input: every logit -1000, so p = 1/5 everywhere.
            INDArray flat = Nd4j.valueArrayOf(new long[] {3, 5}, -1000.0, type);
            INDArray oneHot = Nd4j.createFromArray(new double[][] {{1, 0, 0, 0, 0}, {0, 0, 1, 0, 0}, {0, 0, 0, 0, 1}}).castTo(type);
            INDArray ce = new CrossEntropyLoss().computeGradient(oneHot, flat, new ActivationSoftmax(), null);
            assertEquals(0, ce.sub(oneHot.rsub(0.2)).amaxNumber().doubleValue(), tolerance,
                    type + " CE gradient at -1000");
            close(3 * (Math.log(5) + 0.8), new PolyLoss().computeScore(oneHot, flat, new ActivationSoftmax(), null, false), tolerance,
                    type + " PolyLoss at -1000");
        }
    }

    /**
     * An infinite logit whose row's loss is infinite is an error naming it (the losses' policy for
     * values with no finite loss); masked, it leaves the other rows as they are alone (it once
     * zeroed every row's loss through a batch-wide span).
     */
    @Test
    void anInfiniteLogitOfCrammerSingerIsNamedAndMaskedLeavesTheOtherRowsAlone() {
        HingeLoss cs = HingeLoss.builder().mode(HingeLoss.Mode.CRAMMER_SINGER).build();
        IActivation identity = new ActivationIdentity();
        for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            INDArray z = Nd4j.createFromArray(new double[][] {{Double.POSITIVE_INFINITY, 0, 1}, {0.5, -0.2, 0.1}, {2, 1, -1}})
                    .castTo(type);
            INDArray y = Nd4j.createFromArray(new double[][] {{0, 1, 0}, {1, 0, 0}, {0, 0, 1}}).castTo(type);
            Assert.rejects(() -> cs.computeScoreArray(y, z, identity, null), "HingeLoss: preOutput",
                    "an infinite value at row 0, column 0");
            INDArray mask = Nd4j.createFromArray(new double[][] {{0}, {1}, {1}}).castTo(type);
            INDArray all = cs.computeScoreArray(y, z, identity, mask);
            // Row 1: max(0, 1 + 0.1 - 0.5) = 0.6; row 2: max(0, 1 + 2 - (-1)) = 4.
            close(0, all.getDouble(0), 0, type + " masked row");
            close(0.6, all.getDouble(1), 1e-6, type + " row 1 beside a masked infinite logit");
            close(4, all.getDouble(2), 1e-6, type + " row 2 beside a masked infinite logit");
        }
    }

    @Test
    void crossEntropyUsesLogSumExpNotClipping() {
        // The true class 30 logits below the others: p = e^-30 ~ 9e-14, below any clipping floor.
        INDArray z = Nd4j.createFromArray(new double[][] {{0, 30, 30}});
        INDArray y = Nd4j.createFromArray(new double[][] {{1, 0, 0}});
        double expected = 30 + Math.log(2 + Math.exp(-30));
        close(expected, new CrossEntropyLoss().computeScore(y, z, new ActivationSoftmax(), null, false), 1e-12, "CE");
        // In float32, with logits 1e4 apart, the loss is the gap itself.
        INDArray z32 = Nd4j.createFromArray(new float[][] {{-1e4f, 1e4f}});
        INDArray y32 = Nd4j.createFromArray(new float[][] {{1, 0}});
        close(2e4, new CrossEntropyLoss().computeScore(y32, z32, new ActivationSoftmax(), null, false), 1e-6, "CE float32");
        close(1e4, new BinaryCrossEntropyLoss().computeScore(Nd4j.createFromArray(new float[][] {{1}}),
                Nd4j.createFromArray(new float[][] {{-1e4f}}), new ActivationSigmoid(), null, false), 1e-6, "BCE float32");
    }

    /**
     * The sigmoid family works from the logits: at +-1e4 and +-800, where exp under- or overflows in
     * both precisions, the numbers are exact. The wrong side of each logit costs its magnitude
     * (times alpha_t for focal loss, plus q = 1 for Poly-1), and its gradient is the whole step.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void sigmoidLossesAreExactForLogitsFarFromZero(DataType type) {
        INDArray z = Nd4j.createFromArray(new double[][] {{-1e4, 1e4, -800, 800}, {1e4, -1e4, 800, -800}}).castTo(type);
        INDArray y = Nd4j.createFromArray(new double[][] {{1, 0, 1, 0}, {1, 0, 1, 0}}).castTo(type);
        ActivationSigmoid sigmoid = new ActivationSigmoid();
        Object[][] cases = {
            {new BinaryCrossEntropyLoss(), (1e4 + 1e4 + 800 + 800) / 4, new double[] {-1, 1, -1, 1}},
            {new FocalLoss(), (0.25 * 1e4 + 0.75 * 1e4 + 0.25 * 800 + 0.75 * 800) / 4, new double[] {-0.25, 0.75, -0.25, 0.75}},
            {new PolyLoss(), (1e4 + 1 + 1e4 + 1 + 801 + 801) / 4, new double[] {-1, 1, -1, 1}},
        };
        for (Object[] c : cases) {
            ILossFunction loss = (ILossFunction) c[0];
            String what = loss + " " + type;
            INDArray scores = loss.computeScoreArray(y, z, sigmoid, null);
            close((double) c[1], scores.getDouble(0, 0), 1e-12 * (double) c[1], what + ": wrong side");
            assertEquals(0.0, scores.getDouble(1, 0), 0.0, what + ": right side");
            INDArray gradient = loss.computeGradient(y, z, sigmoid, null).castTo(DataType.DOUBLE);
            double[] expected = (double[]) c[2];
            for (int k = 0; k < 4; k++) {
                assertEquals(expected[k] / 4, gradient.getDouble(0, k), 1e-15, what + ": gradient " + k);
                assertEquals(0.0, gradient.getDouble(1, k), 0.0, what + ": right side's gradient " + k);
            }
        }
    }

    @Test
    void focalPowersAtSaturatedLogits() {
        // Logits far enough out that q = 1 - p_t (sigmoid) or 1 - p_c (softmax) is exactly 0 in
        // float, where gamma < 1 makes q^(gamma - 1) blow up: both paths must give the same finite numbers.
        float[][] values = new float[64][40];
        float[][] binary = new float[64][40];
        Random random = new Random(7);
        for (int r = 0; r < 64; r++) {
            for (int c = 0; c < 40; c++) {
                int pick = random.nextInt(5);
                values[r][c] = pick == 0 ? 120f : pick == 1 ? -120f : pick == 2 ? 20f : (float) random.nextGaussian();
                binary[r][c] = random.nextBoolean() ? 1 : 0;
            }
        }
        INDArray z = Nd4j.createFromArray(values);
        INDArray labels = Nd4j.createFromArray(binary);
        INDArray oneHot = Nd4j.zeros(DataType.FLOAT, 64, 40);
        for (int r = 0; r < 64; r++) {
            int top = 0;
            for (int c = 1; c < 40; c++) {
                top = values[r][c] > values[r][top] ? c : top;
            }
            oneHot.putScalar(r, r % 2 == 0 ? top : (top + 1) % 40, 1);
        }
        for (double gamma : new double[] {0.25, 0.5, 1, 1.5, 2, 4}) {
            ILossFunction[] losses = {FocalLoss.builder().gamma(gamma).build(),
                    PolyLoss.builder().gamma(gamma).epsilon(2).build(),
                    PolyLoss.builder().gamma(gamma).labelSmoothing(0.1).alpha(0.25).build()};
            for (ILossFunction loss : losses) {
                // One formula per form: float32 against float64.
                againstFloat64(loss, new ActivationSigmoid(), labels, z, loss + " sigmoid, saturated");
                if (!(loss instanceof PolyLoss && ((PolyLoss) loss).getAlpha() >= 0)) {
                    againstFloat64(loss, new ActivationSoftmax(), oneHot, z, loss + " softmax, saturated");
                }
                assertEquals(true, Double.isFinite(loss.computeScore(labels, z, new ActivationSigmoid(), null, false)));
                assertEquals(0, loss.computeGradient(labels, z, new ActivationSigmoid(), null)
                        .isNaN().castTo(DataType.INT).sumNumber().intValue());
            }
        }
    }


    /**
     * The losses added after the first catalogue, at logits of +-1e4 and on rows of logits all far
     * below zero, against values by hand: exact in both precisions.
     */
    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void addedLossesAreExactAtLogitsOf1e4(DataType type) {
        IActivation identity = new ActivationIdentity();
        IActivation sigmoid = new ActivationSigmoid();
        IActivation softmax = new ActivationSoftmax();
        double log2 = Math.log(2);

        // log cosh(r) = |r| - log 2 + log1p(exp(-2|r|)), derivative tanh(r); r^2 / 2 for tiny r.
        INDArray a = Nd4j.createFromArray(new double[][] {{1e4, -1e4, 1e-4, -3e-5}}).castTo(type);
        INDArray y = Nd4j.zeros(type, 1, 4);
        INDArray terms = new LogCoshLoss().computeScoreArray(y, a, identity, null);
        close(((1e4 - log2) * 2 + 0.5e-8 + 4.5e-10) / 4, terms.getDouble(0), 1e-6, type + " log cosh");
        INDArray g = new LogCoshLoss().computeGradient(y, a, identity, null);
        close(Nd4j.createFromArray(new double[][] {{0.25, -0.25, Math.tanh(1e-4) / 4, Math.tanh(-3e-5) / 4}}), g, 1e-6,
                type + " log cosh gradient");
        close(0.5e-8 + 4.5e-10, 2 * new LogCoshLoss().computeScore(Nd4j.zeros(type, 1, 2),
                Nd4j.createFromArray(new double[][] {{1e-4, -3e-5}}).castTo(type), identity, null, false), 1e-5,
                type + " log cosh of tiny residuals, relative");

        // AsymmetricLoss at z = +-1e4: a positive at +1e4 and a negative at -1e4 cost 0; a negative at
        // +1e4 costs -log(clip) (1 - clip)^4 with the clip, softplus(1e4) = 1e4 without it; a positive
        // at -1e4 costs 1e4.
        INDArray z = Nd4j.createFromArray(new double[][] {{1e4, -1e4, 1e4, -1e4}}).castTo(type);
        INDArray labels = Nd4j.createFromArray(new double[][] {{1, 0, 0, 1}}).castTo(type);
        close((-Math.log(0.05) * Math.pow(0.95, 4) + 1e4) / 4,
                new AsymmetricLoss().computeScore(labels, z, sigmoid, null, false), 1e-6, type + " ASL");
        close((1e4 + 1e4) / 4, AsymmetricLoss.builder().clip(0).build().computeScore(labels, z, sigmoid, null, false), 1e-6,
                type + " ASL without clip");
        close(Nd4j.createFromArray(new double[][] {{0, 0, 0, -0.25}}),
                new AsymmetricLoss().computeGradient(labels, z, sigmoid, null), 1e-6, type + " ASL gradient");

        // KL divergence: row 0 at +-1e4 with a one-hot target on the low class; row 1 all near -1e4.
        INDArray logits = Nd4j.createFromArray(new double[][] {{1e4, -1e4, 0}, {-1e4, -1e4 - 1, -1e4 + 1}}).castTo(type);
        INDArray q = Nd4j.createFromArray(new double[][] {{0, 1, 0}, {0.5, 0, 0.5}}).castTo(type);
        INDArray rows = KlDivergenceLoss.builder().temperature(2).build().computeScoreArray(q, logits, softmax, null);
        double lse1 = -1e4 / 2 + Math.log(1 + Math.exp(-0.5) + Math.exp(0.5));
        double kl1 = 0.5 * (Math.log(0.5) - (-1e4 / 2 - lse1)) + 0.5 * (Math.log(0.5) - ((-1e4 + 1) / 2 - lse1));
        close(4 * (1e4 / 2 + 1e4 / 2), rows.getDouble(0), 1e-6, type + " KL row 0");
        close(4 * kl1, rows.getDouble(1), 1e-5, type + " KL row 1");
        INDArray grad = KlDivergenceLoss.builder().temperature(2).build().computeGradient(q, logits, softmax, null);
        double e = Math.exp(-0.5);
        double s = 1 + e + 1 / e;
        close(Nd4j.createFromArray(new double[][] {{2, -2, 0}, {2 * (1 / s - 0.5), 2 * e / s, 2 * (1 / e / s - 0.5)}}),
                grad, 1e-5, type + " KL gradient");
    }

    /** Soft labels on a row of logits all near -1e4: every log-probability to full precision in float32 too. */
    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void softLabelsOnARowFarBelowZeroAreExact(DataType type) {
        INDArray z = Nd4j.createFromArray(new double[][] {{-1e4, -1e4 - 1, -1e4 + 1}}).castTo(type);
        INDArray q = Nd4j.createFromArray(new double[][] {{0.5, 0, 0.5}}).castTo(type);
        double log = Math.log(1 + Math.exp(-1) + Math.exp(1));
        double expected = 0.5 * (log - 0) + 0.5 * (log - 1);
        close(expected, new CrossEntropyLoss().computeScore(q, z, new ActivationSoftmax(), null, false), 1e-6,
                type + " cross-entropy");
        close(expected, FocalLoss.builder().gamma(0).alpha(-1).build().computeScore(q, z, new ActivationSoftmax(), null,
                false), 1e-6, type + " focal loss with gamma 0");
    }

    /** A rate below -eps has no Poisson likelihood: an error naming the loss and the row, where PyTorch gives NaN. */
    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void aNegativeRateIsAnErrorNamingItsRow(DataType type) {
        INDArray rates = Nd4j.createFromArray(new double[][] {{0.5, 2}, {1, -0.5}}).castTo(type);
        INDArray counts = Nd4j.createFromArray(new double[][] {{1, 3}, {0, 2}}).castTo(type);
        PoissonNllLoss loss = PoissonNllLoss.builder().logInput(false).build();
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> loss.computeScore(counts, rates, new ActivationIdentity(), null, false));
        assertEquals("PoissonNllLoss: preOutput must be values for which the loss is defined and finite (see the loss's"
                + " Javadoc), got values at row 1 that give a NaN or infinite loss", error.getMessage());
        INDArray masked = Nd4j.createFromArray(new double[][] {{1}, {0}}).castTo(type);
        close(0.5 - Math.log(0.5 + 1e-8) + 2 - 3 * Math.log(2 + 1e-8),
                2 * loss.computeScore(counts, rates, new ActivationIdentity(), masked, false), 1e-6, type + " masked row");
    }

    private static void againstFloat64(ILossFunction loss, IActivation activation, INDArray labels, INDArray z, String name) {
        INDArray g = loss.computeGradient(labels, z, activation, null);
        INDArray exact = loss.computeGradient(labels.castTo(DataType.DOUBLE), z.castTo(DataType.DOUBLE), activation, null);
        close(exact, g, 1e-4, name + ": gradient");
        close(loss.computeScore(labels.castTo(DataType.DOUBLE), z.castTo(DataType.DOUBLE), activation, null, false),
                loss.computeScore(labels, z, activation, null, false), 1e-5, name + ": score");
    }
}
