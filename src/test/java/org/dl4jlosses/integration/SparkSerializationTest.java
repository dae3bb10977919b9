package org.dl4jlosses.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.JavaSerializer;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dl4jlosses.integration.LossCases.Case;
import org.dl4jlosses.integration.ToyData.Problem;
import org.dl4jlosses.testing.CoupledCatalogue.Entry;
import org.dl4jlosses.testing.CoupledCatalogue.Sample;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.kryo.Nd4jRegistrator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Every loss (point-wise and coupled), and the configuration of each network the Spark tests
 * train, through Spark's own serializers: Java serialisation (Spark's default) and Kryo with
 * ND4J's registrator (what DL4J recommends for Spark). In local mode Spark hands the driver's broadcast objects to its executor
 * threads without serialising them, so this is what a cluster adds to {@link SparkTrainingTest}.
 */
@ExtendWith(SingleThreaded.class)
class SparkSerializationTest {
    private static final int ROWS = 12;

    /** Spark's serializers, by name. */
    enum Serializer {
        JAVA,
        KRYO;

        SerializerInstance instance() {
            SparkConf conf = new SparkConf(false);
            if (this == JAVA) {
                return new JavaSerializer(conf).newInstance();
            }
            conf.set("spark.kryo.registrator", Nd4jRegistrator.class.getName());
            return new KryoSerializer(conf).newInstance();
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(Serializer serializer, T value) {
        SerializerInstance instance = serializer.instance();
        ClassTag<Object> tag = ClassTag$.MODULE$.apply(Object.class);
        ByteBuffer bytes = instance.serialize(value, tag);
        T restored = (T) instance.deserialize(bytes, tag);
        assertNotSame(value, restored);
        return restored;
    }

    static Stream<Arguments> losses() {
        List<Arguments> args = new ArrayList<>();
        for (Case c : LossCases.distinctLosses()) {
            for (Serializer s : Serializer.values()) {
                args.add(Arguments.of(c, s));
            }
        }
        return args.stream();
    }

    @ParameterizedTest(name = "{0} | {1}")
    @MethodSource("losses")
    void everyLossRoundTripsToAnEqualLoss(Case c, Serializer serializer) {
        ILossFunction restored = roundTrip(serializer, c.loss);
        assertEquals(c.loss.getClass(), restored.getClass());
        assertEquals(c.loss, restored);
        assertEquals(c.loss.hashCode(), restored.hashCode());
        assertEquals(c.loss.toString(), restored.toString());

        Random rnd = new Random(9);
        INDArray z = LossCases.gaussian(ROWS, LossCases.K, rnd, DataType.DOUBLE);
        INDArray y = LossCases.labels(c.labels, ROWS, LossCases.K, rnd, DataType.DOUBLE);
        assertEquals(c.loss.computeScore(y, z, c.activation, null, true),
                restored.computeScore(y, z, c.activation, null, true), 0.0);
        assertEquals(c.loss.computeGradient(y, z, c.activation, null), restored.computeGradient(y, z, c.activation, null));
    }

    static Stream<Arguments> coupledLosses() {
        List<Arguments> args = new ArrayList<>();
        for (Entry e : CoupledSerializationTest.entries()) {
            for (Serializer s : Serializer.values()) {
                args.add(Arguments.of(e, s));
            }
        }
        return args.stream();
    }

    @ParameterizedTest(name = "{0} | {1}")
    @MethodSource("coupledLosses")
    void everyCoupledLossRoundTripsToAnEqualLoss(Entry e, Serializer serializer) {
        ILossFunction restored = roundTrip(serializer, e.loss);
        assertEquals(e.loss.getClass(), restored.getClass());
        assertEquals(e.loss, restored);
        assertEquals(e.loss.hashCode(), restored.hashCode());
        assertEquals(e.loss.toString(), restored.toString());

        Sample s = e.sample(new Random(9), DataType.DOUBLE);
        assertEquals(e.loss.computeScore(s.labels, s.z, e.activation, null, true),
                restored.computeScore(s.labels, s.z, e.activation, null, true), 0.0);
        assertEquals(e.loss.computeGradient(s.labels, s.z, e.activation, null),
                restored.computeGradient(s.labels, s.z, e.activation, null));
    }

    static Stream<Arguments> networks() {
        List<Arguments> args = new ArrayList<>();
        for (Case c : DistributedTraining.cases()) {
            for (Serializer s : Serializer.values()) {
                args.add(Arguments.of(c, s));
            }
        }
        return args.stream();
    }

    @ParameterizedTest(name = "{0} | {1}")
    @MethodSource("networks")
    void networkConfigurationRoundTripsAndScoresTheSame(Case c, Serializer serializer) {
        Problem p = DistributedTraining.problem(c);
        MultiLayerNetwork net = DistributedTraining.network(c, 0.03);
        MultiLayerConfiguration restored = roundTrip(serializer, net.getLayerWiseConfigurations());
        assertEquals(net.getLayerWiseConfigurations(), restored);

        MultiLayerNetwork copy = new MultiLayerNetwork(restored);
        copy.init(roundTrip(serializer, net.params()), true);
        assertEquals(net.score(p.data), copy.score(p.data), 0.0);
        assertEquals(net.output(p.data.getFeatures()), copy.output(p.data.getFeatures()));
    }
}
