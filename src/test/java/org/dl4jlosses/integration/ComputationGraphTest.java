package org.dl4jlosses.integration;

import static org.dl4jlosses.integration.LayerTypesTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dl4jlosses.classification.FocalLoss;
import org.dl4jlosses.integration.LossCases.Case;
import org.dl4jlosses.integration.LossCases.Labels;
import org.dl4jlosses.integration.ToyData.Problem;
import org.dl4jlosses.regression.HuberLoss;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The losses in a {@link ComputationGraph}: with the parameters of an equivalent
 * MultiLayerNetwork it computes the same score and gradient, and trained the same way it follows
 * the same path (same parameters after training) while its score falls; with and without a row
 * mask. A two-headed graph's score is the sum of its two losses.
 */
@ExtendWith(SingleThreaded.class)
class ComputationGraphTest {
    private static final int ROWS = 60;
    private static final int HIDDEN = 8;

    static Stream<Arguments> cases() {
        List<Arguments> args = new ArrayList<>();
        for (Case c : LossCases.representative()) {
            args.add(Arguments.of(c, false));
            args.add(Arguments.of(c, true));
        }
        return args.stream();
    }

    @ParameterizedTest(name = "{0} | row mask {1}")
    @MethodSource("cases")
    void graphTrainsExactlyLikeTheEquivalentMultiLayerNetwork(Case c, boolean masked) {
        Problem p = ToyData.problem(c.labels, ROWS, 5, DataType.DOUBLE);
        DataSet ds = p.data;
        if (masked) {
            ds = new DataSet(ds.getFeatures(), ds.getLabels(), null, LossCases.rowMask(ROWS, DataType.DOUBLE));
        }
        MultiLayerNetwork mln = Nets.mln(Nets.Head.OUTPUT_LAYER, c.loss, c.activation, ToyData.FEATURES, HIDDEN,
                LossCases.K, 3, new Adam(0.03), DataType.DOUBLE);
        ComputationGraph graph = Nets.graph(c.loss, c.activation, ToyData.FEATURES, HIDDEN, LossCases.K, 4,
                new Adam(0.03), DataType.DOUBLE);
        graph.setParams(mln.params().dup());
        // The flat parameter vectors line up layer by layer.
        assertClose(mln.getLayer(0).getParam("W"), graph.getLayer("dense").getParam("W"), "dense W");
        assertClose(mln.getLayer(1).getParam("b"), graph.getLayer("out").getParam("b"), "out b");

        double initial = graph.score(ds);
        // Non-zero: ApproxNdcgLoss's score (minus an NDCG) is negative.
        assertTrue(initial != 0 && Double.isFinite(initial), "score " + initial);
        assertClose(mln.score(ds), initial, "graph score vs network score");

        mln.setInput(ds.getFeatures());
        mln.setLabels(ds.getLabels());
        mln.setLayerMaskArrays(null, ds.getLabelsMaskArray());
        mln.computeGradientAndScore();
        graph.setInputs(ds.getFeatures());
        graph.setLabels(ds.getLabels());
        graph.setLayerMaskArrays(null, new INDArray[] {ds.getLabelsMaskArray()});
        graph.computeGradientAndScore();
        assertClose(mln.score(), graph.score(), "computeGradientAndScore score");
        assertClose(mln.gradient().gradient(), graph.gradient().gradient(), "gradient");
        mln.clearLayerMaskArrays();
        graph.clearLayerMaskArrays();

        for (int i = 0; i < 80; i++) {
            mln.fit(ds);
            graph.fit(ds);
        }
        assertClose(mln.params(), graph.params(), "parameters after 80 identical Adam steps");
        double end = graph.score(ds);
        assertClose(mln.score(ds), end, "score after training");
        // 15% of the way down (ListMleLoss's floor with tied grades is well above 0).
        assertTrue(end < initial - 0.15 * Math.abs(initial), "graph score " + initial + " -> " + end);
    }

    /** Two heads, two losses (softmax focal loss on classes, Huber on a regression target): the score adds. */
    @Test
    void twoHeadedGraphScoreIsTheSumOfItsLosses() {
        Problem classes = ToyData.problem(Labels.ONE_HOT, ROWS, 6, DataType.DOUBLE);
        INDArray x = classes.data.getFeatures();
        INDArray regression = x.getColumns(0, 1).mul(0.5); // a target the shared trunk can fit
        FocalLoss focal = FocalLoss.builder().gamma(1.0).build();
        HuberLoss huber = HuberLoss.builder().delta(0.5).build();
        ComputationGraph graph = new ComputationGraph(Nets.base(9, new Adam(0.03), DataType.DOUBLE).graphBuilder()
                .addInputs("in")
                .addLayer("trunk", new DenseLayer.Builder().nIn(ToyData.FEATURES).nOut(HIDDEN)
                        .activation(new ActivationTanH()).build(), "in")
                .addLayer("cls", new OutputLayer.Builder(focal).nIn(HIDDEN).nOut(LossCases.K)
                        .activation(LossCases.SOFTMAX).build(), "trunk")
                .addLayer("reg", new OutputLayer.Builder(huber).nIn(HIDDEN).nOut(2)
                        .activation(LossCases.IDENTITY).build(), "trunk")
                .setOutputs("cls", "reg")
                .build());
        graph.init();
        INDArray mask = LossCases.rowMask(ROWS, DataType.DOUBLE);
        MultiDataSet mds = new MultiDataSet(new INDArray[] {x}, new INDArray[] {classes.data.getLabels(), regression},
                null, new INDArray[] {mask, null});

        double initial = graph.score(mds);
        INDArray trunk = graph.feedForward(x, false).get("trunk");
        INDArray zCls = trunk.mmul(graph.getLayer("cls").getParam("W")).addiRowVector(graph.getLayer("cls").getParam("b"));
        INDArray zReg = trunk.mmul(graph.getLayer("reg").getParam("W")).addiRowVector(graph.getLayer("reg").getParam("b"));
        double expected = focal.computeScore(classes.data.getLabels(), zCls, LossCases.SOFTMAX, mask, false) / ROWS
                + huber.computeScore(regression, zReg, LossCases.IDENTITY, null, false) / ROWS;
        assertClose(expected, initial, "two-headed score vs the sum of the two losses");

        for (int i = 0; i < 80; i++) {
            graph.fit(mds);
        }
        double end = graph.score(mds);
        assertTrue(end < 0.7 * initial, "score " + initial + " -> " + end);
        INDArray[] out = graph.output(x);
        assertTrue(ToyData.classAccuracy(out[0], classes.truth) > 0.85);
    }
}
