package org.dl4jlosses.integration;

import static org.dl4jlosses.integration.DistributedTraining.assertLearned;
import static org.dl4jlosses.integration.DistributedTraining.assertRestoresEqual;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.FixedThresholdAlgorithm;
import org.deeplearning4j.parallelism.ParallelWrapper;
import org.deeplearning4j.parallelism.ParallelWrapper.TrainingMode;
import org.dl4jlosses.integration.LossCases.Case;
import org.dl4jlosses.integration.ToyData.Problem;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Each loss of {@link DistributedTraining#cases()} trains a network with DL4J's ParallelWrapper,
 * two workers, by parameter averaging and by shared (threshold-encoded) gradients: the score on
 * the whole problem falls, and the trained network equals the one restored from its saved form.
 * Each worker gets whole DataSets from an {@link ExistingDataSetIterator} (see {@link RebatchingTest}).
 */
@ExtendWith(SingleThreaded.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ParallelWrapperTrainingTest {
    private static final int EPOCHS = 15;

    @TempDir
    File dir;

    static Stream<Arguments> cases() {
        List<Arguments> args = new ArrayList<>();
        for (Case c : DistributedTraining.cases()) {
            args.add(Arguments.of(c, TrainingMode.AVERAGING));
            args.add(Arguments.of(c, TrainingMode.SHARED_GRADIENTS));
        }
        return args.stream();
    }

    @ParameterizedTest(name = "{0} | {1}")
    @MethodSource("cases")
    void trainsWithTwoWorkersAndRestoresEqual(Case c, TrainingMode mode) throws IOException {
        Problem p = DistributedTraining.problem(c);
        MultiLayerNetwork net = DistributedTraining.network(c, 0.03);
        double initial = net.score(p.data);

        ParallelWrapper wrapper = new ParallelWrapper.Builder<>(net)
                .workers(2)
                .trainingMode(mode)
                .averagingFrequency(1)
                // Shared gradients move each parameter by one threshold per step: a coarser one
                // than DL4J's adaptive default (1e-4 at first) trains this toy network in a few epochs.
                .thresholdAlgorithm(new FixedThresholdAlgorithm(1e-2))
                .build();
        try {
            // All epochs in one fit: in SHARED_GRADIENTS mode a second fit() of the same wrapper
            // hangs in DL4J 1.0.0-M2.1 (its workers wait forever in the gradient accumulator's barrier).
            List<DataSet> epochs = new ArrayList<>();
            for (int epoch = 0; epoch < EPOCHS; epoch++) {
                epochs.addAll(DistributedTraining.parts(p));
            }
            wrapper.fit(new ExistingDataSetIterator(epochs));
        } finally {
            wrapper.shutdown();
        }

        assertLearned(initial, net.score(p.data), 0.5, "ParallelWrapper " + mode);
        assertRestoresEqual(net, p.data, dir);
    }
}
