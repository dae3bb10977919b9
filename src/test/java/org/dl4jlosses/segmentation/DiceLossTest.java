package org.dl4jlosses.segmentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.dl4jlosses.integration.SingleThreaded;
import org.dl4jlosses.testing.Assert;
import org.dl4jlosses.testing.DoublePrecision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;

/**
 * DiceLoss where it lives, behind a {@code CnnLossLayer} with {@code rowsPerSample = H x W}: the
 * network's score is the mean per-image Dice loss (computed here independently from the NCHW
 * arrays), DL4J's gradient check passes, training raises the Dice coefficient; and its bad input
 * and edge cases.
 */
@ExtendWith({SingleThreaded.class, DoublePrecision.class})
class DiceLossTest {
    private static final int MB = 3;
    private static final int CH_IN = 2;
    private static final int H = 4;
    private static final int W = 4;
    private static final int CLASSES = 2;




    private static MultiLayerNetwork cnn(DiceLoss loss, IActivation activation, IUpdater updater) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(3).dataType(DataType.DOUBLE).updater(updater).weightInit(WeightInit.XAVIER).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nIn(CH_IN).nOut(CLASSES).stride(1, 1)
                        .convolutionMode(ConvolutionMode.Same).activation(new ActivationIdentity()).build())
                .layer(new CnnLossLayer.Builder(loss).activation(activation).build())
                .setInputType(InputType.convolutional(H, W, CH_IN))
                .build());
        net.init();
        return net;
    }

    /** Images whose label is a blob where the first input channel is high: learnable by one convolution. */
    private static DataSet images(long seed, boolean masked) {
        Random rnd = new Random(seed);
        INDArray x = Nd4j.zeros(DataType.DOUBLE, MB, CH_IN, H, W);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, MB, CLASSES, H, W);
        for (int n = 0; n < MB; n++) {
            for (int i = 0; i < H; i++) {
                for (int j = 0; j < W; j++) {
                    boolean fg = rnd.nextDouble() < 0.35;
                    x.putScalar(new long[] {n, 0, i, j}, (fg ? 1.0 : -1.0) + 0.3 * rnd.nextGaussian());
                    x.putScalar(new long[] {n, 1, i, j}, rnd.nextGaussian());
                    y.putScalar(new long[] {n, fg ? 1 : 0, i, j}, 1.0);
                }
            }
        }
        INDArray mask = null;
        if (masked) {
            mask = Nd4j.ones(DataType.DOUBLE, MB, 1, H, W);
            mask.putScalar(new long[] {0, 0, 1, 2}, 0.0);
            mask.putScalar(new long[] {1, 0, 3, 3}, 0.0);
            mask.putScalar(new long[] {1, 0, 0, 0}, 0.0);
        }
        return new DataSet(x, y, null, mask);
    }

    /** The mean over images of 1 - mean_c (2 sum p y + s) / (sum p + sum y + s), from NCHW arrays, in plain Java. */
    private static double expectedScore(INDArray p, INDArray y, INDArray mask, double smooth) {
        double total = 0;
        for (int n = 0; n < MB; n++) {
            double loss = 0;
            for (int c = 0; c < CLASSES; c++) {
                double inter = 0;
                double den = 0;
                for (int i = 0; i < H; i++) {
                    for (int j = 0; j < W; j++) {
                        double m = mask == null ? 1 : mask.getDouble(n, 0, i, j);
                        double pv = p.getDouble(n, c, i, j) * m;
                        double yv = y.getDouble(n, c, i, j) * m;
                        inter += pv * yv;
                        den += pv + yv;
                    }
                }
                loss += 1 - (2 * inter + smooth) / (den + smooth);
            }
            total += loss / CLASSES;
        }
        return total / MB;
    }

    @ParameterizedTest(name = "masked {0}")
    @ValueSource(booleans = {false, true})
    void cnnLossLayerScoreIsTheMeanDiceLossPerImage(boolean masked) {
        for (IActivation act : new IActivation[] {new ActivationSigmoid(), new ActivationSoftmax()}) {
            MultiLayerNetwork net = cnn(DiceLoss.builder().rowsPerSample(H * W).build(), act, new NoOp());
            DataSet ds = images(5, masked);
            INDArray p = net.output(ds.getFeatures());
            double expected = expectedScore(p, ds.getLabels(), ds.getLabelsMaskArray(), 1.0);
            Assert.close(expected, net.score(ds), 1e-12, act + ": CnnLossLayer score");
        }
    }

    @ParameterizedTest(name = "masked {0}")
    @ValueSource(booleans = {false, true})
    void cnnGradientCheck(boolean masked) {
        for (DiceLoss loss : new DiceLoss[] {DiceLoss.builder().rowsPerSample(H * W).build(),
            DiceLoss.builder().rowsPerSample(H * W).squaredDenominator(true).includeBackground(false).build(),
            DiceLoss.builder().smooth(0.5).weights(2, 0.5).build()}) {
            for (IActivation act : new IActivation[] {new ActivationSigmoid(), new ActivationSoftmax()}) {
                MultiLayerNetwork net = cnn(loss, act, new NoOp());
                DataSet ds = images(6, masked);
                assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig()
                        .net(net).input(ds.getFeatures()).labels(ds.getLabels()).labelMask(ds.getLabelsMaskArray())
                        .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9)
                        .print(GradientCheckUtil.PrintMode.FAILURES_ONLY)), loss + " / " + act);
            }
        }
    }

    @Test
    void trainingRaisesTheDiceCoefficient() {
        MultiLayerNetwork net = cnn(DiceLoss.builder().rowsPerSample(H * W).build(), new ActivationSoftmax(),
                new Adam(0.05));
        DataSet ds = images(7, false);
        double initial = net.score(ds);
        for (int i = 0; i < 80; i++) {
            net.fit(ds);
        }
        double end = net.score(ds);
        assertTrue(end < 0.5 * initial, "Dice loss " + initial + " -> " + end);
    }

    // ------------------------------------------------------------------ bad input and edges

    private static final IActivation SIGMOID = new ActivationSigmoid();

    private static void assertRejected(Executable call, String... fragments) {
        assertTrue(Assert.rejects(call, fragments).getMessage().startsWith("DiceLoss: "));
    }

    @Test
    void badOptionsAreRejectedAtBuild() {
        assertRejected(() -> DiceLoss.builder().smooth(-1).build(), "smooth", "-1");
        assertRejected(() -> DiceLoss.builder().smooth(Double.NaN).build(), "smooth");
        assertRejected(() -> DiceLoss.builder().rowsPerSample(-2).build(), "rowsPerSample", "-2");
        assertRejected(() -> DiceLoss.builder().weights(1, -1).build(), "weights");
    }

    @Test
    void badInputIsRejected() {
        INDArray z = Nd4j.rand(DataType.DOUBLE, 10, 2);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, 10, 2);
        assertRejected(() -> DiceLoss.builder().rowsPerSample(4).build().computeScore(y, z, SIGMOID, null, true),
                "preOutput", "rowsPerSample = 4", "10 rows");
        assertRejected(() -> DiceLoss.builder().weights(1, 2, 3).build().computeScore(y, z, SIGMOID, null, true),
                "weights", "length 2", "length 3");
        INDArray outside = y.dup();
        outside.putScalar(3, 1, 1.5);
        assertRejected(() -> new DiceLoss().computeScore(outside, z, SIGMOID, null, true), "labels", "[0, 1]");
        assertRejected(() -> new DiceLoss().computeScore(y, z, SIGMOID, Nd4j.ones(DataType.DOUBLE, 10, 2), true),
                "mask", "row mask");
        INDArray half = Nd4j.ones(DataType.DOUBLE, 10, 1).muli(0.5);
        assertRejected(() -> new DiceLoss().computeScore(y, z, SIGMOID, half, true), "mask", "0 or 1");
        // smooth = 0 and a class absent from prediction and labels: Dice is 0/0.
        INDArray zeros = Nd4j.zeros(DataType.DOUBLE, 10, 2);
        assertRejected(() -> DiceLoss.builder().smooth(0).build()
                .computeScore(y, zeros, new ActivationIdentity(), null, true), "empty class");
    }

    @Test
    void aClassAbsentEverywhereCostsNothingWithSmoothing() {
        // perfect prediction of class 0 and nothing of class 1: both classes have Dice 1
        INDArray p = Nd4j.zeros(DataType.DOUBLE, 8, 2);
        p.getColumn(0).assign(1);
        INDArray y = p.dup();
        DiceLoss loss = DiceLoss.builder().rowsPerSample(4).build();
        assertEquals(0.0, loss.computeScore(y, p, new ActivationIdentity(), null, false), 1e-15);
        assertTrue(Double.isFinite(loss.computeGradient(y, p, new ActivationIdentity(), null).sumNumber().doubleValue()));
    }

    @Test
    void aFullyMaskedImageContributesNothingEvenWithoutSmoothing() {
        INDArray z = Nd4j.rand(DataType.DOUBLE, 8, 2);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, 8, 2);
        y.getColumn(1).assign(1);
        INDArray mask = Nd4j.ones(DataType.DOUBLE, 8, 1);
        mask.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(4, 8), org.nd4j.linalg.indexing.NDArrayIndex.all()).assign(0);
        DiceLoss loss = DiceLoss.builder().smooth(0).rowsPerSample(4).build();
        double masked = loss.computeScore(y, z, SIGMOID, mask, false);
        double firstImage = loss.computeScore(y.getRows(0, 1, 2, 3), z.getRows(0, 1, 2, 3), SIGMOID, null, false);
        Assert.close(firstImage, masked, 1e-14, "masked image adds nothing");
        INDArray g = loss.computeGradient(y, z, SIGMOID, mask);
        assertTrue(Double.isFinite(g.sumNumber().doubleValue()));
        assertEquals(0.0, g.getRows(4, 5, 6, 7).amaxNumber().doubleValue(), 0.0);
    }

    @Test
    void logitsOfMagnitude1e4InFloat32AreFinite() {
        INDArray z = Nd4j.rand(DataType.FLOAT, 12, 3).subi(0.5).muli(2e4);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 12, 1);
        for (int i = 0; i < 12; i++) {
            y.putScalar(i, 0, i % 3);
        }
        for (IActivation act : new IActivation[] {SIGMOID, new ActivationSoftmax()}) {
            DiceLoss loss = DiceLoss.builder().rowsPerSample(4).build();
            INDArray labels = act instanceof ActivationSoftmax ? y : Nd4j.zeros(DataType.FLOAT, 12, 3);
            assertTrue(Double.isFinite(loss.computeScore(labels, z, act, null, true)));
            assertTrue(Double.isFinite(loss.computeGradient(labels, z, act, null).sumNumber().doubleValue()));
        }
    }
}
