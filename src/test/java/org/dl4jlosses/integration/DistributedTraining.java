package org.dl4jlosses.integration;

import org.dl4jlosses.embedding.TripletLoss;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.util.List;
import org.dl4jlosses.testing.RoundTrips;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.dl4jlosses.classification.FocalLoss;
import org.dl4jlosses.integration.LossCases.Case;
import org.dl4jlosses.integration.LossCases.Labels;
import org.dl4jlosses.integration.ToyData.Problem;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;

/**
 * What the parallel and distributed training tests share: the losses they train, the toy data
 * cut into whole DataSets, the small networks, and the check that a trained network equals the
 * one restored from its saved form.
 */
final class DistributedTraining {
    /** Rows of the toy problem; cut into {@link #PARTS} DataSets of {@link #BATCH} rows. */
    static final int ROWS = 96;
    static final int BATCH = 16;
    static final int PARTS = ROWS / BATCH;
    static final int HIDDEN = 8;

    private DistributedTraining() {
    }

    /**
     * The losses trained with ParallelWrapper and Spark: every test of the parallel and Spark
     * training runs once per entry. A network is {@link Nets#mln} with an OutputLayer of
     * {@link LossCases#K} outputs and the case's activation, trained on
     * {@code ToyData.problem(case.labels, ...)}.
     *
     * <p>Point-wise losses come with the activation and labels of their form. The GROUPS embedding
     * loss (TripletLoss with HARD mining: label-based mining within each batch) is
     * {@code new Case(loss, LossCases.IDENTITY, Labels.INDEX, false)}: the network embeds each row
     * in K = 3 dimensions, and {@code Labels.INDEX} gives the group ids {@code [N, 1]} of the three
     * Gaussian blobs of {@link ToyData.Task#MULTICLASS}, every DataSet holding all three groups.
     */
    static List<Case> cases() {
        return List.of(
                new Case(new FocalLoss(), LossCases.SIGMOID, Labels.BIN01, true),
                new Case(FocalLoss.builder().gamma(1.0).weights(0.5, 2.0, 1.0).build(), LossCases.SOFTMAX,
                        Labels.INDEX, false),
                new Case(TripletLoss.builder().mining(TripletLoss.Mining.HARD).build(), LossCases.IDENTITY,
                        Labels.INDEX, false));
    }

    /** The toy problem of a case in float32, and its rows cut into whole DataSets of {@link #BATCH} rows. */
    static Problem problem(Case c) {
        return ToyData.problem(c.labels, ROWS, 23, DataType.FLOAT);
    }

    static List<DataSet> parts(Problem p) {
        List<DataSet> parts = p.data.batchBy(BATCH);
        assertEquals(PARTS, parts.size());
        return parts;
    }

    static MultiLayerNetwork network(Case c, double learningRate) {
        return Nets.mln(Nets.Head.OUTPUT_LAYER, c.loss, c.activation, ToyData.FEATURES, HIDDEN, LossCases.K, 42,
                new Adam(learningRate), DataType.FLOAT);
    }

    static ComputationGraph graph(Case c, double learningRate) {
        return Nets.graph(c.loss, c.activation, ToyData.FEATURES, HIDDEN, LossCases.K, 42, new Adam(learningRate),
                DataType.FLOAT);
    }

    /** The score on the whole problem fell below {@code fraction} of where it started, and stayed finite. */
    static void assertLearned(double initial, double end, double fraction, String engine) {
        assertTrue(Double.isFinite(initial) && Double.isFinite(end), engine + ": scores " + initial + " -> " + end);
        assertTrue(end < fraction * initial,
                engine + ": score " + initial + " -> " + end + ", expected below " + fraction + "x");
    }

    /**
     * Saves the network with ModelSerializer (with its updater) and restores it: the same
     * configuration (so an equal loss), parameters, updater state, outputs and score.
     */
    static void assertRestoresEqual(MultiLayerNetwork net, DataSet data, File dir) throws IOException {
        MultiLayerNetwork restored = RoundTrips.saved(net, dir);
        assertEquals(net.output(data.getFeatures()), restored.output(data.getFeatures()), "outputs");
        assertEquals(net.score(data), restored.score(data), 0.0, "score");
    }

    static void assertRestoresEqual(ComputationGraph graph, DataSet data, File dir) throws IOException {
        ComputationGraph restored = RoundTrips.saved(graph, dir);
        assertEquals(graph.outputSingle(data.getFeatures()), restored.outputSingle(data.getFeatures()), "outputs");
        assertEquals(graph.score(data), restored.score(data), 0.0, "score");
    }
}
