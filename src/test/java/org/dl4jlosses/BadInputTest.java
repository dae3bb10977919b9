package org.dl4jlosses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.dl4jlosses.testing.Assert.close;
import static org.dl4jlosses.testing.Assert.rejects;

import java.util.function.Supplier;
import org.dl4jlosses.classification.AsymmetricLoss;
import org.dl4jlosses.classification.BinaryCrossEntropyLoss;
import org.dl4jlosses.classification.CrossEntropyLoss;
import org.dl4jlosses.classification.FocalLoss;
import org.dl4jlosses.classification.HingeLoss;
import org.dl4jlosses.classification.KlDivergenceLoss;
import org.dl4jlosses.classification.PolyLoss;
import org.dl4jlosses.regression.GaussianNllLoss;
import org.dl4jlosses.regression.HuberLoss;
import org.dl4jlosses.regression.LogCoshLoss;
import org.dl4jlosses.regression.MaeLoss;
import org.dl4jlosses.regression.MeanBiasError;
import org.dl4jlosses.regression.MseLoss;
import org.dl4jlosses.regression.PoissonNllLoss;
import org.dl4jlosses.regression.QuantileLoss;
import org.dl4jlosses.segmentation.DiceCrossEntropyLoss;
import org.dl4jlosses.segmentation.GeneralizedDiceLoss;
import org.dl4jlosses.segmentation.TverskyLoss;
import org.dl4jlosses.regression.SmoothL1Loss;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/** Bad input and bad options: an IllegalArgumentException naming the loss, the argument, what was expected and what came. */
class BadInputTest {
    private static final IActivation SOFTMAX = new ActivationSoftmax();
    private static final IActivation SIGMOID = new ActivationSigmoid();
    private static final IActivation IDENTITY = new ActivationIdentity();

    /** All four entry points reject the input with the same message. */
    private static void rejectsEverywhere(ILossFunction loss, INDArray labels, INDArray z, IActivation act, INDArray mask,
                                          String... fragments) {
        rejects(() -> loss.computeScore(labels, z, act, mask, true), fragments);
        rejects(() -> loss.computeScoreArray(labels, z, act, mask), fragments);
        rejects(() -> loss.computeGradient(labels, z, act, mask), fragments);
        rejects(() -> loss.computeGradientAndScore(labels, z, act, mask, true), fragments);
    }

    private static INDArray z(long rows, long columns) {
        return Nd4j.randn(DataType.FLOAT, rows, columns);
    }

    private static INDArray oneHot(int rows, int columns) {
        INDArray y = Nd4j.zeros(DataType.FLOAT, rows, columns);
        for (int i = 0; i < rows; i++) {
            y.putScalar(i, i % columns, 1);
        }
        return y;
    }

    @Test
    void labelShapeMismatchNamesBothShapes() {
        rejectsEverywhere(new FocalLoss(), Nd4j.zeros(DataType.FLOAT, 256, 9), z(256, 10), SIGMOID, null,
                "FocalLoss: labels must be [256, 10] like preOutput", "got [256, 9]");
        rejectsEverywhere(new MseLoss(), Nd4j.zeros(DataType.FLOAT, 4, 3), z(5, 3), IDENTITY, null, "MseLoss: labels", "[4, 3]");
        rejectsEverywhere(new CrossEntropyLoss(), Nd4j.zeros(DataType.FLOAT, 4, 2), z(4, 3), SOFTMAX, null,
                "CrossEntropyLoss: labels", "class indices [4, 1]", "got [4, 2]");
        rejectsEverywhere(new MaeLoss(), Nd4j.zeros(DataType.FLOAT, 4), z(4, 1), IDENTITY, null, "MaeLoss: labels", "got [4]");
    }

    @Test
    void preOutputMustBeAFloatingMatrix() {
        rejectsEverywhere(new MseLoss(), Nd4j.zeros(DataType.FLOAT, 2, 3, 4), Nd4j.zeros(DataType.FLOAT, 2, 3, 4), IDENTITY, null,
                "MseLoss: preOutput must be rank 2", "got rank 3 [2, 3, 4]");
        rejectsEverywhere(new MseLoss(), Nd4j.zeros(DataType.INT, 2, 3), Nd4j.zeros(DataType.INT, 2, 3), IDENTITY, null,
                "MseLoss: preOutput must be a floating-point array", "INT");
        rejectsEverywhere(new CrossEntropyLoss(), Nd4j.zeros(DataType.FLOAT, 2, 1), z(2, 1), SOFTMAX, null,
                "CrossEntropyLoss: preOutput must be at least 2 columns");
        rejects(() -> new MseLoss().computeScore(null, z(2, 2), IDENTITY, null, true), "MseLoss: labels", "null");
        rejects(() -> new MseLoss().computeScore(z(2, 2), null, IDENTITY, null, true), "MseLoss: preOutput", "null");
        rejects(() -> new MseLoss().computeScore(z(2, 2), z(2, 2), null, null, true), "MseLoss: activationFn", "null");
    }

    @Test
    void masksMustFit() {
        rejectsEverywhere(new MseLoss(), z(4, 3), z(4, 3), IDENTITY, Nd4j.ones(DataType.FLOAT, 4, 2),
                "MseLoss: mask must be a row mask [4, 1] or an element mask [4, 3]", "got [4, 2]");
        rejectsEverywhere(new CrossEntropyLoss(), oneHot(4, 3), z(4, 3), SOFTMAX, Nd4j.ones(DataType.FLOAT, 4, 3),
                "CrossEntropyLoss: mask must be a row mask [4, 1] (this loss takes no element mask)", "got [4, 3]");
        rejectsEverywhere(new HingeLoss(), z(4, 3).assign(1), z(4, 3), IDENTITY, Nd4j.ones(DataType.FLOAT, 3, 1),
                "HingeLoss: mask", "got [3, 1]");
    }

    @Test
    void elementMasksNeedAnElementWiseLoss() {
        rejectsEverywhere(HingeLoss.builder().mode(HingeLoss.Mode.CRAMMER_SINGER).build(), oneHot(4, 3), z(4, 3), SOFTMAX,
                Nd4j.ones(DataType.FLOAT, 4, 3), "HingeLoss: mask must be a row mask [4, 1]", "got [4, 3]");
    }

    @Test
    void nanLabelsAreRejectedOutsideMaskedRowsOnly() {
        INDArray z = z(2, 2);
        rejectsEverywhere(new CrossEntropyLoss(), Nd4j.createFromArray(new float[][] {{1}, {Float.NaN}}), z, SOFTMAX, null,
                "CrossEntropyLoss: labels", "got NaN at row 1");
        rejectsEverywhere(new CrossEntropyLoss(), Nd4j.createFromArray(new float[][] {{1, 0}, {Float.NaN, 1}}), z, SOFTMAX, null,
                "CrossEntropyLoss: labels", "got NaN at row 1, column 0");
        // A masked row is not data: its labels are not read.
        INDArray mask = Nd4j.createFromArray(new float[][] {{1}, {0}});
        double masked = new CrossEntropyLoss().computeScore(Nd4j.createFromArray(new float[][] {{1}, {Float.NaN}}), z, SOFTMAX,
                mask, false);
        double firstRow = new CrossEntropyLoss().computeScore(Nd4j.createFromArray(new float[][] {{1}}), z.getRow(0, true),
                SOFTMAX, null, false);
        assertEquals(firstRow, masked, 1e-6);
    }


    static java.util.List<org.dl4jlosses.testing.Catalogue.Entry> entries() {
        return org.dl4jlosses.testing.Catalogue.pointwise();
    }

    /** A mask keeps or removes: NaN, infinity, -1, 0.5 and 2 are rejected, in row and element masks, float32 and float64. */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("entries")
    void masksHoldZerosAndOnesOnly(org.dl4jlosses.testing.Catalogue.Entry e) {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            java.util.Random random = new java.util.Random(3);
            INDArray z = e.z(random, 5, 4, type);
            INDArray labels = e.labels(random, 5, 4, type);
            for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, -1, 0.5, 2}) {
                INDArray rowMask = Nd4j.ones(type, 5, 1);
                rowMask.putScalar(3, 0, bad);
                rejectsEverywhere(e.loss, labels, z, e.activation, rowMask, e.loss.getClass().getSimpleName() + ": mask must be 0 or 1",
                        "got " + bad + " at row 3");
                if (e.elementWise) {
                    INDArray elementMask = Nd4j.ones(type, 5, 4);
                    elementMask.putScalar(2, 1, 0);
                    elementMask.putScalar(3, 2, bad);
                    rejectsEverywhere(e.loss, labels, z, e.activation, elementMask, "mask must be 0 or 1",
                            "got " + bad + " at row 3, column 2");
                }
            }
        }
    }

    @Test
    void classIndicesMustBeInRange() {
        INDArray outOfRange = Nd4j.createFromArray(new float[][] {{0}, {3}, {1}});
        rejectsEverywhere(new CrossEntropyLoss(), outOfRange, z(3, 3), SOFTMAX, null,
                "CrossEntropyLoss: labels must be class indices in 0..2", "got 3.0 at row 1");
        rejectsEverywhere(new CrossEntropyLoss(), Nd4j.createFromArray(new float[][] {{0}, {1.5f}, {1}}), z(3, 3), SOFTMAX, null,
                "got 1.5 at row 1");
        rejectsEverywhere(new FocalLoss(), Nd4j.createFromArray(new float[][] {{-1}, {0}, {1}}), z(3, 3), SOFTMAX, null,
                "FocalLoss: labels", "got -1.0 at row 0");
        // a masked row may hold anything
        new CrossEntropyLoss().computeScore(outOfRange, z(3, 3), SOFTMAX, Nd4j.createFromArray(new float[][] {{1}, {0}, {1}}), true);
    }

    @Test
    void probabilitiesMustBeInTheUnitInterval() {
        INDArray bad = Nd4j.createFromArray(new float[][] {{0, 1.5f}, {1, 0}});
        rejectsEverywhere(new BinaryCrossEntropyLoss(), bad, z(2, 2), SIGMOID, null,
                "BinaryCrossEntropyLoss: labels must be probabilities in [0, 1]", "got 1.5 at row 0, column 1");
        rejectsEverywhere(new CrossEntropyLoss(), Nd4j.createFromArray(new float[][] {{-0.5f, 1.5f}, {1, 0}}), z(2, 2), SOFTMAX, null,
                "CrossEntropyLoss: labels must be one-hot or probability rows", "got values in [-0.5, 1.5]");
        rejectsEverywhere(new PolyLoss(), bad, z(2, 2), SIGMOID, null, "PolyLoss: labels must be probabilities in [0, 1]");
    }

    @Test
    void hingeLabelsAreMinusOneZeroOrOne() {
        // 0 and -1 both stand for the negative class, within one batch too.
        INDArray z = z(2, 2);
        close(new HingeLoss().computeScore(Nd4j.createFromArray(new float[][] {{-1, -1}, {1, 1}}), z, IDENTITY, null, true),
                new HingeLoss().computeScore(Nd4j.createFromArray(new float[][] {{-1, 0}, {1, 1}}), z, IDENTITY, null, true),
                0, "0 read as -1");
        rejectsEverywhere(new HingeLoss(), Nd4j.createFromArray(new float[][] {{0.5f, 0}, {1, 1}}), z(2, 2), IDENTITY, null,
                "HingeLoss: labels must be -1, 0 or +1 (0 read as -1)", "got 0.5 at row 0, column 0");
        rejectsEverywhere(new HingeLoss(), Nd4j.createFromArray(new float[][] {{1, 1}, {1, 2}}), z(2, 2), IDENTITY, null,
                "HingeLoss: labels", "got 2.0 at row 1, column 1");
        // rows excluded by a row mask are not checked
        new HingeLoss().computeScore(Nd4j.createFromArray(new float[][] {{-1, 1}, {0.5f, 7}}), z(2, 2), IDENTITY,
                Nd4j.createFromArray(new float[][] {{1}, {0}}), true);
    }

    @Test
    void multiClassHingeNeedsExactlyOneClass() {
        HingeLoss cs = HingeLoss.builder().mode(HingeLoss.Mode.CRAMMER_SINGER).build();
        rejectsEverywhere(cs, Nd4j.createFromArray(new float[][] {{1, 1, 0}, {0, 1, 0}}), z(2, 3), IDENTITY, null,
                "HingeLoss: labels must be one-hot rows (exactly one 1 per row)", "a row with 2 ones at row 0");
        rejectsEverywhere(HingeLoss.builder().mode(HingeLoss.Mode.WESTON_WATKINS).build(),
                Nd4j.createFromArray(new float[][] {{0.5f, 0.5f, 0}, {0, 1, 0}}), z(2, 3), IDENTITY, null, "not all 0 or 1");
    }

    @Test
    void nanLabelsAreRejectedByEveryLoss() {
        INDArray nan = Nd4j.createFromArray(new float[][] {{0, 1}, {Float.NaN, 0}});
        for (ILossFunction loss : new ILossFunction[] {new CrossEntropyLoss(), new BinaryCrossEntropyLoss(), new FocalLoss(),
                new PolyLoss(), new HingeLoss(), new MaeLoss(), new MseLoss(), new HuberLoss(), new SmoothL1Loss()}) {
            IActivation act = loss instanceof CrossEntropyLoss ? SOFTMAX : loss instanceof HingeLoss || loss.name().endsWith("Loss")
                    && loss.getClass().getPackageName().endsWith("regression") ? IDENTITY : SIGMOID;
            rejectsEverywhere(loss, nan, z(2, 2), act, null, loss.name() + ": labels", "got NaN");
        }
        // large arrays take the native path
        INDArray big = Nd4j.zeros(DataType.FLOAT, 200, 100);
        big.putScalar(150, 20, Float.NaN);
        rejectsEverywhere(new MseLoss(), big, z(200, 100), IDENTITY, null, "MseLoss: labels must be finite", "got NaN");
        big.putScalar(150, 20, Float.POSITIVE_INFINITY);
        rejectsEverywhere(new MseLoss(), big, z(200, 100), IDENTITY, null, "got an infinite value");
        big.putScalar(150, 20, 2f);
        rejectsEverywhere(new BinaryCrossEntropyLoss(), big, z(200, 100), SIGMOID, null, "got 2.0 at row 150, column 20");
        // large hinge labels, split over threads: a bad one is named wherever it is
        INDArray signed = Nd4j.ones(DataType.FLOAT, 200, 100);
        signed.getRow(3).assign(-1);
        signed.putScalar(7, 7, 0f);
        new HingeLoss().computeScore(signed, z(200, 100), IDENTITY, null, true);
        signed.putScalar(170, 7, 0.5f);
        rejectsEverywhere(new HingeLoss(), signed, z(200, 100), IDENTITY, null, "HingeLoss: labels", "got 0.5 at row 170, column 7");
    }

    @Test
    void weightsMustMatchTheColumns() {
        rejectsEverywhere(MseLoss.builder().weights(1, 2).build(), z(3, 3), z(3, 3), IDENTITY, null,
                "MseLoss: weights must be of length 3", "got length 2");
        rejectsEverywhere(CrossEntropyLoss.builder().weights(1, 2).build(), oneHot(3, 3), z(3, 3), SOFTMAX, null,
                "CrossEntropyLoss: weights must be of length 3");
        rejectsEverywhere(BinaryCrossEntropyLoss.builder().posWeight(1, 2).build(), oneHot(3, 3), z(3, 3), SIGMOID, null,
                "BinaryCrossEntropyLoss: posWeight must be of length 3");
    }

    @Test
    void unsupportedActivations() {
        rejectsEverywhere(new FocalLoss(), oneHot(3, 3), z(3, 3), new ActivationTanH(), null,
                "FocalLoss: activationFn must be softmax (multi-class form) or sigmoid (per-element form)", "got tanh");
        rejectsEverywhere(new PolyLoss(), oneHot(3, 3), z(3, 3), IDENTITY, null, "PolyLoss: activationFn");
        rejectsEverywhere(PolyLoss.builder().alpha(0.25).build(), oneHot(3, 3), z(3, 3), SOFTMAX, null,
                "PolyLoss: alpha must be -1 (off) with a softmax activation", "got 0.25");
    }

    @Test
    void badOptionsFailAtBuild() {
        optionRejected(() -> FocalLoss.builder().gamma(-1).build(), "FocalLoss: gamma must be finite and >= 0.0, got -1.0");
        optionRejected(() -> FocalLoss.builder().alpha(1.5).build(), "FocalLoss: alpha", "got 1.5");
        optionRejected(() -> FocalLoss.builder().weights(1, -1).build(), "FocalLoss: weights", "[1.0, -1.0]");
        optionRejected(() -> FocalLoss.builder().weights().build(), "FocalLoss: weights", "empty");
        optionRejected(() -> CrossEntropyLoss.builder().labelSmoothing(1.5).build(), "CrossEntropyLoss: labelSmoothing must be in [0.0, 1.0], got 1.5");
        optionRejected(() -> CrossEntropyLoss.builder().labelSmoothing(Double.NaN).build(), "CrossEntropyLoss: labelSmoothing", "NaN");
        optionRejected(() -> BinaryCrossEntropyLoss.builder().posWeight(1, 0).build(), "BinaryCrossEntropyLoss: posWeight must be > 0");
        optionRejected(() -> BinaryCrossEntropyLoss.builder().weights(Double.POSITIVE_INFINITY).build(), "BinaryCrossEntropyLoss: weights");
        optionRejected(() -> PolyLoss.builder().epsilon(-2).build(), "PolyLoss: epsilon must be finite and >= -1.0, got -2.0");
        optionRejected(() -> PolyLoss.builder().gamma(Double.NaN).build(), "PolyLoss: gamma");
        optionRejected(() -> HingeLoss.builder().margin(-1).build(), "HingeLoss: margin");
        optionRejected(() -> HingeLoss.builder().mode(null).build(), "HingeLoss: mode must be non-null");
        optionRejected(() -> HuberLoss.builder().delta(0).build(), "HuberLoss: delta must be finite and > 0, got 0.0");
        optionRejected(() -> SmoothL1Loss.builder().beta(-0.5).build(), "SmoothL1Loss: beta");
        optionRejected(() -> MaeLoss.builder().weights(Double.NaN).build(), "MaeLoss: weights");
    }

    @Test
    void addedLossesRejectTheirBadInputs() {
        // Labels outside each loss's domain, named with row and column.
        rejectsEverywhere(new PoissonNllLoss(), Nd4j.createFromArray(new float[][] {{1, 2}, {3, -1}}), z(2, 2), IDENTITY, null,
                "PoissonNllLoss: labels must be counts: finite and >= 0", "got -1.0 at row 1, column 1");
        rejectsEverywhere(new AsymmetricLoss(), Nd4j.createFromArray(new float[][] {{1, 0}, {1.5f, 0}}), z(2, 2), SIGMOID, null,
                "AsymmetricLoss: labels must be probabilities in [0, 1]", "got 1.5 at row 1, column 0");
        rejectsEverywhere(new LogCoshLoss(), Nd4j.createFromArray(new float[][] {{1, 0}, {Float.NaN, 0}}), z(2, 2), IDENTITY,
                null, "LogCoshLoss: labels must be finite", "got NaN at row 1, column 0");
        rejectsEverywhere(new KlDivergenceLoss(), Nd4j.createFromArray(new float[][] {{0.5f, 0.5f}, {1.5f, -0.5f}}), z(2, 2),
                SOFTMAX, null, "KlDivergenceLoss: labels");
        // Activations the loss has no form for.
        rejectsEverywhere(new AsymmetricLoss(), oneHot(3, 3), z(3, 3), SOFTMAX, null,
                "AsymmetricLoss: activationFn must be sigmoid (one independent probability per label)", "got softmax");
        rejectsEverywhere(new KlDivergenceLoss(), oneHot(3, 3), z(3, 3), SIGMOID, null,
                "KlDivergenceLoss: activationFn must be softmax (the loss works on its logits)", "got sigmoid");
        // Element masks only where the loss is a mean of element terms.
        rejectsEverywhere(new KlDivergenceLoss(), oneHot(3, 3), z(3, 3), SOFTMAX, Nd4j.ones(DataType.FLOAT, 3, 3),
                "KlDivergenceLoss: mask");
        // Options out of range fail at build().
        optionRejected(() -> KlDivergenceLoss.builder().temperature(0).build(), "KlDivergenceLoss: temperature must be finite and > 0");
        optionRejected(() -> AsymmetricLoss.builder().clip(1).build(), "AsymmetricLoss: clip", "got 1.0");
        optionRejected(() -> AsymmetricLoss.builder().gammaNegative(-1).build(), "AsymmetricLoss: gammaNegative");
        optionRejected(() -> AsymmetricLoss.builder().gammaPositive(Double.NaN).build(), "AsymmetricLoss: gammaPositive");
        optionRejected(() -> PoissonNllLoss.builder().eps(0).build(), "PoissonNllLoss: eps must be finite and > 0");
        // QuantileLoss: Q columns of preOutput per label column.
        QuantileLoss interval = QuantileLoss.builder().quantiles(0.1, 0.5, 0.9).build();
        rejectsEverywhere(interval, z(4, 6), z(4, 6), IDENTITY, null,
                "QuantileLoss: labels must be [4, 2] (one column per 3 columns of preOutput [4, 6])", "got [4, 6]");
        rejectsEverywhere(interval, z(4, 2), z(4, 5), IDENTITY, null,
                "QuantileLoss: preOutput must be [rows, 3 x targets] (3 columns per label column)", "got [4, 5]");
        rejectsEverywhere(interval, z(4, 2), z(4, 6), IDENTITY, Nd4j.ones(DataType.FLOAT, 4, 4), "QuantileLoss: mask");
        optionRejected(() -> QuantileLoss.builder().quantiles(0.5, 1.0).build(), "QuantileLoss: quantiles", "[0.5, 1.0]");
        optionRejected(() -> QuantileLoss.builder().quantiles().build(), "QuantileLoss: quantiles", "empty");
        optionRejected(() -> QuantileLoss.builder().quantiles((double[]) null).build(),
                "QuantileLoss: quantiles must be at least one level in (0, 1), got null");
        rejectsEverywhere(new GaussianNllLoss(), z(4, 3), z(4, 4), IDENTITY, null,
                "GaussianNllLoss: labels must be [4, 2] (one column per 2 columns of preOutput [4, 4])", "got [4, 3]");
        rejectsEverywhere(new GaussianNllLoss(), Nd4j.createFromArray(new float[][] {{1, 2}, {Float.NaN, 0}}), z(2, 4),
                IDENTITY, null, "GaussianNllLoss: labels must be finite", "got NaN at row 1, column 0");
        rejectsEverywhere(new GaussianNllLoss(), z(2, 2), z(2, 4), IDENTITY, Nd4j.ones(DataType.FLOAT, 2, 2),
                "GaussianNllLoss: mask");
        optionRejected(() -> GaussianNllLoss.builder().eps(0).build(), "GaussianNllLoss: eps must be finite and > 0");
        optionRejected(() -> GaussianNllLoss.builder().variance(null).build(), "GaussianNllLoss: variance must be non-null");
        optionRejected(() -> GeneralizedDiceLoss.builder().weighting(null).build(),
                "GeneralizedDiceLoss: weighting must be non-null");
        optionRejected(() -> GeneralizedDiceLoss.builder().smooth(-1).build(), "GeneralizedDiceLoss: smooth");
        optionRejected(() -> TverskyLoss.builder().alpha(-0.1).build(), "TverskyLoss: alpha must be finite and >= 0, got -0.1");
        optionRejected(() -> TverskyLoss.builder().gamma(0).build(), "TverskyLoss: gamma must be finite and > 0");
        optionRejected(() -> TverskyLoss.builder().rowsPerSample(-1).build(), "TverskyLoss: rowsPerSample");
        rejectsEverywhere(TverskyLoss.builder().rowsPerSample(4).build(), oneHot(6, 3), z(6, 3), SOFTMAX, null,
                "TverskyLoss: preOutput must be a multiple of rowsPerSample = 4 rows (whole images)", "got 6 rows");
        rejectsEverywhere(new TverskyLoss(), Nd4j.createFromArray(new float[][] {{0.5f, 1}, {1.5f, 0}}), z(2, 2), SIGMOID,
                null, "TverskyLoss: labels must be probabilities in [0, 1]", "got 1.5 at row 1, column 0");
        // DiceCrossEntropyLoss: the cross-entropy term's checks name it too.
        rejectsEverywhere(new DiceCrossEntropyLoss(), oneHot(4, 3), z(4, 3), IDENTITY, null,
                "DiceCrossEntropyLoss: activationFn must be softmax (classes) or sigmoid (channels)");
        rejectsEverywhere(new DiceCrossEntropyLoss(), Nd4j.createFromArray(new float[][] {{0.5f, 1}, {1.5f, 0}}), z(2, 2),
                SIGMOID, null, "DiceCrossEntropyLoss: labels must be probabilities in [0, 1]", "got 1.5 at row 1, column 0");
        rejectsEverywhere(DiceCrossEntropyLoss.builder().lambdaDice(0).build(), Nd4j.createFromArray(new float[][] {{3}, {0}}),
                z(2, 3), SOFTMAX, null, "DiceCrossEntropyLoss: labels", "3");
        rejectsEverywhere(DiceCrossEntropyLoss.builder().rowsPerSample(4).build(), oneHot(6, 3), z(6, 3), SOFTMAX, null,
                "DiceCrossEntropyLoss: preOutput must be a multiple of rowsPerSample = 4 rows (whole images)");
        rejectsEverywhere(new DiceCrossEntropyLoss(), oneHot(4, 3), z(4, 3), SOFTMAX, Nd4j.ones(DataType.FLOAT, 4, 3),
                "DiceCrossEntropyLoss: mask");
        optionRejected(() -> DiceCrossEntropyLoss.builder().gamma(-1).build(), "DiceCrossEntropyLoss: gamma must be finite and >= 0");
        optionRejected(() -> DiceCrossEntropyLoss.builder().lambdaCrossEntropy(Double.NaN).build(),
                "DiceCrossEntropyLoss: lambdaCrossEntropy must be finite and >= 0");
    }

    private static void optionRejected(Supplier<?> build, String... fragments) {
        rejects(build::get, fragments);
    }

    @Test
    void meanBiasErrorChecksItsInputs() {
        rejects(() -> MeanBiasError.of(z(3, 2), z(3, 3)), "MeanBiasError: labels must be [3, 3] like predictions", "got [3, 2]");
        rejects(() -> MeanBiasError.of(z(3, 3), z(3, 3), Nd4j.ones(DataType.FLOAT, 2, 1)), "MeanBiasError: mask", "got [2, 1]");
        rejects(() -> MeanBiasError.of(z(3, 3), z(3, 3), Nd4j.zeros(DataType.FLOAT, 3, 1)), "MeanBiasError: mask", "zeros");
        INDArray nan = z(3, 3);
        nan.putScalar(1, 1, Float.NaN);
        rejects(() -> MeanBiasError.of(nan, z(3, 3)), "MeanBiasError", "NaN");
    }
}
