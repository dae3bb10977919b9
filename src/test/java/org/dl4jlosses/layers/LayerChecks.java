package org.dl4jlosses.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import org.dl4jlosses.testing.RoundTrips;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/** Checks both layer tests share: gradient checks, JSON/YAML, ModelSerializer and Java serialisation. */
final class LayerChecks {
    private LayerChecks() {
    }

    /**
     * Below this absolute difference a gradient passes: central differences of a score near 10
     * carry about 1e-9 of rounding (1e-16 x 10 / 1e-6), so a zero gradient (GE2E SOFTMAX's dL/db)
     * must not fail on that noise.
     */
    private static final double MIN_ABSOLUTE_ERROR = 1e-8;

    static void gradientCheck(MultiLayerNetwork net, INDArray x, INDArray y, INDArray mask) {
        net.setInput(x);
        net.setLabels(y);
        net.setLayerMaskArrays(null, mask);
        net.computeGradientAndScore();
        double norm = net.gradient().gradient().norm2Number().doubleValue();
        assertTrue(norm > 1e-6, "gradient must not vanish, norm " + norm);
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig()
                .net(net).input(x).labels(y).labelMask(mask)
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(MIN_ABSOLUTE_ERROR)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY).exitOnFirstError(false));
        assertTrue(ok, "gradient check failed");
    }

    static void gradientCheck(ComputationGraph graph, INDArray x, INDArray y, INDArray mask) {
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig()
                .net(graph).inputs(new INDArray[] {x}).labels(new INDArray[] {y})
                .labelMask(mask == null ? null : new INDArray[] {mask})
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(MIN_ABSOLUTE_ERROR)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY).exitOnFirstError(false));
        assertTrue(ok, "graph gradient check failed");
    }

    /** JSON and YAML: the configuration, its last layer and the restored network's score are equal. */
    static void jsonAndYaml(MultiLayerNetwork net, DataSet ds) {
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        Layer original = conf.getConf(conf.getConfs().size() - 1).getLayer();
        double score = net.score(ds);
        for (MultiLayerConfiguration restored : new MultiLayerConfiguration[] {
            MultiLayerConfiguration.fromJson(conf.toJson()), MultiLayerConfiguration.fromYaml(conf.toYaml())}) {
            assertEquals(conf, restored);
            Layer layer = restored.getConf(restored.getConfs().size() - 1).getLayer();
            assertNotSame(original, layer);
            assertEquals(original.getClass(), layer.getClass());
            assertEquals(original, layer);
            MultiLayerNetwork copy = new MultiLayerNetwork(restored);
            copy.init(net.params().dup(), false);
            assertEquals(score, copy.score(ds), 0.0, "restored network's score");
        }
    }

    static void jsonAndYaml(ComputationGraph graph, DataSet ds, String output) {
        ComputationGraphConfiguration conf = graph.getConfiguration();
        Layer original = ((LayerVertex) conf.getVertices().get(output)).getLayerConf().getLayer();
        double score = graph.score(ds);
        for (ComputationGraphConfiguration restored : new ComputationGraphConfiguration[] {
            ComputationGraphConfiguration.fromJson(conf.toJson()), ComputationGraphConfiguration.fromYaml(conf.toYaml())}) {
            assertEquals(conf, restored);
            Layer layer = ((LayerVertex) restored.getVertices().get(output)).getLayerConf().getLayer();
            assertEquals(original.getClass(), layer.getClass());
            assertEquals(original, layer);
            ComputationGraph copy = new ComputationGraph(restored);
            copy.init(graph.params().dup(), false);
            assertEquals(score, copy.score(ds), 0.0, "restored graph's score");
        }
    }

    /** ModelSerializer with updater state: training resumes on exactly the original's path. */
    static void modelSerializer(MultiLayerNetwork net, DataSet ds, File dir) throws IOException {
        RoundTrips.assertResumesExactly(net, ds, dir);
    }

    static void modelSerializer(ComputationGraph graph, DataSet ds, File dir) throws IOException {
        RoundTrips.assertResumesExactly(graph, ds, dir);
    }

    /** A layer configuration survives plain Java serialisation as an equal object. */
    static void javaSerialisation(Layer layer) {
        Layer restored = RoundTrips.javaCopy(layer);
        assertNotSame(layer, restored);
        assertEquals(layer.getClass(), restored.getClass());
        assertEquals(layer, restored);
        assertEquals(layer.hashCode(), restored.hashCode());
    }
}
