package org.dl4jlosses.integration;

import static org.dl4jlosses.integration.DistributedTraining.assertLearned;
import static org.dl4jlosses.integration.DistributedTraining.assertRestoresEqual;

import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaRDD;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.dl4jlosses.integration.LossCases.Case;
import org.dl4jlosses.integration.ToyData.Problem;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Each loss of {@link DistributedTraining#cases()} trains on Spark in local mode
 * ({@code local[2]}, see {@link LocalSpark}): a MultiLayerNetwork and a ComputationGraph by
 * parameter averaging over two workers, and a MultiLayerNetwork by shared gradients (one worker,
 * see {@link LocalSpark#sharedGradients}). The score on the whole problem falls, and the trained
 * network equals the one restored from its saved form. Every DataSet of the RDD has exactly
 * {@code batchSizePerWorker} rows, so the workers train on them whole. (Local mode hands the
 * broadcast network to the executor threads unserialised; {@link SparkSerializationTest} covers
 * what a cluster's serialisation adds.)
 */
@ExtendWith({SingleThreaded.class, LocalSpark.class})
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SparkTrainingTest {
    private static final int EPOCHS = 10;

    @TempDir
    File dir;

    static List<Case> cases() {
        return DistributedTraining.cases();
    }

    private static JavaRDD<DataSet> rdd(Problem p) {
        return LocalSpark.context().parallelize(DistributedTraining.parts(p), 2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void parameterAveragingTrainsAMultiLayerNetwork(Case c) throws IOException {
        Problem p = DistributedTraining.problem(c);
        MultiLayerNetwork net = DistributedTraining.network(c, 0.03);
        double initial = net.score(p.data);

        SparkDl4jMultiLayer spark = new SparkDl4jMultiLayer(LocalSpark.context(), net,
                LocalSpark.parameterAveraging(DistributedTraining.BATCH, RDDTrainingApproach.Export, dir));
        JavaRDD<DataSet> data = rdd(p);
        for (int epoch = 0; epoch < EPOCHS; epoch++) {
            spark.fit(data);
        }

        MultiLayerNetwork trained = spark.getNetwork();
        assertLearned(initial, trained.score(p.data), 0.5, "Spark parameter averaging");
        assertRestoresEqual(trained, p.data, dir);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void parameterAveragingTrainsAComputationGraph(Case c) throws IOException {
        Problem p = DistributedTraining.problem(c);
        ComputationGraph graph = DistributedTraining.graph(c, 0.03);
        double initial = graph.score(p.data);

        SparkComputationGraph spark = new SparkComputationGraph(LocalSpark.context(), graph,
                LocalSpark.parameterAveraging(DistributedTraining.BATCH, RDDTrainingApproach.Export, dir));
        JavaRDD<DataSet> data = rdd(p);
        for (int epoch = 0; epoch < EPOCHS; epoch++) {
            spark.fit(data);
        }

        ComputationGraph trained = spark.getNetwork();
        assertLearned(initial, trained.score(p.data), 0.5, "Spark parameter averaging (graph)");
        assertRestoresEqual(trained, p.data, dir);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sharedGradientsTrainAMultiLayerNetwork(Case c) throws IOException {
        Problem p = DistributedTraining.problem(c);
        MultiLayerNetwork net = DistributedTraining.network(c, 0.03);
        double initial = net.score(p.data);

        SparkDl4jMultiLayer spark = new SparkDl4jMultiLayer(LocalSpark.context(), net,
                LocalSpark.sharedGradients(DistributedTraining.BATCH, RDDTrainingApproach.Direct));
        JavaRDD<DataSet> data = rdd(p);
        for (int epoch = 0; epoch < EPOCHS; epoch++) {
            spark.fit(data);
        }

        MultiLayerNetwork trained = spark.getNetwork();
        assertLearned(initial, trained.score(p.data), 0.5, "Spark shared gradients");
        assertRestoresEqual(trained, p.data, dir);
    }
}
