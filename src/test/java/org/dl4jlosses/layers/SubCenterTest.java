package org.dl4jlosses.layers;

import static org.dl4jlosses.testing.Assert.close;
import static org.dl4jlosses.testing.Assert.rejects;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dl4jlosses.embedding.AdditiveAngularMarginLoss;
import org.dl4jlosses.embedding.AdditiveCosineMarginLoss;
import org.dl4jlosses.integration.Nets;
import org.dl4jlosses.integration.SingleThreaded;
import org.dl4jlosses.testing.DoublePrecision;
import org.dl4jlosses.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.shade.jackson.databind.JsonNode;

/**
 * CosineOutputLayer's sub-centers: the pooled cosines, the score and the gradients of W and of the
 * input against PyTorch (make_subcenter_fixtures.py), GradientCheckUtil in a network and a graph,
 * and the option through JSON, YAML, ModelSerializer and configurations saved before it existed.
 */
@ExtendWith({SingleThreaded.class, DoublePrecision.class})
class SubCenterTest {
    private static final int N_IN = 3;
    private static final int HIDDEN = 5;
    private static final int CLASSES = 4;
    private static final int K = 3;

    @TempDir
    File dir;

    static List<JsonNode> fixtures() {
        List<JsonNode> cases = new ArrayList<>();
        Fixtures.read("/fixtures/layers/subcenter.json").get("cases").forEach(cases::add);
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void matchesPyTorch(JsonNode c) throws IOException {
        ILossFunction loss = NeuralNetConfiguration.mapper().treeToValue(c.get("loss"), ILossFunction.class);
        INDArray x = Fixtures.matrix(c.get("x"), DataType.DOUBLE);
        INDArray w = Fixtures.matrix(c.get("W"), DataType.DOUBLE);
        INDArray labels = Fixtures.matrix(c.get("labels"), DataType.DOUBLE);
        int k = c.get("subCenters").asInt();
        int classes = (int) w.size(1) / k;
        MultiLayerNetwork net = new MultiLayerNetwork(Nets.base(1, new NoOp(), DataType.DOUBLE).list()
                .layer(new CosineOutputLayer.Builder(loss).nIn(x.size(1)).nOut(classes).subCenters(k).build()).build());
        net.init();
        net.getLayer(0).setParam("W", w);

        close(Fixtures.matrix(c.get("cosines"), DataType.DOUBLE), net.output(x), 1e-12, "pooled cosines");
        assertEquals(c.get("score").asDouble(), net.score(new DataSet(x, labels)), 1e-10, "score");
        // DL4J's gradients are of the sum over the minibatch (its updater divides by the minibatch size).
        long rows = x.size(0);
        Pair<Gradient, INDArray> gradients = net.calculateGradients(x, labels, null, null);
        close(Fixtures.matrix(c.get("gradientW"), DataType.DOUBLE).mul(rows), gradients.getFirst().getGradientFor("0_W"),
                1e-9, "dLoss/dW");
        close(Fixtures.matrix(c.get("gradientX"), DataType.DOUBLE).mul(rows), gradients.getSecond(), 1e-9, "dLoss/dx");
    }

    private static CosineOutputLayer layer(ILossFunction loss, int k) {
        return new CosineOutputLayer.Builder(loss).nIn(HIDDEN).nOut(CLASSES).subCenters(k).build();
    }

    private static MultiLayerNetwork net(ILossFunction loss, int k, long seed) {
        MultiLayerNetwork net = new MultiLayerNetwork(Nets.base(seed, new NoOp(), DataType.DOUBLE).list()
                .layer(new DenseLayer.Builder().nIn(N_IN).nOut(HIDDEN).activation(new ActivationTanH()).build())
                .layer(layer(loss, k)).build());
        net.init();
        return net;
    }

    private static ComputationGraph graph(ILossFunction loss, int k, long seed, IUpdater updater) {
        ComputationGraphConfiguration conf = Nets.base(seed, updater, DataType.DOUBLE).graphBuilder()
                .addInputs("in")
                .addLayer("dense", new DenseLayer.Builder().nIn(N_IN).nOut(HIDDEN).activation(new ActivationTanH()).build(), "in")
                .addLayer("out", layer(loss, k), "dense")
                .setOutputs("out")
                .build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        return graph;
    }

    private static INDArray classIndices(int rows, long seed) {
        Random random = new Random(seed);
        double[][] y = new double[rows][1];
        for (int i = 0; i < rows; i++) {
            y[i][0] = i < CLASSES ? i : random.nextInt(CLASSES);
        }
        return Nd4j.createFromArray(y);
    }

    @Test
    void weightsHoldKColumnsPerClassAndGradientChecksPass() {
        MultiLayerNetwork net = net(new AdditiveAngularMarginLoss(), K, 12345);
        INDArray w = net.getLayer(1).getParam("W");
        assertEquals(List.of((long) HIDDEN, (long) CLASSES * K), List.of(w.size(0), w.size(1)));
        assertEquals(CLASSES, net.output(Nd4j.rand(DataType.DOUBLE, 2, N_IN)).size(1), "one output per class");
        INDArray x = Nd4j.randn(7L, new long[] {8, N_IN}).castTo(DataType.DOUBLE);
        INDArray mask = Nd4j.createFromArray(new double[][] {{1}, {0}, {1}, {1}, {0}, {1}, {1}, {1}});
        LayerChecks.gradientCheck(net, x, classIndices(8, 1), null);
        LayerChecks.gradientCheck(net(AdditiveCosineMarginLoss.builder().scale(8).build(), 2, 7), x, classIndices(8, 2), mask);
        LayerChecks.gradientCheck(graph(new AdditiveAngularMarginLoss(), K, 54321, new NoOp()), x, classIndices(8, 3), mask);
    }

    /** Equal sub-centers: the gradient reaches the first of them only, as torch.max's index does. */
    @Test
    void equalSubCentersSendTheGradientToTheFirst() {
        MultiLayerNetwork net = new MultiLayerNetwork(Nets.base(4, new NoOp(), DataType.DOUBLE).list()
                .layer(new CosineOutputLayer.Builder(new AdditiveAngularMarginLoss()).nIn(3).nOut(2).subCenters(3).build())
                .build());
        net.init();
        INDArray w = net.getLayer(0).getParam("W").dup();
        for (int j = 0; j < 2; j++) {
            // Sub-centers 1 and 2 of each class copy sub-center 0: every class's three cosines are equal.
            w.getColumn(j * 3 + 1).assign(w.getColumn(j * 3));
            w.getColumn(j * 3 + 2).assign(w.getColumn(j * 3));
        }
        net.getLayer(0).setParam("W", w);
        INDArray x = Nd4j.randn(9L, new long[] {4, 3}).castTo(DataType.DOUBLE);
        INDArray labels = Nd4j.createFromArray(new double[][] {{0}, {1}, {0}, {1}});
        INDArray gradient = net.calculateGradients(x, labels, null, null).getFirst().getGradientFor("0_W");
        for (int j = 0; j < 2; j++) {
            assertTrue(gradient.getColumn(j * 3).norm2Number().doubleValue() > 0, "class " + j + "'s first sub-center");
            assertEquals(0.0, gradient.getColumn(j * 3 + 1).norm2Number().doubleValue(), "class " + j + "'s second");
            assertEquals(0.0, gradient.getColumn(j * 3 + 2).norm2Number().doubleValue(), "class " + j + "'s third");
        }
    }

    @Test
    void survivesJsonYamlAndModelSerializer() throws IOException {
        DataSet ds = new DataSet(Nd4j.randn(3L, new long[] {8, N_IN}).castTo(DataType.DOUBLE), classIndices(8, 4));
        LayerChecks.jsonAndYaml(net(new AdditiveAngularMarginLoss(), K, 1), ds);
        LayerChecks.jsonAndYaml(graph(new AdditiveAngularMarginLoss(), K, 1, new NoOp()), ds, "out");
        LayerChecks.modelSerializer(graph(new AdditiveAngularMarginLoss(), K, 2, new Adam(0.01)), ds, dir);
        assertNotEquals(layer(new AdditiveAngularMarginLoss(), 1), layer(new AdditiveAngularMarginLoss(), 2));
        assertEquals(layer(new AdditiveAngularMarginLoss(), 2), layer(new AdditiveAngularMarginLoss(), 2));
    }

    @Test
    void aConfigurationWithoutTheOptionReadsAsOneSubCenter() {
        MultiLayerConfiguration conf = net(new AdditiveAngularMarginLoss(), 1, 3).getLayerWiseConfigurations();
        String json = conf.toJson();
        String old = json.replaceAll("\"subCenters\"\\s*:\\s*1\\s*,?", "");
        assertTrue(json.contains("subCenters") && !old.contains("subCenters"), "the option was taken out of the JSON");
        MultiLayerConfiguration restored = MultiLayerConfiguration.fromJson(old);
        CosineOutputLayer layer = (CosineOutputLayer) restored.getConf(1).getLayer();
        assertEquals(1, layer.getSubCenters());
        assertEquals(conf, restored);
    }

    @Test
    void badSubCentersAreRejected() {
        rejects(() -> new CosineOutputLayer.Builder().subCenters(0), "CosineOutputLayer", "subCenters", "at least 1", "0");
        String json = net(new AdditiveAngularMarginLoss(), 2, 3).getLayerWiseConfigurations().toJson()
                .replaceAll("\"subCenters\"\\s*:\\s*2", "\"subCenters\" : -1");
        MultiLayerNetwork bad = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(json));
        rejects(bad::init, "CosineOutputLayer", "subCenters", "-1");
    }
}
