package org.dl4jlosses.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dl4jlosses.classification.CrossEntropyLoss;
import org.dl4jlosses.integration.LossCases.Case;
import org.dl4jlosses.integration.ToyData.Problem;
import org.dl4jlosses.regression.MeanBiasError;
import org.dl4jlosses.regression.MseLoss;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Each loss (defaults and option sets) trains a small float32 MultiLayerNetwork with Adam on a toy
 * problem: the score must fall clearly and the trained model must beat chance on the task.
 */
@ExtendWith(SingleThreaded.class)
class TrainingTest {
    private static final int ROWS = 150;
    private static final int ITERATIONS = 150;

    static List<Case> cases() {
        return LossCases.training();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void trainingLowersTheLossAndLearnsTheTask(Case c) {
        Nd4j.getRandom().setSeed(7);
        Problem p = ToyData.problem(c.labels, ROWS, 11, DataType.FLOAT);
        MultiLayerNetwork net = Nets.mln(Nets.Head.OUTPUT_LAYER, c.loss, c.activation, ToyData.FEATURES, 16,
                LossCases.K, 7, new Adam(0.03), DataType.FLOAT);

        double initial = net.score(p.data);
        for (int i = 0; i < ITERATIONS; i++) {
            net.fit(p.data);
        }
        double last = net.score();
        double end = net.score(p.data);
        assertTrue(Double.isFinite(initial) && Double.isFinite(end), "scores " + initial + " -> " + end);
        assertTrue(end < 0.7 * initial, "score " + initial + " -> " + end + ", expected below 0.7x");
        assertTrue(Double.isFinite(last));

        INDArray out = net.output(p.data.getFeatures());
        assertEquals(DataType.FLOAT, out.dataType());
        switch (p.task) {
            case MULTICLASS:
                // Cross-entropy on independent sigmoids only pushes the true class up, so arg-max
                // accuracy is no measure of it; its falling score is the test there.
                if (!(c.loss instanceof CrossEntropyLoss && c.activation instanceof ActivationSigmoid)) {
                    double accuracy = ToyData.classAccuracy(out, p.truth);
                    assertTrue(accuracy > 0.85, "accuracy " + accuracy + " (chance 1/3)");
                }
                break;
            case MULTILABEL: {
                double threshold = c.activation instanceof ActivationSigmoid || c.activation instanceof ActivationSoftmax
                        ? 0.5 : 0.0;
                double accuracy = ToyData.bitAccuracy(out, p.truth, threshold);
                assertTrue(accuracy > 0.85, "bit accuracy " + accuracy + " (chance 1/2)");
                break;
            }
            default: {
                double r2 = ToyData.rSquared(out, p.truth);
                assertTrue(r2 > 0.5, "R^2 " + r2);
                if (c.loss instanceof MseLoss) {
                    // The metric of the library on a trained model: no systematic bias left.
                    double bias = MeanBiasError.of(p.truth.castTo(DataType.FLOAT), out).overall();
                    assertTrue(Math.abs(bias) < 0.1, "mean bias error " + bias);
                }
                break;
            }
        }
    }
}
