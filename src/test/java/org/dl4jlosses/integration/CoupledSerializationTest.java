package org.dl4jlosses.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import static org.dl4jlosses.testing.RoundTrips.assertSameLoss;

import org.dl4jlosses.testing.RoundTrips;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.dl4jlosses.integration.Nets.Head;
import org.dl4jlosses.testing.CoupledCatalogue;
import org.dl4jlosses.testing.CoupledCatalogue.Entry;
import org.dl4jlosses.testing.CoupledCatalogue.Sample;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * Every distinct coupled loss configuration through DL4J's persistence: configuration JSON and
 * YAML (OutputLayer and LossLayer), ModelSerializer with updater state (training resumes on
 * exactly the original's path), and plain Java serialisation.
 */
@ExtendWith(SingleThreaded.class)
class CoupledSerializationTest {
    private static final int N_IN = 4;
    private static final int HIDDEN = 5;

    @TempDir
    File dir;

    /** One entry per distinct loss configuration. */
    static List<Entry> entries() {
        List<Entry> distinct = new ArrayList<>();
        for (Entry e : CoupledCatalogue.all()) {
            if (distinct.stream().noneMatch(d -> d.loss.equals(e.loss) && d.activation.equals(e.activation))) {
                distinct.add(e);
            }
        }
        return distinct;
    }

    private static DataSet data(Sample s) {
        return new DataSet(CoupledCatalogue.gaussian(new Random(17), s.rows(), N_IN, DataType.DOUBLE), s.labels);
    }

    private static ILossFunction lossOf(MultiLayerConfiguration conf) {
        Object layer = conf.getConf(conf.getConfs().size() - 1).getLayer();
        return layer instanceof BaseOutputLayer ? ((BaseOutputLayer) layer).getLossFn() : ((LossLayer) layer).getLossFn();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void configurationJsonAndYaml(Entry e) {
        Sample s = e.sample(new Random(1), DataType.DOUBLE);
        DataSet ds = data(s);
        for (Head head : Head.values()) {
            MultiLayerNetwork net = Nets.mln(head, e.loss, e.activation, N_IN, HIDDEN, (int) s.z.size(1), 1, new NoOp(),
                    DataType.DOUBLE);
            MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
            double score = net.score(ds);
            for (MultiLayerConfiguration restored : new MultiLayerConfiguration[] {
                MultiLayerConfiguration.fromJson(conf.toJson()), MultiLayerConfiguration.fromYaml(conf.toYaml())}) {
                assertSameLoss(e.loss, lossOf(restored));
                assertEquals(conf, restored);
                MultiLayerNetwork copy = new MultiLayerNetwork(restored);
                copy.init(net.params().dup(), false);
                assertEquals(score, copy.score(ds), 0.0, head + ": restored network's score");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void modelSerializerResumesTrainingExactly(Entry e) throws IOException {
        Sample s = e.sample(new Random(2), DataType.DOUBLE);
        DataSet ds = data(s);
        MultiLayerNetwork net = Nets.mln(Head.OUTPUT_LAYER, e.loss, e.activation, N_IN, HIDDEN, (int) s.z.size(1), 2,
                new Adam(0.01), DataType.DOUBLE);
        MultiLayerNetwork restored = RoundTrips.assertResumesExactly(net, ds, dir);
        assertSameLoss(e.loss, lossOf(restored.getLayerWiseConfigurations()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void javaSerialisation(Entry e) {
        ILossFunction restored = RoundTrips.javaCopy(e.loss);
        assertSameLoss(e.loss, restored);
        Sample s = e.sample(new Random(5), DataType.DOUBLE);
        assertEquals(e.loss.computeScore(s.labels, s.z, e.activation, null, true),
                restored.computeScore(s.labels, s.z, e.activation, null, true), 0.0);
        assertEquals(e.loss.computeGradient(s.labels, s.z, e.activation, null),
                restored.computeGradient(s.labels, s.z, e.activation, null));
    }
}
