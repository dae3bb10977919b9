package org.dl4jlosses.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.Random;
import static org.dl4jlosses.testing.RoundTrips.assertSameLoss;

import org.dl4jlosses.testing.RoundTrips;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.dl4jlosses.integration.LossCases.Case;
import org.dl4jlosses.integration.Nets.Head;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * Every loss configuration through DL4J's persistence: configuration JSON and YAML (networks and
 * graphs, OutputLayer and LossLayer), ModelSerializer with updater state (training resumes on
 * exactly the original's path), and plain Java serialisation.
 */
@ExtendWith(SingleThreaded.class)
class SerializationTest {
    private static final int ROWS = 12;
    private static final int N_IN = 4;
    private static final int HIDDEN = 5;

    @TempDir
    File dir;

    static List<Case> cases() {
        return LossCases.distinctLosses();
    }

    private static DataSet data(Case c) {
        Random rnd = new Random(17);
        return new DataSet(LossCases.gaussian(ROWS, N_IN, rnd, DataType.DOUBLE),
                LossCases.labels(c.labels, ROWS, LossCases.K, rnd, DataType.DOUBLE));
    }

    private static ILossFunction lossOf(MultiLayerConfiguration conf) {
        Object layer = conf.getConf(conf.getConfs().size() - 1).getLayer();
        return layer instanceof BaseOutputLayer ? ((BaseOutputLayer) layer).getLossFn() : ((LossLayer) layer).getLossFn();
    }

    private static ILossFunction lossOf(ComputationGraphConfiguration conf) {
        LayerVertex out = (LayerVertex) conf.getVertices().get("out");
        return ((BaseOutputLayer) out.getLayerConf().getLayer()).getLossFn();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void multiLayerConfigurationJsonAndYaml(Case c) {
        DataSet ds = data(c);
        for (Head head : Head.values()) {
            MultiLayerNetwork net = Nets.mln(head, c.loss, c.activation, N_IN, HIDDEN, LossCases.K, 1, new NoOp(), DataType.DOUBLE);
            MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
            double score = net.score(ds);
            for (MultiLayerConfiguration restored : new MultiLayerConfiguration[] {
                MultiLayerConfiguration.fromJson(conf.toJson()), MultiLayerConfiguration.fromYaml(conf.toYaml())}) {
                assertSameLoss(c.loss, lossOf(restored));
                assertEquals(conf, restored);
                MultiLayerNetwork copy = new MultiLayerNetwork(restored);
                copy.init(net.params().dup(), false);
                assertEquals(score, copy.score(ds), 0.0, head + ": restored network's score");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void computationGraphConfigurationJsonAndYaml(Case c) {
        DataSet ds = data(c);
        ComputationGraph graph = Nets.graph(c.loss, c.activation, N_IN, HIDDEN, LossCases.K, 1, new NoOp(), DataType.DOUBLE);
        ComputationGraphConfiguration conf = graph.getConfiguration();
        double score = graph.score(ds);
        for (ComputationGraphConfiguration restored : new ComputationGraphConfiguration[] {
            ComputationGraphConfiguration.fromJson(conf.toJson()), ComputationGraphConfiguration.fromYaml(conf.toYaml())}) {
            assertSameLoss(c.loss, lossOf(restored));
            assertEquals(conf, restored);
            ComputationGraph copy = new ComputationGraph(restored);
            copy.init(graph.params().dup(), false);
            assertEquals(score, copy.score(ds), 0.0, "restored graph's score");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void modelSerializerNetworkResumesTrainingExactly(Case c) throws IOException {
        DataSet ds = data(c);
        MultiLayerNetwork net = Nets.mln(Head.OUTPUT_LAYER, c.loss, c.activation, N_IN, HIDDEN, LossCases.K, 2,
                new Adam(0.01), DataType.DOUBLE);
        MultiLayerNetwork restored = RoundTrips.assertResumesExactly(net, ds, dir);
        assertSameLoss(c.loss, lossOf(restored.getLayerWiseConfigurations()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void modelSerializerGraphResumesTrainingExactly(Case c) throws IOException {
        DataSet ds = data(c);
        ComputationGraph graph = Nets.graph(c.loss, c.activation, N_IN, HIDDEN, LossCases.K, 2, new Adam(0.01),
                DataType.DOUBLE);
        ComputationGraph restored = RoundTrips.assertResumesExactly(graph, ds, dir);
        assertSameLoss(c.loss, lossOf(restored.getConfiguration()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void javaSerialisation(Case c) {
        ILossFunction restored = RoundTrips.javaCopy(c.loss);
        assertSameLoss(c.loss, restored);
        Random rnd = new Random(5);
        INDArray z = LossCases.gaussian(ROWS, LossCases.K, rnd, DataType.DOUBLE);
        INDArray y = LossCases.labels(c.labels, ROWS, LossCases.K, rnd, DataType.DOUBLE);
        assertEquals(c.loss.computeScore(y, z, c.activation, null, true),
                restored.computeScore(y, z, c.activation, null, true), 0.0);
        assertEquals(c.loss.computeGradient(y, z, c.activation, null), restored.computeGradient(y, z, c.activation, null));
    }
}
