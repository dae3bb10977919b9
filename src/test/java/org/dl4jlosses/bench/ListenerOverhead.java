package org.dl4jlosses.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.dl4jlosses.embedding.TripletLoss;
import org.dl4jlosses.evaluation.EmbeddingHealthListener;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The cost of {@link EmbeddingHealthListener} on {@code fit()}: three identical embedding networks
 * (MLP 256-512-128, TripletLoss batch-all on group labels, batch 256, float32, Adam) without the
 * listener, with it at its default frequency (every 50 iterations) and every 10 iterations, taking
 * turns in blocks of 40 steps in one JVM (as {@link FitAlternation}). Prints each one's median over
 * blocks of the block's mean step (the mean, since a check every 10 steps would not move a median)
 * and the per-block ratios to the network without the listener.
 *
 * <pre>
 * java [--add-modules jdk.incubator.vector] -cp target/test-classes:target/classes:DEPS \
 *     org.dl4jlosses.bench.ListenerOverhead [BLOCKS (8)]
 * </pre>
 */
public final class ListenerOverhead {
    private static final String[] NAMES = {"no listener", "listener, every 50", "listener, every 10"};
    private static final int WARM_UP_BLOCKS = 3;
    private static final int STEPS_PER_BLOCK = 40;
    private static final int FEATURES = 256;
    private static final int CLASSES = 32;
    private static final int BATCH = 256;
    /** The listener's default. */
    private static final int MAX_ROWS = 128;

    private ListenerOverhead() {
    }

    static MultiLayerNetwork network() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT)
                .updater(new Adam(1e-3)).weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().nIn(FEATURES).nOut(512).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(TripletLoss.builder().mining(TripletLoss.Mining.ALL).build())
                        .nIn(512).nOut(128).activation(Activation.IDENTITY).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    static DataSet batch() {
        Random random = new Random(7);
        float[][] x = new float[BATCH][FEATURES];
        float[] y = new float[BATCH];
        for (int i = 0; i < BATCH; i++) {
            int c = i % CLASSES;
            y[i] = c;
            for (int j = 0; j < FEATURES; j++) {
                x[i][j] = (float) (random.nextGaussian() + (j % CLASSES == c ? 2 : 0));
            }
        }
        return new DataSet(Nd4j.createFromArray(x), Nd4j.createFromArray(y).reshape(BATCH, 1));
    }

    public static void main(String[] args) {
        int blocks = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        MultiLayerNetwork[] nets = {network(), network(), network()};
        nets[1].setListeners(new EmbeddingHealthListener()); // the defaults: every 50 iterations, 128 rows
        nets[2].setListeners(EmbeddingHealthListener.builder().frequency(10).build());
        DataSet data = batch();
        double[][] blockMedians = new double[nets.length][blocks];
        for (int b = -WARM_UP_BLOCKS; b < blocks; b++) {
            for (int i = 0; i < nets.length; i++) {
                List<Double> steps = new ArrayList<>();
                for (int s = 0; s < STEPS_PER_BLOCK; s++) {
                    long start = System.nanoTime();
                    nets[i].fit(data);
                    steps.add((System.nanoTime() - start) / 1e6);
                }
                if (b >= 0) {
                    blockMedians[i][b] = mean(steps); // the mean: a check every 10 steps would not move the median
                }
            }
        }
        System.out.println("fit() of an MLP 256-512-128 on TripletLoss(ALL), batch 256, Adam; mean step per block of "
                + STEPS_PER_BLOCK + ", " + blocks + " blocks; OMP_NUM_THREADS=" + System.getenv("OMP_NUM_THREADS"));
        for (int i = 0; i < nets.length; i++) {
            List<Double> m = new ArrayList<>();
            List<Double> ratios = new ArrayList<>();
            for (int b = 0; b < blocks; b++) {
                m.add(blockMedians[i][b]);
                ratios.add(blockMedians[i][b] / blockMedians[0][b]);
            }
            System.out.printf(Locale.ROOT, "%-20s %7.2f ms (blocks %.2f-%.2f)   /no listener %.3f (blocks %.3f-%.3f)%n",
                    NAMES[i], median(m), Collections.min(m), Collections.max(m),
                    median(ratios), Collections.min(ratios), Collections.max(ratios));
        }
        checkCost(nets[0], data);
    }

    /**
     * The cost of one check alone, step and check interleaved (so both see the same load): what the
     * listener does in {@code iterationDone} (inference on the batch's first 128 rows, then the figures),
     * against one {@code fit()} step; the overhead at frequency f is check / (f x step).
     */
    private static void checkCost(MultiLayerNetwork net, DataSet data) {
        EmbeddingHealthListener listener = EmbeddingHealthListener.builder().frequency(1).build();
        List<Double> steps = new ArrayList<>();
        List<Double> checks = new ArrayList<>();
        for (int i = -20; i < 100; i++) {
            long start = System.nanoTime();
            net.fit(data);
            long middle = System.nanoTime();
            INDArray rows = data.getFeatures().get(NDArrayIndex.interval(0, MAX_ROWS), NDArrayIndex.all());
            listener.record(net.output(rows, false), data.getLabels(), i);
            long end = System.nanoTime();
            if (i >= 0) {
                steps.add((middle - start) / 1e6);
                checks.add((end - middle) / 1e6);
            }
        }
        double step = median(steps);
        double check = median(checks);
        System.out.printf(Locale.ROOT, "interleaved: fit() step %.2f ms, one check %.2f ms: overhead %.2f%% at frequency 50,"
                + " %.1f%% at 10, %.0f%% at 1%n", step, check, 100 * check / (50 * step), 100 * check / (10 * step), 100 * check / step);
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
