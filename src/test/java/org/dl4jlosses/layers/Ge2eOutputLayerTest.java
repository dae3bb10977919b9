package org.dl4jlosses.layers;

import static org.dl4jlosses.testing.Assert.close;
import static org.dl4jlosses.testing.Assert.rejects;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dl4jlosses.classification.CrossEntropyLoss;
import org.dl4jlosses.embedding.Ge2eLoss;
import org.dl4jlosses.integration.Nets;
import org.dl4jlosses.integration.SingleThreaded;
import org.dl4jlosses.internal.UnitRows;
import org.dl4jlosses.testing.CoupledCatalogue;
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
import org.nd4j.linalg.learning.config.Sgd;

/**
 * Ge2eOutputLayer: w and b are trainable parameters (initial 10 and -5) whose gradients pass
 * DL4J's GradientCheckUtil with the embedding's (with and without masks, network and graph), w
 * stays positive, the layer survives JSON, YAML, ModelSerializer and Java serialisation, and GE2E
 * trains through it on toy speakers.
 */
@ExtendWith({SingleThreaded.class, DoublePrecision.class})
class Ge2eOutputLayerTest {
    private static final int N_IN = 3;
    private static final int EMBEDDING = 4;

    @TempDir
    File dir;

    static MultiLayerConfiguration conf(Ge2eLoss loss, long seed, IUpdater updater, DataType type, int nIn, int hidden,
                                        int embedding) {
        return Nets.base(seed, updater, type).list()
                .layer(new DenseLayer.Builder().nIn(nIn).nOut(hidden).activation(new ActivationTanH()).build())
                .layer(new DenseLayer.Builder().nOut(embedding).activation(new ActivationIdentity()).build())
                .layer(new Ge2eOutputLayer.Builder(loss).build())
                .setInputType(InputType.feedForward(nIn))
                .build();
    }

    static MultiLayerNetwork net(Ge2eLoss loss, long seed, IUpdater updater) {
        MultiLayerNetwork net = new MultiLayerNetwork(conf(loss, seed, updater, DataType.DOUBLE, N_IN, 5, EMBEDDING));
        net.init();
        return net;
    }

    static ComputationGraph graph(Ge2eLoss loss, long seed, IUpdater updater) {
        ComputationGraphConfiguration conf = Nets.base(seed, updater, DataType.DOUBLE).graphBuilder()
                .addInputs("in")
                .addLayer("dense", new DenseLayer.Builder().nIn(N_IN).nOut(EMBEDDING).activation(new ActivationTanH()).build(), "in")
                .addLayer("out", new Ge2eOutputLayer.Builder(loss).nIn(EMBEDDING).build(), "dense")
                .setOutputs("out")
                .build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        return graph;
    }

    private static CoupledCatalogue.Sample speakers(long seed, boolean oneHot) {
        return CoupledCatalogue.speakerSample(new Random(seed), DataType.DOUBLE, new int[] {3, 4, 3}, EMBEDDING, oneHot);
    }

    @Test
    void parametersOutputAndScore() {
        MultiLayerNetwork net = net(new Ge2eLoss(), 3, new NoOp());
        assertEquals(Set.of("w", "b"), net.getLayer(2).paramTable().keySet());
        assertEquals(10.0, net.getLayer(2).getParam("w").getDouble(0));
        assertEquals(-5.0, net.getLayer(2).getParam("b").getDouble(0));
        Ge2eOutputLayer conf = (Ge2eOutputLayer) net.getLayerWiseConfigurations().getConf(2).getLayer();
        assertEquals(EMBEDDING, conf.getNIn(), "nIn inferred from the input type");
        assertEquals(EMBEDDING, conf.getNOut(), "nOut = nIn");

        MultiLayerNetwork custom = net(Ge2eLoss.builder().variant(Ge2eLoss.Variant.CONTRAST).w(2).b(0.5).build(), 3, new NoOp());
        assertEquals(2.0, custom.getLayer(2).getParam("w").getDouble(0), "initial w from the loss");
        assertEquals(0.5, custom.getLayer(2).getParam("b").getDouble(0), "initial b from the loss");

        // The output is the normalised embedding; the score is GE2E with the layer's current w and b.
        CoupledCatalogue.Sample s = speakers(4, false);
        INDArray x = Nd4j.randn(4L, new long[] {s.rows(), N_IN}).castTo(DataType.DOUBLE);
        INDArray embedding = net.feedForward(x, false).get(2);
        close(UnitRows.unitRows(embedding, UnitRows.norms(embedding)), net.output(x), 1e-12, "normalised embedding");
        net.getLayer(2).setParam("w", Nd4j.scalar(3.0).reshape(1, 1));
        net.getLayer(2).setParam("b", Nd4j.scalar(-1.0).reshape(1, 1));
        double expected = new Ge2eLoss().withParameters(3, -1, null)
                .computeScore(s.labels, embedding, new ActivationIdentity(), null, true);
        close(expected, net.score(new DataSet(x, s.labels)), 1e-12, "score with the current w, b");
    }

    @Test
    void badConfigurations() {
        rejects(() -> new Ge2eOutputLayer.Builder().lossFunction(new CrossEntropyLoss()).nIn(4).build(),
                "Ge2eOutputLayer", "Ge2eLoss", "CrossEntropyLoss");
        rejects(() -> new Ge2eOutputLayer.Builder().nIn(4).nOut(3).build(), "Ge2eOutputLayer", "nOut", "nIn");
        rejects(() -> new Ge2eOutputLayer.Builder().hasBias(true), "Ge2eOutputLayer", "hasBias");
        // A speaker with a single utterance reaches the loss's message through the network.
        MultiLayerNetwork net = net(new Ge2eLoss(), 3, new NoOp());
        INDArray y = Nd4j.createFromArray(new double[][] {{1}, {1}, {2}, {3}, {3}});
        rejects(() -> net.fit(new DataSet(Nd4j.randn(DataType.DOUBLE, 5, N_IN), y)), "Ge2eLoss", "speaker 2");
    }

    static List<Arguments> gradientChecks() {
        List<Arguments> checks = new ArrayList<>();
        for (Ge2eLoss loss : new Ge2eLoss[] {new Ge2eLoss(),
            Ge2eLoss.builder().variant(Ge2eLoss.Variant.CONTRAST).w(4).b(-1).build()}) {
            for (boolean masked : new boolean[] {false, true}) {
                checks.add(Arguments.of(loss, masked, masked));
            }
        }
        return checks;
    }

    @ParameterizedTest(name = "{0} masked {1} one-hot {2}")
    @MethodSource("gradientChecks")
    void gradientCheckInANetworkIncludingWAndB(Ge2eLoss loss, boolean masked, boolean oneHot) {
        MultiLayerNetwork net = net(loss, 12345, new NoOp());
        CoupledCatalogue.Sample s = speakers(5, oneHot);
        INDArray x = Nd4j.randn(5L, new long[] {s.rows(), N_IN}).castTo(DataType.DOUBLE);
        INDArray mask = masked ? s.maskOf(0) : null;
        net.setInput(x);
        net.setLabels(s.labels);
        net.setLayerMaskArrays(null, mask);
        net.computeGradientAndScore();
        assertTrue(Math.abs(net.gradient().getGradientFor("2_w").getDouble(0)) > 1e-6, "dL/dw is checked, not zero");
        LayerChecks.gradientCheck(net, x, s.labels, mask);
    }

    @ParameterizedTest(name = "{0} masked {1} one-hot {2}")
    @MethodSource("gradientChecks")
    void gradientCheckInAGraph(Ge2eLoss loss, boolean masked, boolean oneHot) {
        ComputationGraph graph = graph(loss, 54321, new NoOp());
        CoupledCatalogue.Sample s = speakers(6, oneHot);
        INDArray x = Nd4j.randn(6L, new long[] {s.rows(), N_IN}).castTo(DataType.DOUBLE);
        LayerChecks.gradientCheck(graph, x, s.labels, masked ? s.maskOf(0) : null);
    }

    @Test
    void jsonYamlAndModelSerializer() throws IOException {
        Ge2eLoss loss = Ge2eLoss.builder().variant(Ge2eLoss.Variant.CONTRAST).w(7).b(-2).build();
        CoupledCatalogue.Sample s = speakers(7, false);
        DataSet ds = new DataSet(Nd4j.randn(7L, new long[] {s.rows(), N_IN}).castTo(DataType.DOUBLE), s.labels);
        LayerChecks.jsonAndYaml(net(loss, 1, new NoOp()), ds);
        LayerChecks.jsonAndYaml(graph(loss, 1, new NoOp()), ds, "out");
        LayerChecks.modelSerializer(net(loss, 2, new Adam(0.01)), ds, dir);
        LayerChecks.modelSerializer(graph(loss, 2, new Adam(0.01)), ds, dir);
    }

    @Test
    void javaSerialisation() throws IOException, ClassNotFoundException {
        LayerChecks.javaSerialisation(new Ge2eOutputLayer.Builder().nIn(8).build());
        LayerChecks.javaSerialisation(new Ge2eOutputLayer.Builder(Ge2eLoss.builder().variant(Ge2eLoss.Variant.CONTRAST).build())
                .nIn(3).name("ge2e").build());
    }

    @Test
    void wIsClampedPositiveAfterAnUpdate() {
        // Each utterance lies nearer the other speaker's centroid than its own leave-one-out one,
        // so a larger w raises the loss: dL/dw > 0, and a large SGD step would take w below 0.
        MultiLayerNetwork net = new MultiLayerNetwork(Nets.base(1, new Sgd(1e4), DataType.DOUBLE).list()
                .layer(new Ge2eOutputLayer.Builder().nIn(2).build()).build());
        net.init();
        INDArray x = Nd4j.createFromArray(new double[][] {{1, 0}, {0, 1}, {1, 0.05}, {0.05, 1}});
        INDArray y = Nd4j.createFromArray(new double[][] {{0}, {0}, {1}, {1}});
        net.setInput(x);
        net.setLabels(y);
        net.computeGradientAndScore();
        double dw = net.gradient().getGradientFor("0_w").getDouble(0);
        assertTrue(dw > 0, "dL/dw " + dw);
        net.fit(new DataSet(x, y));
        assertEquals(Ge2eOutputLayer.MIN_W, net.getLayer(0).getParam("w").getDouble(0), 0.0, "w clamped");
        assertTrue(Double.isFinite(net.score(new DataSet(x, y))));
    }

    /** Toy speakers: each a Gaussian cluster around its own centre in 8 dimensions. */
    static DataSet toySpeakers(int speakers, int utterances, long seed) {
        Random random = new Random(seed);
        Random centres = new Random(30);
        double[][] centre = new double[speakers][8];
        for (double[] c : centre) {
            for (int j = 0; j < 8; j++) {
                c[j] = centres.nextGaussian();
            }
        }
        int n = speakers * utterances;
        double[][] x = new double[n][8];
        double[][] y = new double[n][1];
        for (int i = 0; i < n; i++) {
            int k = i % speakers; // interleaved: any row order works
            for (int j = 0; j < 8; j++) {
                x[i][j] = centre[k][j] + 0.5 * random.nextGaussian();
            }
            y[i][0] = 100 + k;
        }
        return new DataSet(Nd4j.createFromArray(x).castTo(DataType.FLOAT), Nd4j.createFromArray(y).castTo(DataType.FLOAT));
    }

    @Test
    void ge2eTrainsThroughTheLayer() {
        for (Ge2eLoss.Variant variant : Ge2eLoss.Variant.values()) {
            Nd4j.getRandom().setSeed(7);
            DataSet train = toySpeakers(5, 20, 41);
            MultiLayerNetwork net = new MultiLayerNetwork(conf(Ge2eLoss.builder().variant(variant).build(), 7,
                    new Adam(0.01), DataType.FLOAT, 8, 16, 6));
            net.init();
            double initial = net.score(train);
            DataSet test = toySpeakers(5, 10, 42);
            double initialTest = heldOutScore(net, test, variant);
            for (int i = 0; i < 150; i++) {
                net.fit(train);
            }
            double end = net.score(train);
            double w = net.getLayer(2).getParam("w").getDouble(0);
            double b = net.getLayer(2).getParam("b").getDouble(0);
            assertTrue(Double.isFinite(end) && end < 0.5 * initial, variant + ": score " + initial + " -> " + end);
            assertTrue(w > 0 && Math.abs(w - 10) > 1e-3, variant + ": w moved and stays positive, " + w);
            if (variant == Ge2eLoss.Variant.CONTRAST) {
                assertTrue(Math.abs(b + 5) > 1e-3, variant + ": b moved, " + b);
            } else {
                assertEquals(-5.0, b, 0.0, "softmax does not depend on b, so b stays");
            }
            // Held-out utterances of the same speakers: their score falls too.
            double endTest = heldOutScore(net, test, variant);
            assertTrue(endTest < 0.7 * initialTest, variant + ": held-out score " + initialTest + " -> " + endTest);
        }
    }

    /** GE2E of the network's normalised output on held-out data, with the layer's current w and b. */
    private static double heldOutScore(MultiLayerNetwork net, DataSet test, Ge2eLoss.Variant variant) {
        double w = net.getLayer(2).getParam("w").getDouble(0);
        double b = net.getLayer(2).getParam("b").getDouble(0);
        return Ge2eLoss.builder().variant(variant).build().withParameters(w, b, null)
                .computeScore(test.getLabels(), net.output(test.getFeatures()), new ActivationIdentity(), null, true);
    }
}
