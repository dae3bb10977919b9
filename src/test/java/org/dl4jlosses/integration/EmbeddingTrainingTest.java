package org.dl4jlosses.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.graph.StackVertex;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.dl4jlosses.embedding.ContrastiveLoss;
import org.dl4jlosses.embedding.TripletLoss;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The embedding losses train real networks on toy clusters: a three-input ComputationGraph with a
 * StackVertex and a shared encoder on TripletLoss NONE, a MultiLayerNetwork with group labels on
 * batch-hard mining (nearest-neighbour accuracy improves), and a siamese graph on ContrastiveLoss.
 *
 * <p>The toy data: points of {@link #CLASSES} classes in {@link #FEATURES} dimensions, where only
 * the first two carry the class (well separated centres) and the others are large noise, so a
 * random encoder mixes the classes and a trained one must learn to ignore the noise.
 */
@ExtendWith(SingleThreaded.class)
class EmbeddingTrainingTest {
    private static final int CLASSES = 4;
    private static final int FEATURES = 8;
    private static final int EMBEDDING = 4;

    /** One point of class c. */
    private static double[] point(Random random, int c) {
        double[] x = new double[FEATURES];
        x[0] = 3 * Math.cos(2 * Math.PI * c / CLASSES) + 0.3 * random.nextGaussian();
        x[1] = 3 * Math.sin(2 * Math.PI * c / CLASSES) + 0.3 * random.nextGaussian();
        for (int j = 2; j < FEATURES; j++) {
            x[j] = 3 * random.nextGaussian();
        }
        return x;
    }

    private static INDArray points(Random random, int[] classes) {
        double[][] x = new double[classes.length][];
        for (int i = 0; i < classes.length; i++) {
            x[i] = point(random, classes[i]);
        }
        return Nd4j.createFromArray(x).castTo(DataType.FLOAT);
    }

    /** Anchors, positives (same class) and negatives (another class) for n triplets. */
    private static INDArray[] triplets(Random random, int n) {
        int[] a = new int[n];
        int[] neg = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = random.nextInt(CLASSES);
            neg[i] = (a[i] + 1 + random.nextInt(CLASSES - 1)) % CLASSES;
        }
        return new INDArray[] {points(random, a), points(random, a), points(random, neg)};
    }

    private static ComputationGraph stackedEncoder(int inputs, org.nd4j.linalg.lossfunctions.ILossFunction loss) {
        String[] names = new String[inputs];
        for (int i = 0; i < inputs; i++) {
            names[i] = "in" + i;
        }
        ComputationGraphConfiguration conf = Nets.base(42, new Adam(0.01), DataType.FLOAT).graphBuilder()
                .addInputs(names)
                .addVertex("stack", new StackVertex(), names)
                // layers after the stack vertex embed every block with the same weights
                .addLayer("hidden", new DenseLayer.Builder().nIn(FEATURES).nOut(16).activation(new ActivationTanH()).build(), "stack")
                .addLayer("embedding", new OutputLayer.Builder(loss).nIn(16).nOut(EMBEDDING)
                        .activation(new ActivationIdentity()).build(), "hidden")
                .setOutputs("embedding")
                .build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        return graph;
    }

    @Test
    void tripletGraphWithStackVertexAndSharedEncoderTrains() throws Exception {
        Random random = new Random(1);
        int n = 32;
        ComputationGraph graph = stackedEncoder(3, new TripletLoss());
        INDArray[] test = triplets(new Random(99), 200);
        INDArray testLabels = Nd4j.zeros(DataType.FLOAT, 3 * 200, 1); // not read by NONE
        double before = graph.score(new MultiDataSet(test, new INDArray[] {testLabels}));
        for (int i = 0; i < 150; i++) {
            INDArray[] batch = triplets(random, n);
            graph.fit(new MultiDataSet(batch, new INDArray[] {Nd4j.zeros(DataType.FLOAT, 3 * n, 1)}));
        }
        double after = graph.score(new MultiDataSet(test, new INDArray[] {testLabels}));
        assertTrue(Double.isFinite(after) && after < 0.5 * before, "held-out triplet loss " + before + " -> " + after);

        // the encoder is shared: the three blocks of one stacked batch are embedded by the same function
        INDArray x = test[0];
        INDArray stacked = graph.outputSingle(x, x, x);
        assertEquals(stacked.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 200), org.nd4j.linalg.indexing.NDArrayIndex.all()),
                stacked.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(400, 600), org.nd4j.linalg.indexing.NDArrayIndex.all()));

        // and the trained graph (with its loss configuration) survives ModelSerializer
        java.io.File file = java.io.File.createTempFile("triplet", ".zip");
        file.deleteOnExit();
        ModelSerializer.writeModel(graph, file, true);
        ComputationGraph restored = ModelSerializer.restoreComputationGraph(file, true);
        assertEquals(after, restored.score(new MultiDataSet(test, new INDArray[] {testLabels})), 1e-6);
    }

    /** Leave-one-out nearest-neighbour accuracy of the embeddings. */
    private static double nearestNeighbourAccuracy(INDArray embeddings, int[] classes) {
        double[][] e = embeddings.toDoubleMatrix();
        int right = 0;
        for (int i = 0; i < e.length; i++) {
            int best = -1;
            double bestDistance = Double.POSITIVE_INFINITY;
            for (int j = 0; j < e.length; j++) {
                if (j == i) {
                    continue;
                }
                double s = 0;
                for (int k = 0; k < e[i].length; k++) {
                    s += (e[i][k] - e[j][k]) * (e[i][k] - e[j][k]);
                }
                if (s < bestDistance) {
                    bestDistance = s;
                    best = j;
                }
            }
            right += classes[best] == classes[i] ? 1 : 0;
        }
        return right / (double) e.length;
    }

    @Test
    void multiLayerNetworkWithGroupLabelsTrainsWithHardMining() {
        Random random = new Random(2);
        MultiLayerConfiguration conf = Nets.base(7, new Adam(0.01), DataType.FLOAT).list()
                .layer(new DenseLayer.Builder().nIn(FEATURES).nOut(16).activation(new ActivationTanH()).build())
                .layer(new OutputLayer.Builder(TripletLoss.builder().mining(TripletLoss.Mining.HARD).build())
                        .nIn(16).nOut(EMBEDDING).activation(new ActivationIdentity()).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        int[] testClasses = new int[200];
        for (int i = 0; i < testClasses.length; i++) {
            testClasses[i] = i % CLASSES;
        }
        INDArray testX = points(new Random(98), testClasses);
        INDArray testY = Nd4j.createFromArray(testClasses).castTo(DataType.FLOAT).reshape(testClasses.length, 1);
        double before = net.score(new DataSet(testX, testY));
        double accuracyBefore = nearestNeighbourAccuracy(net.output(testX), testClasses);
        int n = 32;
        for (int i = 0; i < 150; i++) {
            int[] classes = new int[n];
            for (int r = 0; r < n; r++) {
                classes[r] = random.nextInt(CLASSES);
            }
            INDArray y = Nd4j.createFromArray(classes).castTo(DataType.FLOAT).reshape(n, 1);
            net.fit(new DataSet(points(random, classes), y));
        }
        double after = net.score(new DataSet(testX, testY));
        double accuracyAfter = nearestNeighbourAccuracy(net.output(testX), testClasses);
        assertTrue(Double.isFinite(after) && after < 0.5 * before, "held-out batch-hard loss " + before + " -> " + after);
        assertTrue(accuracyAfter > accuracyBefore + 0.1 && accuracyAfter > 0.9,
                "nearest-neighbour accuracy " + accuracyBefore + " -> " + accuracyAfter);
    }

    @Test
    void siameseGraphTrainsWithContrastiveLoss() {
        Random random = new Random(3);
        ComputationGraph graph = stackedEncoder(2, new ContrastiveLoss());
        int n = 32;
        java.util.function.Supplier<MultiDataSet> pairs = () -> {
            int[] left = new int[n];
            int[] right = new int[n];
            double[] y = new double[2 * n];
            for (int i = 0; i < n; i++) {
                left[i] = random.nextInt(CLASSES);
                right[i] = i % 2 == 0 ? left[i] : (left[i] + 1 + random.nextInt(CLASSES - 1)) % CLASSES;
                y[i] = i % 2 == 0 ? 1 : 0;
            }
            INDArray labels = Nd4j.createFromArray(y).castTo(DataType.FLOAT).reshape(2 * n, 1);
            return new MultiDataSet(new INDArray[] {points(random, left), points(random, right)}, new INDArray[] {labels});
        };
        MultiDataSet test = pairs.get();
        double before = graph.score(test);
        for (int i = 0; i < 150; i++) {
            graph.fit(pairs.get());
        }
        double after = graph.score(test);
        assertTrue(Double.isFinite(after) && after < 0.5 * before, "held-out contrastive loss " + before + " -> " + after);
    }
}
