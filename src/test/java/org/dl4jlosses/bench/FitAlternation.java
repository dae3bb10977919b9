package org.dl4jlosses.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link FitBenchmark}'s three networks timed in one JVM, taking turns in blocks of 40 steps, so
 * that a slow minute on this noisy machine slows all three alike (JMH's forks run one after the
 * other, minutes apart). Prints each network's median block median and, per block, the step-time
 * ratios to {@code LossMCXENT}.
 *
 * <pre>
 * java [--add-modules jdk.incubator.vector] -cp target/test-classes:target/classes:DEPS \
 *     org.dl4jlosses.bench.FitAlternation [BLOCKS (8)]
 * </pre>
 * (DEPS from {@code mvn -o -P bench dependency:build-classpath -Dmdep.outputFile=cp.txt}.)
 */
public final class FitAlternation {
    private static final String[] LOSSES = {"CrossEntropyLoss", "LossMCXENT", "LowerBound"};
    private static final int WARM_UP_BLOCKS = 4;
    private static final int STEPS_PER_BLOCK = 40;

    private FitAlternation() {
    }

    public static void main(String[] args) {
        int blocks = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        MultiLayerNetwork[] nets = new MultiLayerNetwork[LOSSES.length];
        for (int i = 0; i < nets.length; i++) {
            nets[i] = FitBenchmark.network(FitBenchmark.newLoss(LOSSES[i]), FitBenchmark.newUpdater("adam"));
        }
        DataSet data = FitBenchmark.batch(256, FitBenchmark.SEED);
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
                    blockMedians[i][b] = median(steps);
                }
            }
        }
        System.out.println("fit() of FitBenchmark's network, batch 256, Adam; Vector API "
                + (org.dl4jlosses.internal.LaneMath.VECTOR ? "on" : "off") + ", OMP_NUM_THREADS="
                + System.getenv("OMP_NUM_THREADS"));
        for (int i = 0; i < nets.length; i++) {
            List<Double> m = new ArrayList<>();
            List<Double> ratios = new ArrayList<>();
            for (int b = 0; b < blocks; b++) {
                m.add(blockMedians[i][b]);
                ratios.add(blockMedians[i][b] / blockMedians[1][b]);
            }
            System.out.printf(Locale.ROOT, "%-17s %6.2f ms (blocks %.2f-%.2f)   /LossMCXENT %.3f (blocks %.3f-%.3f)%n",
                    LOSSES[i], median(m), Collections.min(m), Collections.max(m),
                    median(ratios), Collections.min(ratios), Collections.max(ratios));
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
