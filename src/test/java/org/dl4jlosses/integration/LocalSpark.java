package org.dl4jlosses.integration;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.FixedThresholdAlgorithm;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.impl.repartitioner.EqualRepartitioner;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.nd4j.parameterserver.distributed.conf.VoidConfiguration;

/**
 * One local Spark ({@code local[2]}: a driver and two executor threads in this JVM) shared by
 * every test class that uses this extension, started on first use and stopped when the whole
 * test run ends (Spark allows one context per JVM, and starting one costs seconds). Everything
 * binds to the loopback address; the surefire configuration also sets SPARK_LOCAL_IP for the
 * addresses Spark derives by itself.
 */
public final class LocalSpark implements BeforeAllCallback {
    private static JavaSparkContext context;

    /** The shared context; only valid in a test class extended with {@code LocalSpark}. */
    public static synchronized JavaSparkContext context() {
        if (context == null) {
            throw new IllegalStateException("annotate the test class with @ExtendWith(LocalSpark.class)");
        }
        return context;
    }

    /**
     * Parameter averaging after every minibatch of {@code batchSizePerWorker} examples, exporting
     * (with {@link RDDTrainingApproach#Export}) to {@code exportDir}.
     */
    public static TrainingMaster<?, ?> parameterAveraging(int batchSizePerWorker, RDDTrainingApproach approach,
                                                          File exportDir) {
        return new ParameterAveragingTrainingMaster.Builder(batchSizePerWorker)
                .batchSizePerWorker(batchSizePerWorker)
                .averagingFrequency(1)
                .workerPrefetchNumBatches(0)
                .rddTrainingApproach(approach)
                .exportDirectory(exportDir.toURI().toString())
                .rngSeed(7)
                .build();
    }

    /**
     * Shared (threshold-encoded) gradients through DL4J's parameter server, over UDP on the
     * loopback address, with one worker: one Spark task per fit, training on one thread. In local
     * mode several tasks of a fit run in this one JVM, and DL4J 1.0.0-M2's SharedTrainingWrapper
     * then hangs now and then: a task whose data arrives after the first task has trained on
     * everything waits forever ({@code BlockingObserver.waitTillDone}); and with two training
     * threads per executor both threads deadlock in the gradient accumulator's barrier. The
     * threshold is coarser than DL4J's adaptive default (which starts at 1e-4 and moves each
     * parameter by one threshold per step), so that a few epochs train a toy network. Its Export
     * goes to {@code hadoop.tmp.dir}: the builder's {@code exportDirectory} never reaches the
     * SharedTrainingMaster it builds (DL4J 1.0.0-M2).
     */
    public static TrainingMaster<?, ?> sharedGradients(int batchSizePerWorker, RDDTrainingApproach approach) {
        // Aeron 1.32 (in DL4J's parameter server) refuses to start its media driver unless this
        // exceeds the 30 s client liveness timeout that DL4J's transport sets: without it,
        // "ConfigurationException: publicationUnblockTimeoutNs=15000000000 <= clientLivenessTimeoutNs=30000000000".
        System.setProperty("aeron.publication.unblock.timeout", "60000000000");
        // Each transport starts an embedded Aeron media driver with its own directory in /dev/shm
        // (memory), which DL4J's shutdown closes but Aeron only deletes when told to.
        System.setProperty("aeron.dir.delete.on.shutdown", "true");
        VoidConfiguration voidConfiguration = VoidConfiguration.builder()
                .unicastPort(freeUdpPort())
                .controllerAddress("127.0.0.1")
                .networkMask("127.0.0.0/8")
                .build();
        // One worker and the EqualRepartitioner: every fit's data (DataSets, or with Export the
        // saved paths) in one partition, so one task.
        return new SharedTrainingMaster.Builder(voidConfiguration, 1, new FixedThresholdAlgorithm(1e-2), batchSizePerWorker)
                .batchSizePerWorker(batchSizePerWorker)
                .workersPerNode(1)
                .repartitioner(new EqualRepartitioner())
                .rddTrainingApproach(approach)
                .rngSeed(7)
                .build();
    }

    private static int freeUdpPort() {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void beforeAll(ExtensionContext extension) {
        extension.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(LocalSpark.class, key -> new Running(), Running.class);
    }

    /** Owns the context and its scratch directory; JUnit closes them after the last test of the run. */
    private static final class Running implements ExtensionContext.Store.CloseableResource {
        private final Path scratch;

        Running() {
            try {
                scratch = Files.createTempDirectory("dl4j-losses-spark-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            SparkConf conf = new SparkConf()
                    .setMaster("local[2]")
                    .setAppName("dl4j-losses-tests")
                    .set("spark.driver.host", "127.0.0.1")
                    .set("spark.driver.bindAddress", "127.0.0.1")
                    .set("spark.ui.enabled", "false")
                    .set("spark.ui.showConsoleProgress", "false")
                    // Spark's shuffle and block files and DL4J's default export directory
                    // (hadoop.tmp.dir/dl4j) go here and are deleted with it.
                    .set("spark.local.dir", scratch.toString())
                    .set("spark.hadoop.hadoop.tmp.dir", scratch.toString());
            synchronized (LocalSpark.class) {
                context = new JavaSparkContext(conf);
            }
        }

        @Override
        public void close() throws IOException {
            synchronized (LocalSpark.class) {
                context.stop();
                context = null;
            }
            try (Stream<Path> files = Files.walk(scratch)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }
}
