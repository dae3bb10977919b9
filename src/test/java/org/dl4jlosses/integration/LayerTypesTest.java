package org.dl4jlosses.integration;

import static org.dl4jlosses.integration.LossCases.K;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.RnnLossLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dl4jlosses.classification.BinaryCrossEntropyLoss;
import org.dl4jlosses.classification.CrossEntropyLoss;
import org.dl4jlosses.classification.FocalLoss;
import org.dl4jlosses.classification.HingeLoss;
import org.dl4jlosses.classification.PolyLoss;
import org.dl4jlosses.integration.LossCases.Case;
import org.dl4jlosses.integration.LossCases.Labels;
import org.dl4jlosses.integration.Nets.Head;
import org.dl4jlosses.regression.HuberLoss;
import org.dl4jlosses.regression.MseLoss;
import org.dl4jlosses.regression.SmoothL1Loss;
import org.dl4jlosses.testing.DoublePrecision;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;

/**
 * The losses in each of DL4J's loss-bearing layers: {@code OutputLayer} and {@code LossLayer}
 * (score = the loss over the minibatch, masked rows count for nothing), {@code RnnOutputLayer} and
 * {@code RnnLossLayer} with variable-length sequences (padding and its mask change neither score
 * nor gradient against the unpadded sequences), and {@code CnnLossLayer} on NCHW activations (one
 * row per pixel, pixel masks, gradient check). Each layer type also trains.
 */
@ExtendWith({SingleThreaded.class, DoublePrecision.class})
class LayerTypesTest {
    private static final double TOL = 1e-10;
    /** A value no valid label has: what padded or masked label entries hold. */
    private static final double GARBAGE = 3.7;




    // ================================================================== OutputLayer, LossLayer

    static Stream<Arguments> feedForward() {
        List<Arguments> args = new ArrayList<>();
        for (Case c : LossCases.representative()) {
            for (Head head : Head.values()) {
                args.add(Arguments.of(c, head, "none"));
                args.add(Arguments.of(c, head, "row"));
                if (c.elementWise) {
                    args.add(Arguments.of(c, head, "element"));
                }
            }
        }
        return args.stream();
    }

    @ParameterizedTest(name = "{0} | {1} | mask {2}")
    @MethodSource("feedForward")
    void feedForwardScoreIsTheLossOverTheMinibatch(Case c, Head head, String maskKind) {
        int rows = 10;
        Random rnd = new Random(3);
        MultiLayerNetwork net = Nets.mln(head, c.loss, c.activation, 4, 5, K, 99, new NoOp(), DataType.DOUBLE);
        INDArray x = LossCases.gaussian(rows, 4, rnd, DataType.DOUBLE);
        INDArray y = LossCases.labels(c.labels, rows, K, rnd, DataType.DOUBLE);
        INDArray mask = maskKind.equals("row") ? LossCases.rowMask(rows, DataType.DOUBLE)
                : maskKind.equals("element") ? LossCases.elementMask(rows, K, rnd, DataType.DOUBLE) : null;
        DataSet ds = new DataSet(x, y, null, mask);

        INDArray z = preOutput(net, head, x);
        double expected = c.loss.computeScore(y, z, c.activation, mask, false) / rows;
        double score = net.score(ds);
        assertClose(expected, score, "network score vs loss sum / minibatch");

        INDArray perExample = net.scoreExamples(ds, false);
        assertClose(c.loss.computeScoreArray(y, z, c.activation, mask), perExample.reshape(rows, 1), "scoreExamples");

        net.setInput(x);
        net.setLabels(y);
        net.setLayerMaskArrays(null, mask);
        net.computeGradientAndScore();
        assertClose(score, net.score(), "score of computeGradientAndScore");

        if (mask != null && maskKind.equals("row")) {
            // Masked rows count for nothing: the same sum as the batch without them.
            int[] kept = keptRows(mask);
            DataSet without = new DataSet(x.getRows(kept), y.getRows(kept));
            net.clearLayerMaskArrays(); // score(DataSet) sets masks it has but does not clear old ones
            assertClose(net.score(without) * kept.length, score * rows, "row-masked batch vs batch without those rows");
            // And what they hold does not matter.
            INDArray garbageLabels = y.dup();
            INDArray garbageX = x.dup();
            for (int i = 0; i < rows; i++) {
                if (mask.getDouble(i, 0) == 0) {
                    garbageLabels.getRow(i).assign(c.labels == Labels.INDEX ? 17 : GARBAGE);
                    garbageX.getRow(i).assign(40.0);
                }
            }
            assertClose(score, net.score(new DataSet(garbageX, garbageLabels, null, mask)), "garbage in masked rows");
        }
    }

    private static INDArray preOutput(MultiLayerNetwork net, Head head, INDArray x) {
        List<INDArray> acts = net.feedForward(x, false);
        if (head == Head.LOSS_LAYER) {
            return acts.get(2);
        }
        INDArray w = net.getLayer(1).getParam("W");
        INDArray b = net.getLayer(1).getParam("b");
        return acts.get(1).mmul(w).addiRowVector(b);
    }

    // ================================================================== RnnOutputLayer, RnnLossLayer

    private static final int[] LENGTHS = {5, 3, 2};
    private static final int T = 5;
    private static final int RNN_IN = 3;

    static Stream<Arguments> recurrent() {
        List<Arguments> args = new ArrayList<>();
        for (Case c : LossCases.representative()) {
            args.add(Arguments.of(c, "RnnOutputLayer"));
            args.add(Arguments.of(c, "RnnLossLayer"));
        }
        return args.stream();
    }

    private static MultiLayerNetwork rnn(Case c, String layer, IUpdater updater) {
        NeuralNetConfiguration.ListBuilder b = Nets.base(5, updater, DataType.DOUBLE).list()
                .layer(new SimpleRnn.Builder().nIn(RNN_IN).nOut(4).activation(new ActivationTanH()).build());
        if (layer.equals("RnnOutputLayer")) {
            b.layer(new RnnOutputLayer.Builder(c.loss).nIn(4).nOut(K).activation(c.activation).build());
        } else {
            b.layer(new SimpleRnn.Builder().nIn(4).nOut(K).activation(new ActivationIdentity()).build());
            b.layer(new RnnLossLayer.Builder(c.loss).activation(c.activation).build());
        }
        MultiLayerNetwork net = new MultiLayerNetwork(b.build());
        net.init();
        return net;
    }

    /** Sequences of LENGTHS, padded to T with garbage features and labels, masks [mb, T]; and each unpadded. */
    private static List<DataSet> sequences(Case c, long seed) {
        Random rnd = new Random(seed);
        int mb = LENGTHS.length;
        int width = c.labels.width(K);
        INDArray f = Nd4j.valueArrayOf(new long[] {mb, RNN_IN, T}, 40.0, DataType.DOUBLE);
        INDArray l = Nd4j.valueArrayOf(new long[] {mb, width, T}, c.labels == Labels.INDEX ? 17 : GARBAGE, DataType.DOUBLE);
        INDArray m = Nd4j.zeros(DataType.DOUBLE, mb, T);
        List<DataSet> out = new ArrayList<>();
        out.add(null);
        for (int i = 0; i < mb; i++) {
            int len = LENGTHS[i];
            INDArray fi = LossCases.gaussian(len, RNN_IN, rnd, DataType.DOUBLE).transpose().reshape(1, RNN_IN, len).dup();
            INDArray li = LossCases.labels(c.labels, len, K, rnd, DataType.DOUBLE).transpose().reshape(1, width, len).dup();
            f.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.interval(0, len)).assign(fi.reshape(RNN_IN, len));
            l.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.interval(0, len)).assign(li.reshape(width, len));
            m.get(NDArrayIndex.point(i), NDArrayIndex.interval(0, len)).assign(1.0);
            out.add(new DataSet(fi, li));
        }
        out.set(0, new DataSet(f, l, m, m));
        return out;
    }

    @ParameterizedTest(name = "{0} | {1}")
    @MethodSource("recurrent")
    void paddingDoesNotChangeScoreOrGradient(Case c, String layer) {
        MultiLayerNetwork net = rnn(c, layer, new NoOp());
        List<DataSet> data = sequences(c, 21);
        DataSet padded = data.get(0);

        Pair padPair = scoreAndGradient(net, padded);
        double sumOfScores = 0;
        INDArray sumOfGradients = null;
        for (DataSet one : data.subList(1, data.size())) {
            Pair p = scoreAndGradient(net, one);
            sumOfScores += p.score; // minibatch of 1: the score is the sequence's summed loss
            sumOfGradients = sumOfGradients == null ? p.gradient : sumOfGradients.addi(p.gradient);
        }
        assertTrue(padPair.score != 0 && Double.isFinite(padPair.score), "score " + padPair.score);
        // DL4J divides the padded batch's summed loss by its 3 sequences.
        assertClose(sumOfScores, padPair.score * LENGTHS.length, "padded score x mb vs sum of unpadded scores");
        assertClose(sumOfGradients, padPair.gradient, "padded gradient vs sum of unpadded gradients");
        assertClose(padPair.score, net.score(padded), "score() vs computeGradientAndScore");
    }

    static Stream<Arguments> nanPadding() {
        return Stream.of(
                Arguments.of(new Case(new CrossEntropyLoss(), LossCases.SOFTMAX, Labels.ONE_HOT, false)),
                Arguments.of(new Case(new BinaryCrossEntropyLoss(), LossCases.SIGMOID, Labels.BIN01, true)),
                Arguments.of(new Case(new MseLoss(), LossCases.IDENTITY, Labels.REAL, true)),
                Arguments.of(new Case(HingeLoss.builder().mode(HingeLoss.Mode.WESTON_WATKINS).build(),
                        LossCases.IDENTITY, Labels.ONE_HOT, false)));
    }

    /**
     * Padding labels with NaN (a common "no value" filler) must not give a silent NaN: NaN
     * labels are among the checked inputs, and no bad input may yield a silent NaN. Either
     * answer is acceptable: an IllegalArgumentException naming the NaN, or the padded steps
     * ignored like any other padding (the same score as finite padding).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("nanPadding")
    void nanInPaddedLabelsIsRejectedOrIgnored(Case c) {
        MultiLayerNetwork net = rnn(c, "RnnOutputLayer", new NoOp());
        DataSet padded = sequences(c, 23).get(0);
        double finitePadding = net.score(padded);
        INDArray labels = padded.getLabels().dup();
        INDArray mask = padded.getLabelsMaskArray();
        for (int i = 0; i < mask.size(0); i++) {
            for (int t = 0; t < T; t++) {
                if (mask.getDouble(i, t) == 0) {
                    labels.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.point(t)).assign(Double.NaN);
                }
            }
        }
        DataSet nanPadded = new DataSet(padded.getFeatures(), labels, mask, mask);
        double score;
        try {
            score = net.score(nanPadded);
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().contains("NaN"), e.getMessage());
            return;
        }
        assertClose(finitePadding, score, "score with NaN in the padded (masked) label steps");
    }

    @ParameterizedTest(name = "{0} | {1}")
    @MethodSource("recurrent")
    void maskedSequencesTrain(Case c, String layer) {
        MultiLayerNetwork net = rnn(c, layer, new Adam(0.05));
        DataSet padded = sequences(c, 22).get(0);
        double initial = net.score(padded);
        for (int i = 0; i < 60; i++) {
            net.fit(padded);
        }
        double end = net.score(padded);
        assertTrue(end < 0.8 * initial, "score " + initial + " -> " + end);
    }

    private static final class Pair {
        final double score;
        final INDArray gradient;

        Pair(double score, INDArray gradient) {
            this.score = score;
            this.gradient = gradient;
        }
    }

    private static Pair scoreAndGradient(MultiLayerNetwork net, DataSet ds) {
        net.setInput(ds.getFeatures());
        net.setLabels(ds.getLabels());
        net.setLayerMaskArrays(ds.getFeaturesMaskArray(), ds.getLabelsMaskArray());
        net.computeGradientAndScore();
        Pair p = new Pair(net.score(), net.gradient().gradient().dup());
        net.clearLayerMaskArrays();
        return p;
    }

    // ================================================================== CnnLossLayer

    private static final int MB = 2;
    private static final int CH_IN = 2;
    private static final int H = 3;
    private static final int W = 4;

    static List<Case> pixelCases() {
        List<Case> c = new ArrayList<>();
        c.add(new Case(new CrossEntropyLoss(), LossCases.SOFTMAX, Labels.ONE_HOT, false));
        // CnnLossLayer insists on labels shaped like its input, so no class-index labels here.
        c.add(new Case(CrossEntropyLoss.builder().labelSmoothing(0.1).build(), LossCases.SOFTMAX, Labels.SOFT, false));
        c.add(new Case(new BinaryCrossEntropyLoss(), LossCases.SIGMOID, Labels.BIN01, true));
        c.add(new Case(new FocalLoss(), LossCases.SIGMOID, Labels.PROB, true));
        c.add(new Case(PolyLoss.builder().gamma(1.0).build(), LossCases.SOFTMAX, Labels.ONE_HOT, false));
        c.add(new Case(HingeLoss.builder().mode(HingeLoss.Mode.WESTON_WATKINS).squared(true).build(),
                LossCases.IDENTITY, Labels.ONE_HOT, false));
        c.add(new Case(new MseLoss(), LossCases.IDENTITY, Labels.REAL, true));
        c.add(new Case(HuberLoss.builder().delta(0.5).build(), LossCases.IDENTITY, Labels.REAL, true));
        c.add(new Case(SmoothL1Loss.builder().beta(0.4).build(), LossCases.TANH, Labels.REAL_UNIT, true));
        return c;
    }

    static Stream<Arguments> pixels() {
        List<Arguments> args = new ArrayList<>();
        for (Case c : pixelCases()) {
            args.add(Arguments.of(c, false));
            args.add(Arguments.of(c, true));
        }
        return args.stream();
    }

    private static MultiLayerNetwork cnn(Case c, IUpdater updater) {
        MultiLayerNetwork net = new MultiLayerNetwork(Nets.base(8, updater, DataType.DOUBLE).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nIn(CH_IN).nOut(K).stride(1, 1)
                        .convolutionMode(ConvolutionMode.Same).activation(new ActivationIdentity()).build())
                .layer(new CnnLossLayer.Builder(c.loss).activation(c.activation).build())
                .setInputType(InputType.convolutional(H, W, CH_IN))
                .build());
        net.init();
        return net;
    }

    /** [n*h*w, c] rows (DL4J's order: image, row, column) as NCHW [n, c, h, w]. */
    private static INDArray toNchw(INDArray rows2d) {
        return rows2d.reshape('c', MB, H, W, rows2d.size(1)).permute(0, 3, 1, 2).dup('c');
    }

    /** NCHW [n, c, h, w] to rows [n*h*w, c], as CnnLossLayer hands its loss. */
    private static INDArray toRows(INDArray nchw) {
        return nchw.permute(0, 2, 3, 1).dup('c').reshape('c', MB * H * W, nchw.size(1));
    }

    /** A pixel mask [MB, 1, H, W] with a few pixels off. */
    private static INDArray pixelMask() {
        INDArray m = Nd4j.ones(DataType.DOUBLE, MB, 1, H, W);
        m.putScalar(new long[] {0, 0, 0, 1}, 0.0);
        m.putScalar(new long[] {0, 0, 2, 3}, 0.0);
        m.putScalar(new long[] {1, 0, 1, 0}, 0.0);
        m.putScalar(new long[] {1, 0, 1, 1}, 0.0);
        m.putScalar(new long[] {1, 0, 2, 2}, 0.0);
        return m;
    }

    private static DataSet images(Case c, boolean masked, long seed) {
        Random rnd = new Random(seed);
        INDArray x = LossCases.gaussian(MB * CH_IN * H, W, rnd, DataType.DOUBLE).reshape('c', MB, CH_IN, H, W);
        INDArray y = toNchw(LossCases.labels(c.labels, MB * H * W, K, rnd, DataType.DOUBLE));
        return new DataSet(x, y, null, masked ? pixelMask() : null);
    }

    @ParameterizedTest(name = "{0} | pixel mask {1}")
    @MethodSource("pixels")
    void cnnScoreIsThePerPixelLossPerImage(Case c, boolean masked) {
        MultiLayerNetwork net = cnn(c, new NoOp());
        DataSet ds = images(c, masked, 31);
        INDArray z = net.feedForward(ds.getFeatures(), false).get(1);
        INDArray labels2d = toRows(ds.getLabels());
        INDArray mask2d = masked ? toRows(ds.getLabelsMaskArray()) : null;
        double sum = c.loss.computeScore(labels2d, toRows(z), c.activation, mask2d, false);
        double score = net.score(ds);
        assertTrue(score > 0 && Double.isFinite(score));
        assertClose(sum / MB, score, "CnnLossLayer score vs summed per-pixel loss / images");

        if (masked) {
            // The masked pixels count for nothing: the loss over the kept pixel rows alone.
            int[] kept = keptRows(mask2d);
            double keptSum = c.loss.computeScore(labels2d.getRows(kept), toRows(z).getRows(kept), c.activation, null, false);
            assertClose(keptSum / MB, score, "masked image vs kept pixels only");
            // Garbage labels in masked pixels change neither score nor gradient.
            INDArray garbage = labels2d.dup();
            for (int r = 0; r < garbage.rows(); r++) {
                if (mask2d.getDouble(r, 0) == 0) {
                    garbage.getRow(r).assign(GARBAGE);
                }
            }
            DataSet dirty = new DataSet(ds.getFeatures(), toNchw(garbage), null, ds.getLabelsMaskArray());
            Pair clean = scoreAndGradient(net, ds);
            Pair noisy = scoreAndGradient(net, dirty);
            assertClose(clean.score, noisy.score, "score with garbage in masked pixels");
            assertClose(clean.gradient, noisy.gradient, "gradient with garbage in masked pixels");
        }
    }

    @ParameterizedTest(name = "{0} | pixel mask {1}")
    @MethodSource("pixels")
    void cnnGradientCheck(Case c, boolean masked) {
        MultiLayerNetwork net = cnn(c, new NoOp());
        DataSet ds = images(c, masked, 32);
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig()
                .net(net).input(ds.getFeatures()).labels(ds.getLabels()).labelMask(ds.getLabelsMaskArray())
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
        assertTrue(ok, "gradient check failed");
    }

    @ParameterizedTest(name = "{0} | pixel mask {1}")
    @MethodSource("pixels")
    void cnnTrains(Case c, boolean masked) {
        MultiLayerNetwork net = cnn(c, new Adam(0.05));
        DataSet ds = images(c, masked, 33);
        double initial = net.score(ds);
        for (int i = 0; i < 60; i++) {
            net.fit(ds);
        }
        double end = net.score(ds);
        assertTrue(end < 0.8 * initial, "score " + initial + " -> " + end);
    }

    // ================================================================== helpers

    private static int[] keptRows(INDArray rowMask) {
        double[] m = rowMask.toDoubleVector();
        int n = 0;
        int[] kept = new int[m.length];
        for (int i = 0; i < m.length; i++) {
            if (m[i] != 0) {
                kept[n++] = i;
            }
        }
        return java.util.Arrays.copyOf(kept, n);
    }

    static void assertClose(double expected, double actual, String what) {
        org.dl4jlosses.testing.Assert.close(expected, actual, TOL, what);
    }

    static void assertClose(INDArray expected, INDArray actual, String what) {
        org.dl4jlosses.testing.Assert.close(expected, actual, TOL, what);
    }
}
