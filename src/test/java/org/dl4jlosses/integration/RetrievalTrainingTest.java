package org.dl4jlosses.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.StackVertex;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.dl4jlosses.embedding.InfoNceLoss;
import org.dl4jlosses.embedding.MultipleNegativesRankingLoss;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The retrieval losses train a shared encoder in a {@link ComputationGraph}: query, document (and
 * hard-negative) inputs are stacked by a {@link StackVertex} into the BLOCKS layout, one encoder
 * embeds every row, and InfoNceLoss or MultipleNegativesRankingLoss couples the rows. On toy pairs
 * whose match is hidden under independent noise features, the held-out loss falls and recall@1
 * (each query's nearest document by cosine is its own) rises.
 */
@ExtendWith(SingleThreaded.class)
class RetrievalTrainingTest {
    private static final int SIGNAL = 4;
    private static final int NOISE = 12;
    private static final int FEATURES = SIGNAL + NOISE;
    private static final int PAIRS = 32;
    private static final int EMBEDDING = 8;

    static Stream<Arguments> losses() {
        return Stream.of(
                Arguments.of(new InfoNceLoss(), 0),
                Arguments.of(InfoNceLoss.builder().negatives(1).build(), 1),
                Arguments.of(new MultipleNegativesRankingLoss(), 0),
                Arguments.of(MultipleNegativesRankingLoss.builder().hardNegatives(1).symmetric(true).build(), 1));
    }

    /** One view of each latent: the latent plus a little noise, then independent noise features that carry nothing. */
    private static INDArray views(Random random, double[][] latent) {
        double[][] x = new double[latent.length][FEATURES];
        for (int i = 0; i < latent.length; i++) {
            for (int j = 0; j < SIGNAL; j++) {
                x[i][j] = latent[i][j] + 0.1 * random.nextGaussian();
            }
            for (int j = SIGNAL; j < FEATURES; j++) {
                x[i][j] = 2.0 * random.nextGaussian();
            }
        }
        return Nd4j.createFromArray(x).castTo(DataType.FLOAT);
    }

    private static double[][] latents(Random random, int n) {
        double[][] v = new double[n][SIGNAL];
        for (double[] row : v) {
            for (int j = 0; j < SIGNAL; j++) {
                row[j] = random.nextGaussian();
            }
        }
        return v;
    }

    /** Queries, matching documents and {@code negatives} blocks of documents of other latents; labels are not read. */
    private static MultiDataSet batch(Random random, int negatives) {
        double[][] latent = latents(random, PAIRS);
        INDArray[] inputs = new INDArray[2 + negatives];
        inputs[0] = views(random, latent);
        inputs[1] = views(random, latent);
        for (int k = 0; k < negatives; k++) {
            inputs[2 + k] = views(random, latents(random, PAIRS));
        }
        INDArray labels = Nd4j.zeros(DataType.FLOAT, (long) (2 + negatives) * PAIRS, 1);
        return new MultiDataSet(inputs, new INDArray[] {labels});
    }

    private static ComputationGraph encoder(ILossFunction loss, int negatives) {
        String[] inputs = new String[2 + negatives];
        for (int b = 0; b < inputs.length; b++) {
            inputs[b] = "in" + b;
        }
        ComputationGraphConfiguration conf = Nets.base(42, new Adam(0.01), DataType.FLOAT).graphBuilder()
                .addInputs(inputs)
                .addVertex("stack", new StackVertex(), inputs)
                .addLayer("hidden", new DenseLayer.Builder().nIn(FEATURES).nOut(32).activation(new ActivationTanH())
                        .build(), "stack")
                .addLayer("embedding", new OutputLayer.Builder(loss).nIn(32).nOut(EMBEDDING)
                        .activation(new ActivationIdentity()).build(), "hidden")
                .setOutputs("embedding")
                .build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        return graph;
    }

    private static INDArray unitRows(INDArray x) {
        return x.divColumnVector(Transforms.sqrt(x.mul(x).sum(true, 1), false));
    }

    /**
     * The fraction of queries whose nearest document (cosine, among the batch's matching documents;
     * hard negatives left out) is their own.
     */
    private static double recallAt1(ComputationGraph graph, MultiDataSet data) {
        INDArray embedded = graph.outputSingle(false, data.getFeatures());
        assertEquals((long) data.getFeatures().length * PAIRS, embedded.size(0), "the StackVertex stacks every input");
        INDArray q = unitRows(embedded.get(NDArrayIndex.interval(0, PAIRS), NDArrayIndex.all()));
        INDArray d = unitRows(embedded.get(NDArrayIndex.interval(PAIRS, 2 * PAIRS), NDArrayIndex.all()));
        INDArray best = q.mmul(d.transpose()).argMax(1);
        int hits = 0;
        for (int i = 0; i < PAIRS; i++) {
            if (best.getInt(i) == i) {
                hits++;
            }
        }
        return hits / (double) PAIRS;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void sharedEncoderLearnsToRetrieve(ILossFunction loss, int negatives) {
        Random random = new Random(7);
        List<MultiDataSet> train = new ArrayList<>();
        for (int b = 0; b < 8; b++) {
            train.add(batch(random, negatives));
        }
        MultiDataSet heldOut = batch(random, negatives);
        ComputationGraph graph = encoder(loss, negatives);

        double scoreBefore = graph.score(heldOut);
        double recallBefore = recallAt1(graph, heldOut);
        assertTrue(Double.isFinite(scoreBefore) && scoreBefore > 0, "initial score " + scoreBefore);
        for (int epoch = 0; epoch < 25; epoch++) {
            for (MultiDataSet b : train) {
                graph.fit(b);
            }
        }
        double scoreAfter = graph.score(heldOut);
        double recallAfter = recallAt1(graph, heldOut);
        assertTrue(scoreAfter < 0.6 * scoreBefore, "held-out loss falls: " + scoreBefore + " -> " + scoreAfter);
        assertTrue(recallAfter >= recallBefore + 0.3 && recallAfter >= 0.5,
                "recall@1 rises: " + recallBefore + " -> " + recallAfter);
    }
}
