package org.dl4jlosses.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaRDD;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.parallelism.ParallelWrapper;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

/**
 * What batches DL4J's engines hand a loss, seen by {@link RecordingLoss} with every row's label
 * a unique tag: the facts behind the README's advice for tuple (BLOCKS) layouts. ParallelWrapper
 * trains each worker on whole DataSets as the iterator returns them; Spark's training masters
 * pass a DataSet on whole exactly when it has {@code batchSizePerWorker} rows (with the default
 * Export approach and with Direct, for parameter averaging and shared gradients) and otherwise
 * cut and merge rows of different DataSets into new batches.
 */
@ExtendWith({SingleThreaded.class, LocalSpark.class})
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RebatchingTest {
    private static final int PARTS = 6;
    private static final int ROWS = 12;

    @TempDir
    File dir;

    @BeforeEach
    void forgetBatches() {
        RecordingLoss.clear();
    }

    /** Six DataSets of twelve rows; row r of DataSet d has the label tag 100 d + r. */
    private static List<DataSet> taggedParts() {
        Random rnd = new Random(3);
        List<DataSet> parts = new ArrayList<>();
        for (int d = 0; d < PARTS; d++) {
            INDArray features = LossCases.gaussian(ROWS, ToyData.FEATURES, rnd, DataType.FLOAT);
            INDArray tags = Nd4j.arange(100.0 * d, 100.0 * d + ROWS).castTo(DataType.FLOAT).reshape(ROWS, 1);
            parts.add(new DataSet(features, tags));
        }
        return parts;
    }

    private static double[] tags(DataSet ds) {
        return ds.getLabels().getColumn(0).castTo(DataType.DOUBLE).toDoubleVector();
    }

    private static MultiLayerNetwork recordingNetwork() {
        // NoOp: only which rows arrive together matters here, not learning.
        return Nets.mln(Nets.Head.OUTPUT_LAYER, new RecordingLoss(), LossCases.IDENTITY, ToyData.FEATURES, 4, 1, 1,
                new NoOp(), DataType.FLOAT);
    }

    /** Every batch trained on is one of the DataSets, whole and in row order, and every DataSet was trained on. */
    private static void assertTrainedOnWholeDataSets(List<DataSet> parts, List<double[]> batches) {
        assertFalse(batches.isEmpty(), "no batch reached the loss");
        Set<Integer> seen = new HashSet<>();
        for (double[] batch : batches) {
            int match = -1;
            for (int d = 0; d < parts.size(); d++) {
                if (Arrays.equals(tags(parts.get(d)), batch)) {
                    match = d;
                }
            }
            assertTrue(match >= 0, "a batch that is no whole DataSet: " + Arrays.toString(batch));
            seen.add(match);
        }
        assertEquals(parts.size(), seen.size(), "DataSets trained on");
    }

    @Test
    void parallelWrapperTrainsEachWorkerOnWholeDataSets() {
        List<DataSet> parts = taggedParts();
        ParallelWrapper wrapper = new ParallelWrapper.Builder<>(recordingNetwork())
                .workers(2)
                .averagingFrequency(1)
                .build();
        try {
            wrapper.fit(new ExistingDataSetIterator(parts));
        } finally {
            wrapper.shutdown();
        }
        List<double[]> batches = RecordingLoss.batches();
        assertEquals(PARTS, batches.size(), "one training step per DataSet");
        assertTrainedOnWholeDataSets(parts, batches);
    }

    static Stream<Arguments> sparkMasters() {
        List<Arguments> args = new ArrayList<>();
        for (RDDTrainingApproach approach : RDDTrainingApproach.values()) {
            args.add(Arguments.of("parameter averaging", approach));
            args.add(Arguments.of("shared gradients", approach));
        }
        return args.stream();
    }

    private static BiFunction<Integer, File, TrainingMaster<?, ?>> master(String kind, RDDTrainingApproach approach) {
        return kind.equals("parameter averaging")
                ? (batch, dir) -> LocalSpark.parameterAveraging(batch, approach, dir)
                : (batch, dir) -> LocalSpark.sharedGradients(batch, approach);
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("sparkMasters")
    void sparkTrainsOnWholeDataSetsOfBatchSizePerWorkerRows(String kind, RDDTrainingApproach approach) {
        List<DataSet> parts = taggedParts();
        JavaRDD<DataSet> rdd = LocalSpark.context().parallelize(parts, 2);
        SparkDl4jMultiLayer spark = new SparkDl4jMultiLayer(LocalSpark.context(), recordingNetwork(),
                master(kind, approach).apply(ROWS, dir));
        spark.fit(rdd);
        assertTrainedOnWholeDataSets(parts, RecordingLoss.batches());
    }

    @Test
    void sparkCutsAndMergesDataSetsOfAnotherSize() {
        List<DataSet> parts = taggedParts();
        int batchSizePerWorker = 8;
        JavaRDD<DataSet> rdd = LocalSpark.context().parallelize(parts, 2);
        SparkDl4jMultiLayer spark = new SparkDl4jMultiLayer(LocalSpark.context(), recordingNetwork(),
                LocalSpark.parameterAveraging(batchSizePerWorker, RDDTrainingApproach.Export, dir));
        spark.fit(rdd);

        List<double[]> batches = RecordingLoss.batches();
        assertFalse(batches.isEmpty(), "no batch reached the loss");
        Set<Double> rows = new HashSet<>();
        boolean mixed = false;
        for (double[] batch : batches) {
            assertTrue(batch.length <= batchSizePerWorker, "batch of " + batch.length + " rows");
            Set<Long> from = new HashSet<>();
            for (double tag : batch) {
                assertTrue(rows.add(tag), "row " + tag + " trained on twice in one epoch");
                from.add(Math.round(tag) / 100);
            }
            mixed |= from.size() > 1;
        }
        assertTrue(mixed, "some batch joins rows of two DataSets");
    }
}
