package org.dl4jlosses.internal;

import static org.dl4jlosses.testing.Assert.close;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.dl4jlosses.bench.BenchCase;
import org.dl4jlosses.embedding.Ge2eLoss;
import org.dl4jlosses.ranking.MarginRankingLoss;
import org.dl4jlosses.segmentation.DiceCrossEntropyLoss;
import org.dl4jlosses.segmentation.DiceLoss;
import org.dl4jlosses.segmentation.GeneralizedDiceLoss;
import org.dl4jlosses.segmentation.OverlapLoss;
import org.dl4jlosses.segmentation.TverskyLoss;
import org.dl4jlosses.testing.Assert;
import org.dl4jlosses.testing.CoupledCatalogue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * The coupled path and its formulas: every configuration of the coupled catalogue through each
 * {@link LaneMath} and on strided views with labels of another data type, every coupled benchmark
 * case in float32 against float64 at its full size, and the delicate cases of GE2E and Dice in
 * both precisions; each run asserts the formula that ran.
 */
class CoupledPathTest {
    private static final double TOLERANCE = 2e-5;

    /** The catalogue's coupled losses (it also holds ArcFace, a row formula on cosines). */
    static Stream<Arguments> catalogue() {
        return CoupledCatalogue.all().stream().filter(e -> e.loss instanceof CoupledLoss).map(Arguments::of);
    }

    /**
     * Every configuration of the coupled catalogue on a strided view of its pre-output with labels
     * of another data type, against the same call on dense arrays, with masked units too: the path
     * reads every layout alike. Each run asserts that the float32 formula ran.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("catalogue")
    void stridedViewsAndOtherLabelTypesReadAlike(CoupledCatalogue.Entry e) {
        for (int seed = 0; seed < 2; seed++) {
            CoupledCatalogue.Sample s = e.sample(new Random(seed), DataType.FLOAT);
            INDArray wide = Nd4j.zeros(DataType.FLOAT, s.rows(), s.z.size(1) + 3);
            INDArray view = wide.get(NDArrayIndex.all(), NDArrayIndex.interval(2, s.z.size(1) + 2));
            view.assign(s.z);
            for (INDArray mask : new INDArray[] {null, s.maskOf(1)}) {
                String name = e + " seed " + seed + (mask == null ? "" : " masked");
                INDArray dense = lanesRun(e.loss, e.activation, s.labels, s.z, mask, DataType.FLOAT, name);
                INDArray strided = lanesRun(e.loss, e.activation, s.labels.castTo(DataType.DOUBLE), view, mask, DataType.FLOAT,
                        name + " strided");
                assertEquals(dense, strided, name + ": a strided view with float64 labels");
            }
        }
    }

    static Stream<Arguments> formulas() {
        return CoupledCatalogue.all().stream()
                .filter(e -> e.loss instanceof CoupledLoss && ((CoupledLoss) e.loss).coupledFormula(e.activation) != null).map(Arguments::of);
    }

    /**
     * A coupled formula through each {@link LaneMath}: float64 on the Vector API's lanes against
     * float64 in plain Java (to rounding), float32 on each against float64 (to float precision),
     * with and without a row mask; each run asserts the lanes that ran.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("formulas")
    void formulaLanesAgree(CoupledCatalogue.Entry e) {
        CoupledCatalogue.Sample s = e.sample(new Random(5), DataType.DOUBLE);
        for (INDArray mask : new INDArray[] {null, s.maskOf(0)}) {
            String name = e + (mask == null ? "" : " masked");
            Object[] exact = lanesRun(e, s.labels, s.z, mask, true, DoubleArrayMath.class, name);
            List<Object[]> others = new ArrayList<>();
            others.add(lanesRun(e, s.labels, s.z.castTo(DataType.FLOAT), mask, true, FloatArrayMath.class, name));
            if (LaneMath.VECTOR) {
                others.add(lanesRun(e, s.labels, s.z, mask, false, DoubleVectorMath.class, name));
                others.add(lanesRun(e, s.labels, s.z.castTo(DataType.FLOAT), mask, false, FloatVectorMath.class, name));
            }
            for (Object[] other : others) {
                double tolerance = ((INDArray) other[1]).dataType() == DataType.DOUBLE ? 1e-12 : 2e-5;
                close((double) exact[0], (double) other[0], tolerance, name + " " + other[2] + ": score");
                close((INDArray) exact[1], (INDArray) other[1], tolerance, name + " " + other[2] + ": gradient");
            }
        }
    }

    private static Object[] lanesRun(CoupledCatalogue.Entry e, INDArray labels, INDArray z, INDArray mask, boolean portable,
                                     Class<?> lanes, String name) {
        LaneMath.portableOnly = portable;
        try {
            CoupledPath.lastLanes = null;
            var result = e.loss.computeGradientAndScore(labels, z, e.activation, mask, false);
            assertEquals(lanes, CoupledPath.lastLanes, name + ": lanes that ran");
            return new Object[] {result.getFirst(), result.getSecond(), lanes.getSimpleName()};
        } finally {
            LaneMath.portableOnly = false;
        }
    }

    static Stream<Arguments> benchmarks() {
        return java.util.Arrays.stream(BenchCase.values()).filter(c -> c.newLoss(false) instanceof CoupledLoss).map(Arguments::of);
    }

    /** Every coupled benchmark case at its full size: float32 against float64, asserting which formula ran. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("benchmarks")
    void float32AgreesWithFloat64AtBenchmarkSize(BenchCase c) {
        INDArray[] inputs = c.inputs(5);
        againstFloat64(c.newLoss(false), c.activation(), c.id(), inputs[1], inputs[0], null);
    }

    /**
     * A NaN (and, with the identity, an infinite value) in a kept row of any coupled loss is
     * rejected, naming its row and column (a NaN row used to drop out of a triplet mining and leave
     * a finite score); the same value in a masked unit is not read: the call equals the one with
     * zeros there. (What is checked is what the formula reads, the activation's output: tanh maps
     * an infinite pre-output to a finite 1.)
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("catalogue")
    void nonFiniteValuesInKeptRowsAreNamedAndMaskedOnesNotRead(CoupledCatalogue.Entry e) {
        CoupledCatalogue.Sample s = e.sample(new Random(3), DataType.FLOAT);
        int last = s.units.length - 1;
        int row = s.units[last][0];
        int column = (int) Math.min(1, s.z.size(1) - 1);
        boolean identity = e.activation instanceof ActivationIdentity;
        for (double bad : identity ? new double[] {Double.NaN, Double.POSITIVE_INFINITY} : new double[] {Double.NaN}) {
            INDArray z = s.z.dup();
            z.putScalar(row, column, bad);
            Assert.rejects(() -> e.loss.computeGradient(s.labels, z, e.activation, null), "preOutput", "finite",
                    "at row " + row + ", column " + column);
            Assert.rejects(() -> e.loss.computeScore(s.labels, z, e.activation, null, false), "preOutput", "at row " + row);
            INDArray mask = s.maskOf(last);
            INDArray zeros = s.z.dup();
            zeros.putScalar(row, column, 0);
            assertEquals(e.loss.computeGradient(s.labels, zeros, e.activation, mask),
                    e.loss.computeGradient(s.labels, z, e.activation, mask), e + ": a masked unit's values are not read");
        }
    }

    /**
     * One loss instance used with two activations whose formulas differ (Dice applies sigmoid or
     * softmax itself) gives what a fresh instance gives for each: its cache of formulas is keyed
     * by the whole setup, not by the formula's class.
     */
    @Test
    void oneLossWithTwoActivationsKeepsTheirFormulasApart() {
        INDArray z = Nd4j.randn(DataType.DOUBLE, 12, 3);
        INDArray labels = Nd4j.rand(DataType.DOUBLE, 12, 3);
        INDArray oneHot = Nd4j.zeros(DataType.DOUBLE, 12, 3);
        for (int r = 0; r < 12; r++) {
            oneHot.putScalar(r, r % 3, 1);
        }
        DiceLoss shared = DiceLoss.builder().rowsPerSample(4).build();
        double sigmoid = shared.computeScore(labels, z, new ActivationSigmoid(), null, false);
        double softmax = shared.computeScore(oneHot, z, new ActivationSoftmax(), null, false);
        assertEquals(DiceLoss.builder().rowsPerSample(4).build().computeScore(labels, z, new ActivationSigmoid(), null, false),
                sigmoid, 0);
        assertEquals(DiceLoss.builder().rowsPerSample(4).build().computeScore(oneHot, z, new ActivationSoftmax(), null, false),
                softmax, 0);
        assertTrue(sigmoid != softmax);
    }

    @Test
    void everyCoupledLossHasAFormula() {
        assertEquals(catalogue().count(), formulas().count());
        assertTrue(benchmarks().count() > 0);
    }

    @Test
    void badMarginRankingLabelsAreNamed() {
        MarginRankingLoss loss = new MarginRankingLoss();
        INDArray z = Nd4j.rand(DataType.FLOAT, 40, 2);
        INDArray labels = Nd4j.ones(DataType.FLOAT, 40, 1);
        labels.putScalar(37, 0, 0);
        Assert.rejects(() -> loss.computeGradient(labels, z, new ActivationIdentity(), null),
                "MarginRankingLoss", "labels", "-1 or +1", "at pair 37");
        labels.putScalar(37, 0, Double.NaN);
        Assert.rejects(() -> loss.computeScore(labels, z, new ActivationIdentity(), null, false),
                "MarginRankingLoss", "labels", "finite");
    }

    // ------------------------------------------------------------ GE2E: delicate cases and the layer's sink

    /** Speaker ids [n, 1] for the given speaker of each row. */
    private static INDArray ids(int... speaker) {
        float[] y = new float[speaker.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = speaker[i];
        }
        return Nd4j.create(y, new long[] {y.length, 1}, DataType.FLOAT);
    }

    private static List<Ge2eLoss> ge2eVariants() {
        return List.of(new Ge2eLoss(), Ge2eLoss.builder().variant(Ge2eLoss.Variant.CONTRAST).build());
    }

    @Test
    void ge2eZeroRowsAndVanishingLeaveOneOutSums() {
        // Row 1 is zero (clamped norm); speaker 0 has rows 0 and 1, so row 0's leave-one-out sum is 0.
        INDArray z = Nd4j.randn(DataType.FLOAT, 7, 5);
        z.getRow(1).assign(0);
        z.getRow(5).assign(0);
        INDArray labels = ids(0, 0, 1, 1, 2, 2, 2);
        for (Ge2eLoss loss : ge2eVariants()) {
            againstFloat64(loss, new ActivationIdentity(), "GE2E zero rows " + loss.getVariant(), labels, z, null);
        }
    }

    @Test
    void ge2eTiesLargeScalesAndOneSpeaker() {
        // Speakers 1 and 2 have the same rows: equal centroids, so CONTRAST's hardest speaker is a tie.
        INDArray z = Nd4j.randn(DataType.FLOAT, 6, 4);
        z.getRow(4).assign(z.getRow(2));
        z.getRow(5).assign(z.getRow(3));
        INDArray labels = ids(0, 0, 1, 1, 2, 2);
        for (Ge2eLoss loss : ge2eVariants()) {
            againstFloat64(loss, new ActivationIdentity(), "GE2E ties " + loss.getVariant(), labels, z, null);
            Ge2eLoss steep = loss.withParameters(500, -20, null);
            againstFloat64(steep, new ActivationIdentity(), "GE2E w = 500 " + loss.getVariant(), labels, z, null);
            againstFloat64(loss, new ActivationTanH(), "GE2E one speaker " + loss.getVariant(), ids(3, 3, 3, 3, 3, 3),
                    z, null);
        }
    }

    @Test
    void ge2eParameterGradientsAgreeInBothPrecisions() {
        CoupledCatalogue.Sample s = CoupledCatalogue.speakerSample(new Random(4), DataType.FLOAT,
                new int[] {3, 4, 3}, 6, false);
        INDArray mask = s.maskOf(3);
        for (Ge2eLoss loss : ge2eVariants()) {
            for (IActivation activation : List.of(new ActivationIdentity(), new ActivationTanH())) {
                Ge2eLoss.ParameterGradients exact = new Ge2eLoss.ParameterGradients();
                Ge2eLoss.ParameterGradients single = new Ge2eLoss.ParameterGradients();
                String name = "GE2E sink " + loss.getVariant() + " " + activation;
                INDArray exactGradient = lanesRun(loss.withParameters(7, -2, exact), activation, s.labels,
                        s.z.castTo(DataType.DOUBLE), mask, DataType.DOUBLE, name);
                INDArray gradient = lanesRun(loss.withParameters(7, -2, single), activation, s.labels, s.z, mask, DataType.FLOAT,
                        name);
                close(exactGradient, gradient, TOLERANCE, name + ": gradient");
                close(exact.w(), single.w(), TOLERANCE, name + ": d/dw");
                close(exact.b(), single.b(), TOLERANCE, name + ": d/db");
                if (loss.getVariant() == Ge2eLoss.Variant.CONTRAST) {
                    assertTrue(single.b() != 0, name + ": CONTRAST depends on b");
                }
            }
        }
    }

    /** The gradient of one run, asserting that the coupled formula ran in this precision. */
    private static INDArray lanesRun(ILossFunction loss, IActivation activation, INDArray labels, INDArray z, INDArray mask,
                                     DataType type, String name) {
        CoupledPath.lastLanes = null;
        INDArray gradient = loss.computeGradient(labels, z, activation, mask);
        assertEquals(type, LaneMath.of(type).dataType(), name);
        assertEquals(LaneMath.of(type).getClass(), CoupledPath.lastLanes, name + ": the " + type + " formula ran");
        return gradient;
    }

    /**
     * The coupled formula in float32 against float64 on the same batch (whose ties are exact in
     * both precisions), asserting that each ran: score, score array and gradient.
     */
    private static void againstFloat64(ILossFunction loss, IActivation activation, String what, INDArray labels, INDArray z,
                                       INDArray mask) {
        INDArray z64 = z.castTo(DataType.DOUBLE);
        INDArray exact = lanesRun(loss, activation, labels, z64, mask, DataType.DOUBLE, what);
        INDArray single = lanesRun(loss, activation, labels, z, mask, DataType.FLOAT, what);
        close(exact, single, TOLERANCE, what + ": gradient");
        close(loss.computeScore(labels, z64, activation, mask, false), loss.computeScore(labels, z, activation, mask, false),
                TOLERANCE, what + ": score");
        close(loss.computeScoreArray(labels, z64, activation, mask), loss.computeScoreArray(labels, z, activation, mask),
                TOLERANCE, what + ": score array");
    }

    // ------------------------------------------------------------ Dice: layouts, labels and extremes

    private static INDArray classIndices(Random random, int rows, int classes) {
        float[] y = new float[rows];
        for (int r = 0; r < rows; r++) {
            y[r] = random.nextInt(classes);
        }
        return Nd4j.create(y, new long[] {rows, 1}, DataType.FLOAT);
    }

    /** Rows 1 and 6 masked (inside images 0 and 1 of 4 rows), and all of image 2 (rows 8..11). */
    private static INDArray partialMask(int rows) {
        INDArray mask = Nd4j.ones(DataType.FLOAT, rows, 1);
        for (int r : new int[] {1, 6, 8, 9, 10, 11}) {
            mask.putScalar(r, 0, 0);
        }
        return mask;
    }

    private static List<OverlapLoss> diceVariants(int rowsPerSample) {
        return List.of(DiceLoss.builder().rowsPerSample(rowsPerSample).build(),
                DiceLoss.builder().rowsPerSample(rowsPerSample).squaredDenominator(true).smooth(0.25).build(),
                DiceLoss.builder().rowsPerSample(rowsPerSample).includeBackground(false).weights(3, 0.5, 2).build(),
                // Without smoothing a fully masked image's Dice is defined as 1/1, not 0/0.
                DiceLoss.builder().rowsPerSample(rowsPerSample).smooth(0).build(),
                TverskyLoss.builder().rowsPerSample(rowsPerSample).alpha(0.3).beta(0.7).gamma(4.0 / 3).build(),
                TverskyLoss.builder().rowsPerSample(rowsPerSample).smooth(0).gamma(2).weights(3, 0.5, 2).build(),
                GeneralizedDiceLoss.builder().rowsPerSample(rowsPerSample).build(),
                GeneralizedDiceLoss.builder().rowsPerSample(rowsPerSample).smooth(0)
                        .weighting(GeneralizedDiceLoss.Weighting.UNIFORM).build(),
                DiceCrossEntropyLoss.builder().rowsPerSample(rowsPerSample).gamma(2).lambdaCrossEntropy(0.5).build());
    }

    @Test
    void diceClassIndicesAndPartlyMaskedImages() {
        Random random = new Random(7);
        INDArray z = Nd4j.randn(DataType.FLOAT, 16, 3).muli(2);
        INDArray indices = classIndices(random, 16, 3);
        for (int rowsPerSample : new int[] {0, 4}) {
            for (OverlapLoss loss : diceVariants(rowsPerSample)) {
                String name = "Dice " + loss;
                againstFloat64(loss, new ActivationSoftmax(), name + " class indices", indices, z, null);
                againstFloat64(loss, new ActivationSoftmax(), name + " class indices", indices, z, partialMask(16));
                INDArray soft = Nd4j.rand(DataType.FLOAT, 16, 3);
                againstFloat64(loss, new ActivationSigmoid(), name + " sigmoid", soft, z, partialMask(16));
                if (!(loss instanceof DiceCrossEntropyLoss)) {
                    againstFloat64(loss, new ActivationIdentity(), name + " identity", soft, Nd4j.rand(DataType.FLOAT, 16, 3),
                            partialMask(16));
                }
            }
        }
    }

    @Test
    void diceExtremeLogitsAndNoSmoothing() {
        Random random = new Random(8);
        INDArray z = Nd4j.randn(DataType.FLOAT, 12, 3);
        // Rows whose exp sum overflows or underflows unshifted; a row of equal large logits.
        z.getRow(0).assign(Nd4j.createFromArray(200f, 150f, -3f));
        z.getRow(5).assign(Nd4j.createFromArray(-300f, -250f, -260f));
        z.getRow(7).assign(1e4f);
        INDArray indices = classIndices(random, 12, 3);
        for (OverlapLoss loss : List.of(DiceLoss.builder().rowsPerSample(4).build(), DiceLoss.builder().smooth(0).build(),
                DiceLoss.builder().smooth(0).rowsPerSample(4).squaredDenominator(true).build(),
                DiceCrossEntropyLoss.builder().rowsPerSample(4).build(), DiceCrossEntropyLoss.builder().gamma(2).build())) {
            againstFloat64(loss, new ActivationSoftmax(), "Dice extreme logits " + loss, indices, z, null);
            againstFloat64(loss, new ActivationSigmoid(), "Dice extreme logits " + loss,
                    Nd4j.rand(DataType.FLOAT, 12, 3), z, null);
        }
    }

    @Test
    void diceLabelsOutsideTheDomainAreNamed() {
        DiceLoss loss = DiceLoss.builder().rowsPerSample(4).build();
        INDArray z = Nd4j.randn(DataType.FLOAT, 8, 3);
        INDArray oneHot = Nd4j.zeros(DataType.FLOAT, 8, 3);
        oneHot.putScalar(5, 1, 1.5);
        Assert.rejects(() -> loss.computeGradient(oneHot, z, new ActivationSoftmax(), null),
                "DiceLoss", "labels", "[0, 1]");
        INDArray indices = Nd4j.zeros(DataType.FLOAT, 8, 1);
        indices.putScalar(6, 0, 3);
        Assert.rejects(() -> loss.computeScore(indices, z, new ActivationSoftmax(), null, false),
                "DiceLoss", "labels", "class indices", "at row 6");
        INDArray valid = Nd4j.rand(DataType.FLOAT, 8, 3);
        INDArray nan = valid.dup();
        nan.putScalar(2, 0, Double.NaN);
        Assert.rejects(() -> loss.computeGradient(nan, z, new ActivationSigmoid(), null), "DiceLoss", "labels", "NaN");
        // A masked row's labels are not read.
        INDArray mask = Nd4j.ones(DataType.FLOAT, 8, 1);
        mask.putScalar(2, 0, 0);
        assertEquals(loss.computeGradient(valid, z, new ActivationSigmoid(), mask),
                loss.computeGradient(nan, z, new ActivationSigmoid(), mask));
        // Without smoothing, a class absent from an image's prediction and labels is 0/0.
        DiceLoss unsmoothed = DiceLoss.builder().smooth(0).build();
        Assert.rejects(() -> unsmoothed.computeScore(Nd4j.zeros(DataType.FLOAT, 8, 3), Nd4j.zeros(DataType.FLOAT, 8, 3),
                new ActivationIdentity(), null, false), "DiceLoss", "labels", "an empty class");
    }
}
