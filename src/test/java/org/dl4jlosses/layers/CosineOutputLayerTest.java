package org.dl4jlosses.layers;

import static org.dl4jlosses.testing.Assert.close;
import static org.dl4jlosses.testing.Assert.rejects;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dl4jlosses.embedding.AdditiveAngularMarginLoss;
import org.dl4jlosses.integration.Nets;
import org.dl4jlosses.integration.SingleThreaded;
import org.dl4jlosses.internal.UnitRows;
import org.dl4jlosses.testing.DoublePrecision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * CosineOutputLayer: its pre-output is the cosine, DL4J's GradientCheckUtil passes through both
 * normalisations (with and without masks, in a network and a graph), it survives JSON, YAML,
 * ModelSerializer and Java serialisation, and ArcFace trains through it.
 */
@ExtendWith({SingleThreaded.class, DoublePrecision.class})
class CosineOutputLayerTest {
    private static final int N_IN = 3;
    private static final int HIDDEN = 5;
    private static final int CLASSES = 4;

    @TempDir
    File dir;

    static MultiLayerConfiguration conf(ILossFunction loss, long seed, IUpdater updater, DataType type, int nIn,
                                        int hidden, int classes) {
        return Nets.base(seed, updater, type).list()
                .layer(new DenseLayer.Builder().nIn(nIn).nOut(hidden).activation(new ActivationTanH()).build())
                .layer(new CosineOutputLayer.Builder(loss).nIn(hidden).nOut(classes).build())
                .build();
    }

    static MultiLayerNetwork net(ILossFunction loss, long seed, IUpdater updater, DataType type) {
        MultiLayerNetwork net = new MultiLayerNetwork(conf(loss, seed, updater, type, N_IN, HIDDEN, CLASSES));
        net.init();
        return net;
    }

    static ComputationGraph graph(ILossFunction loss, long seed, IUpdater updater) {
        ComputationGraphConfiguration conf = Nets.base(seed, updater, DataType.DOUBLE).graphBuilder()
                .addInputs("in")
                .addLayer("dense", new DenseLayer.Builder().nIn(N_IN).nOut(HIDDEN).activation(new ActivationTanH()).build(), "in")
                .addLayer("out", new CosineOutputLayer.Builder(loss).nIn(HIDDEN).nOut(CLASSES).build(), "dense")
                .setOutputs("out")
                .build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        return graph;
    }

    private static INDArray labels(Random random, int rows, boolean oneHot) {
        double[][] y = new double[rows][oneHot ? CLASSES : 1];
        for (int i = 0; i < rows; i++) {
            int c = i < CLASSES ? i : random.nextInt(CLASSES);
            if (oneHot) {
                y[i][c] = 1;
            } else {
                y[i][0] = c;
            }
        }
        return Nd4j.createFromArray(y);
    }

    private static DataSet data(long seed) {
        Random random = new Random(seed);
        return new DataSet(Nd4j.randn(seed, new long[] {8, N_IN}).castTo(DataType.DOUBLE), labels(random, 8, false));
    }

    @Test
    void preOutputIsTheCosineBetweenInputAndWeightColumns() {
        MultiLayerNetwork net = net(new AdditiveAngularMarginLoss(), 3, new NoOp(), DataType.DOUBLE);
        assertEquals(Set.of("W"), net.getLayer(1).paramTable().keySet(), "weights only, no bias");
        INDArray w = net.getLayer(1).getParam("W");
        assertEquals(List.of((long) HIDDEN, (long) CLASSES), List.of(w.size(0), w.size(1)));
        INDArray x = Nd4j.randn(5L, new long[] {9, N_IN}).castTo(DataType.DOUBLE);
        INDArray hidden = net.feedForward(x, false).get(1);
        INDArray expected = UnitRows.unitRows(hidden, UnitRows.norms(hidden))
                .mmul(UnitRows.unitRows(w.transpose(), UnitRows.norms(w.transpose())).transpose());
        INDArray out = net.output(x);
        close(expected, out, 1e-12, "cosines");
        assertTrue(out.amaxNumber().doubleValue() <= 1.0);
        // Scaling a weight column or an input row does not change the cosines.
        net.getLayer(1).setParam("W", w.mulRowVector(Nd4j.createFromArray(new double[] {3, 0.2, 1, 10})));
        close(expected, net.output(x), 1e-12, "scale-free");
    }

    @Test
    void defaultsAndBadOptions() {
        CosineOutputLayer layer = new CosineOutputLayer.Builder().nIn(4).nOut(3).build();
        assertEquals(new AdditiveAngularMarginLoss(), layer.getLossFn());
        assertEquals(new ActivationIdentity(), layer.getActivationFn());
        assertFalse(layer.hasBias());
        rejects(() -> new CosineOutputLayer.Builder().hasBias(true), "CosineOutputLayer", "hasBias");
        assertFalse(layer.equals(new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder(new AdditiveAngularMarginLoss())
                .nIn(4).nOut(3).hasBias(false).activation(new ActivationIdentity()).build()), "not a plain OutputLayer");
    }

    @Test
    void inputsAlignedWithAClassCentreGiveFiniteGradients() {
        // Inputs along a weight column (cosine 1) and against it (cosine -1): the margin's
        // derivative is unbounded there, the cosine's own derivative is zero, the product finite.
        MultiLayerNetwork net = new MultiLayerNetwork(Nets.base(9, new NoOp(), DataType.DOUBLE).list()
                .layer(new CosineOutputLayer.Builder().nIn(3).nOut(CLASSES).build()).build());
        net.init();
        INDArray w = net.getLayer(0).getParam("W");
        INDArray column = w.getColumn(0).reshape(1, 3);
        INDArray x = Nd4j.vstack(column.mul(2), column.mul(-0.5), column.mul(3)).castTo(DataType.DOUBLE);
        INDArray y = Nd4j.createFromArray(new double[][] {{0}, {0}, {1}});
        INDArray cosines = net.output(x);
        assertEquals(1.0, cosines.getDouble(0, 0), 1e-15);
        assertEquals(-1.0, cosines.getDouble(1, 0), 1e-15);
        net.setInput(x);
        net.setLabels(y);
        net.computeGradientAndScore();
        assertTrue(Double.isFinite(net.score()), "score " + net.score());
        INDArray gradient = net.gradient().gradient();
        assertTrue(Double.isFinite(gradient.sumNumber().doubleValue()) && gradient.amaxNumber().doubleValue() < 1e6,
                "finite gradient " + gradient);
    }

    static List<Arguments> gradientChecks() {
        List<Arguments> checks = new ArrayList<>();
        for (AdditiveAngularMarginLoss loss : new AdditiveAngularMarginLoss[] {new AdditiveAngularMarginLoss(),
            AdditiveAngularMarginLoss.builder().scale(16).margin(0.3).easyMargin(true).build()}) {
            for (boolean masked : new boolean[] {false, true}) {
                checks.add(Arguments.of(loss, masked, !masked));
            }
        }
        return checks;
    }

    @ParameterizedTest(name = "{0} masked {1} one-hot {2}")
    @MethodSource("gradientChecks")
    void gradientCheckInANetwork(AdditiveAngularMarginLoss loss, boolean masked, boolean oneHot) {
        Random random = new Random(11);
        MultiLayerNetwork net = net(loss, 12345, new NoOp(), DataType.DOUBLE);
        INDArray x = Nd4j.randn(7L, new long[] {8, N_IN}).castTo(DataType.DOUBLE);
        INDArray mask = masked ? Nd4j.createFromArray(new double[][] {{1}, {0}, {1}, {1}, {0}, {1}, {1}, {1}}) : null;
        LayerChecks.gradientCheck(net, x, labels(random, 8, oneHot), mask);
    }

    @ParameterizedTest(name = "{0} masked {1} one-hot {2}")
    @MethodSource("gradientChecks")
    void gradientCheckInAGraph(AdditiveAngularMarginLoss loss, boolean masked, boolean oneHot) {
        Random random = new Random(12);
        ComputationGraph graph = graph(loss, 54321, new NoOp());
        INDArray x = Nd4j.randn(8L, new long[] {8, N_IN}).castTo(DataType.DOUBLE);
        INDArray mask = masked ? Nd4j.createFromArray(new double[][] {{1}, {1}, {0}, {1}, {1}, {1}, {0}, {1}}) : null;
        LayerChecks.gradientCheck(graph, x, labels(random, 8, oneHot), mask);
    }

    @Test
    void jsonYamlAndModelSerializer() throws IOException {
        AdditiveAngularMarginLoss loss = AdditiveAngularMarginLoss.builder().scale(30).margin(0.2).easyMargin(true).build();
        DataSet ds = data(1);
        LayerChecks.jsonAndYaml(net(loss, 1, new NoOp(), DataType.DOUBLE), ds);
        LayerChecks.jsonAndYaml(graph(loss, 1, new NoOp()), ds, "out");
        LayerChecks.modelSerializer(net(loss, 2, new Adam(0.01), DataType.DOUBLE), ds, dir);
        LayerChecks.modelSerializer(graph(loss, 2, new Adam(0.01)), ds, dir);
    }

    @Test
    void javaSerialisation() throws IOException, ClassNotFoundException {
        LayerChecks.javaSerialisation(new CosineOutputLayer.Builder().nIn(4).nOut(3).build());
        LayerChecks.javaSerialisation(new CosineOutputLayer.Builder(AdditiveAngularMarginLoss.builder().margin(0.1).build())
                .nIn(7).nOut(2).name("arc").build());
    }

    /** Four Gaussian clusters in 6 dimensions (the same centres for every seed), one class each. */
    static DataSet clusters(int rows, long seed, DataType type) {
        Random random = new Random(seed);
        Random centreRandom = new Random(20);
        double[][] centres = new double[CLASSES][6];
        for (double[] c : centres) {
            for (int j = 0; j < 6; j++) {
                c[j] = 2 * centreRandom.nextGaussian();
            }
        }
        double[][] x = new double[rows][6];
        double[][] y = new double[rows][CLASSES];
        for (int i = 0; i < rows; i++) {
            int c = i % CLASSES;
            for (int j = 0; j < 6; j++) {
                x[i][j] = centres[c][j] + 0.7 * random.nextGaussian();
            }
            y[i][c] = 1;
        }
        return new DataSet(Nd4j.createFromArray(x).castTo(type), Nd4j.createFromArray(y).castTo(type));
    }

    private static double accuracy(INDArray cosines, INDArray oneHot) {
        int[] predicted = cosines.argMax(1).toIntVector();
        int[] truth = oneHot.argMax(1).toIntVector();
        int right = 0;
        for (int i = 0; i < truth.length; i++) {
            right += predicted[i] == truth[i] ? 1 : 0;
        }
        return right / (double) truth.length;
    }

    @Test
    void arcFaceTrainsThroughTheLayer() {
        Nd4j.getRandom().setSeed(7);
        DataSet train = clusters(160, 21, DataType.FLOAT);
        DataSet test = clusters(80, 22, DataType.FLOAT);
        MultiLayerNetwork net = new MultiLayerNetwork(conf(new AdditiveAngularMarginLoss(), 7, new Adam(0.01),
                DataType.FLOAT, 6, 16, CLASSES));
        net.init();
        double initial = net.score(train);
        double initialAccuracy = accuracy(net.output(test.getFeatures()), test.getLabels());
        for (int i = 0; i < 150; i++) {
            net.fit(train);
        }
        double end = net.score(train);
        double accuracy = accuracy(net.output(test.getFeatures()), test.getLabels());
        assertTrue(Double.isFinite(end) && end < 0.5 * initial, "ArcFace score " + initial + " -> " + end);
        assertTrue(accuracy > 0.9 && accuracy > initialAccuracy, "held-out accuracy " + initialAccuracy + " -> " + accuracy);
        INDArray out = net.output(test.getFeatures());
        assertEquals(DataType.FLOAT, out.dataType());
        assertTrue(Transforms.abs(out).maxNumber().doubleValue() <= 1.0, "outputs are cosines");
    }
}
