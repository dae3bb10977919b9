package org.dl4jlosses.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dl4jlosses.embedding.Distance;
import org.dl4jlosses.embedding.TripletLoss;
import org.dl4jlosses.integration.Nets;
import org.dl4jlosses.integration.SingleThreaded;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.NoOp;

/** The listener on real training (TripletLoss with group labels), on a collapsed network, and its figures by hand and by brute force. */
@ExtendWith(SingleThreaded.class)
class EmbeddingHealthListenerTest {
    private static final int FEATURES = 6;
    private static final int EMBEDDING = 4;

    private static DataSet batch(Random random, int n, int classes) {
        double[][] x = new double[n][FEATURES];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            int c = random.nextInt(classes);
            y[i] = c;
            for (int j = 0; j < FEATURES; j++) {
                x[i][j] = random.nextGaussian() + (j == c ? 3 : 0);
            }
        }
        return new DataSet(Nd4j.createFromArray(x).castTo(DataType.FLOAT),
                Nd4j.createFromArray(y).castTo(DataType.FLOAT).reshape(n, 1));
    }

    private static TripletLoss batchAll() {
        return TripletLoss.builder().mining(TripletLoss.Mining.ALL).build();
    }

    @Test
    void readsTheMinibatchBeingFittedEveryFrequencyIterations() {
        MultiLayerNetwork net = Nets.mln(Nets.Head.OUTPUT_LAYER, batchAll(), new ActivationIdentity(), FEATURES, 16,
                EMBEDDING, 3, new Adam(0.01), DataType.FLOAT);
        EmbeddingHealthListener listener = EmbeddingHealthListener.builder().frequency(3).maxRows(20).build();
        net.setListeners(listener);
        Random random = new Random(4);
        DataSet last = null;
        for (int i = 0; i < 10; i++) { // iterations 0..9: checks at 0, 3, 6, 9
            last = batch(random, 32, 4);
            net.fit(last);
        }
        assertEquals(4, listener.checks());
        assertEquals(9, listener.lastIteration());
        EmbeddingBatchStats seen = listener.lastStats();
        assertEquals(20, seen.rows());
        // the last check was the last iteration, after its update: the same figures as now
        INDArray x = last.getFeatures().get(NDArrayIndex.interval(0, 20), NDArrayIndex.all());
        int[] y = last.getLabels().get(NDArrayIndex.interval(0, 20), NDArrayIndex.all()).toIntVector();
        EmbeddingBatchStats now = EmbeddingBatchStats.of(net.output(x), y, Distance.EUCLIDEAN, 1.0);
        assertEquals(now.toString(), seen.toString());
        assertTrue(seen.activeTripletFraction() > 0 && seen.activeTripletFraction() < 1, seen.toString());
        assertTrue(Double.isFinite(seen.activeNegativePairFraction()), seen.toString());
        assertFalse(listener.collapsed());
    }

    @Test
    void warnsWhenANetworkCollapses() {
        MultiLayerNetwork net = Nets.mln(Nets.Head.OUTPUT_LAYER, batchAll(), new ActivationIdentity(), FEATURES, 16,
                EMBEDDING, 3, new NoOp(), DataType.FLOAT);
        // every input embeds to the bias: all rows equal
        net.getLayer(1).setParam("W", Nd4j.zeros(DataType.FLOAT, 16, EMBEDDING));
        net.getLayer(1).setParam("b", Nd4j.createFromArray(1f, 2f, 3f, 4f).reshape(1, EMBEDDING));
        EmbeddingHealthListener listener = EmbeddingHealthListener.builder().frequency(1).build();
        net.setListeners(listener);
        Random random = new Random(5);
        net.fit(batch(random, 16, 4));
        net.fit(batch(random, 16, 4));
        assertEquals(2, listener.checks());
        assertEquals(2, listener.collapseWarnings());
        assertTrue(listener.collapsed());
        assertEquals(1.0, listener.lastStats().meanPairwiseCosine(), 1e-6);
        // every triplet has d(a, p) = d(a, n) = 0 < margin: all active
        assertEquals(1.0, listener.lastStats().activeTripletFraction(), 0.0);
    }

    @Test
    void worksOnAComputationGraph() {
        ComputationGraph graph = Nets.graph(batchAll(), new ActivationIdentity(), FEATURES, 16, EMBEDDING, 3,
                new Adam(0.01), DataType.FLOAT);
        EmbeddingHealthListener listener = EmbeddingHealthListener.builder().frequency(2).build();
        graph.setListeners(listener);
        Random random = new Random(6);
        DataSet last = null;
        for (int i = 0; i < 5; i++) {
            last = batch(random, 24, 3);
            graph.fit(last);
        }
        assertEquals(3, listener.checks());
        EmbeddingBatchStats now = EmbeddingBatchStats.of(graph.outputSingle(last.getFeatures()),
                last.getLabels().toIntVector(), Distance.EUCLIDEAN, 1.0);
        assertEquals(now.toString(), listener.lastStats().toString());
    }

    @Test
    void figuresByHand() {
        // 1-D points 0, 1, 3 with labels 0, 0, 1: triplets (a=0, p=1, n=2): 1 - 3 + m; (a=1, p=0, n=2): 1 - 2 + m.
        INDArray x = Nd4j.createFromArray(new double[][] {{0}, {1}, {3}});
        int[] y = {0, 0, 1};
        assertEquals(0.0, EmbeddingBatchStats.of(x, y, Distance.EUCLIDEAN, 1.0).activeTripletFraction(), 0.0); // -1, 0: none > 0
        assertEquals(0.5, EmbeddingBatchStats.of(x, y, Distance.EUCLIDEAN, 1.5).activeTripletFraction(), 0.0);
        // squared: (1 - 9 + m), (1 - 4 + m): m = 4 activates the second only
        assertEquals(0.5, EmbeddingBatchStats.of(x, y, Distance.SQUARED_EUCLIDEAN, 4).activeTripletFraction(), 0.0);
        // negative pairs at distances 3 and 2
        assertEquals(0.5, EmbeddingBatchStats.of(x, y, Distance.EUCLIDEAN, 2.5).activeNegativePairFraction(), 0.0);
        assertEquals(1.0, EmbeddingBatchStats.of(x, y, Distance.EUCLIDEAN, 3.5).activeNegativePairFraction(), 0.0);
        // cosines: 0 with the zero vector (norm clamped), 1 between 1 and 3
        assertEquals(1.0 / 3, EmbeddingBatchStats.of(x, y, Distance.EUCLIDEAN, 1).meanPairwiseCosine(), 1e-12);
        // no labels, or one label only: no fractions
        assertTrue(Double.isNaN(EmbeddingBatchStats.of(x, null, Distance.EUCLIDEAN, 1).activeTripletFraction()));
        assertTrue(Double.isNaN(EmbeddingBatchStats.of(x, new int[3], Distance.EUCLIDEAN, 1).activeNegativePairFraction()));
    }

    @Test
    void fractionsAgreeWithBruteForce() {
        Random random = new Random(8);
        int n = 40;
        double[][] x = new double[n][3];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = random.nextInt(5);
            for (int j = 0; j < 3; j++) {
                x[i][j] = random.nextGaussian();
            }
        }
        for (Distance distance : new Distance[] {Distance.EUCLIDEAN, Distance.SQUARED_EUCLIDEAN, Distance.COSINE}) {
            double margin = distance == Distance.COSINE ? 0.3 : 1.0;
            long active = 0;
            long total = 0;
            long activePairs = 0;
            long pairs = 0;
            for (int a = 0; a < n; a++) {
                for (int p = 0; p < n; p++) {
                    for (int q = 0; q < n; q++) {
                        if (p != a && y[p] == y[a] && y[q] != y[a]) {
                            total++;
                            active += d(distance, x[a], x[p]) - d(distance, x[a], x[q]) + margin > 0 ? 1 : 0;
                        }
                    }
                    if (p > a && y[p] != y[a]) {
                        pairs++;
                        activePairs += d(distance, x[a], x[p]) < margin ? 1 : 0;
                    }
                }
            }
            EmbeddingBatchStats s = EmbeddingBatchStats.of(Nd4j.createFromArray(x), y, distance, margin);
            assertEquals(active / (double) total, s.activeTripletFraction(), 1e-12, distance.toString());
            assertEquals(activePairs / (double) pairs, s.activeNegativePairFraction(), 1e-12, distance.toString());
        }
    }

    private static double d(Distance distance, double[] a, double[] b) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        double sq = 0;
        for (int k = 0; k < a.length; k++) {
            ab += a[k] * b[k];
            aa += a[k] * a[k];
            bb += b[k] * b[k];
            sq += (a[k] - b[k]) * (a[k] - b[k]);
        }
        if (distance == Distance.COSINE) {
            return 1 - ab / (Math.sqrt(aa) * Math.sqrt(bb));
        }
        return distance == Distance.EUCLIDEAN ? Math.sqrt(sq) : sq;
    }

    @Test
    void recordFlagsACollapsedBatchAndNotAHealthyOne() {
        EmbeddingHealthListener listener = new EmbeddingHealthListener();
        INDArray same = Nd4j.ones(DataType.FLOAT, 8, 5);
        assertNotNull(listener.record(same, Nd4j.createFromArray(0, 0, 1, 1, 2, 2, 3, 3), 0));
        assertTrue(listener.collapsed());
        listener.record(Nd4j.eye(8).castTo(DataType.FLOAT), null, 1); // orthogonal rows: cosine 0
        assertFalse(listener.collapsed());
        assertEquals(0.0, listener.lastStats().meanPairwiseCosine(), 1e-12);
        assertEquals(1, listener.collapseWarnings());
        assertEquals(2, listener.checks());
    }

    @Test
    void badOptionsAreNamed() {
        assertEquals("EmbeddingHealthListener: frequency must be at least 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> EmbeddingHealthListener.builder().frequency(0)).getMessage());
        assertEquals("EmbeddingHealthListener: distance must be EUCLIDEAN, SQUARED_EUCLIDEAN or COSINE, got DOT",
                assertThrows(IllegalArgumentException.class, () -> EmbeddingHealthListener.builder().distance(Distance.DOT)).getMessage());
        assertEquals("EmbeddingBatchStats.of: labels must be 3 labels (one per row), got 2",
                assertThrows(IllegalArgumentException.class,
                        () -> EmbeddingBatchStats.of(Nd4j.rand(3, 2), new int[2], Distance.EUCLIDEAN, 1)).getMessage());
    }
}
