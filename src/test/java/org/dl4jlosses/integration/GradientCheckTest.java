package org.dl4jlosses.integration;

import static org.dl4jlosses.integration.LossCases.K;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dl4jlosses.classification.CrossEntropyLoss;
import org.dl4jlosses.classification.FocalLoss;
import org.dl4jlosses.integration.LossCases.Case;
import org.dl4jlosses.integration.LossCases.Labels;
import org.dl4jlosses.integration.Nets.Head;
import org.dl4jlosses.testing.DoublePrecision;
import org.dl4jlosses.regression.GaussianNllLoss;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * DL4J's own {@link GradientCheckUtil} on small double-precision networks: every loss, every
 * option set, each relevant activation, in an OutputLayer and in a LossLayer, without a mask, with
 * a row mask [R, 1] and (element-wise losses) with an element mask [R, K]. The analytic gradient
 * the loss hands DL4J, backpropagated to every parameter, must match central finite differences
 * of DL4J's reported score.
 */
@ExtendWith({SingleThreaded.class, DoublePrecision.class})
class GradientCheckTest {
    private static final int ROWS = 8;
    private static final int N_IN = 3;
    private static final int HIDDEN = 4;
    private static final double EPSILON = 1e-6;
    private static final double MAX_REL_ERROR = 1e-5;
    private static final double MIN_ABS_ERROR = 1e-9;
    /** Outputs this close to a kink (in output units) are regenerated; see LossCases.kinkDistance. */
    private static final double KINK_CLEARANCE = 1e-3;


    enum Mask { NONE, ROW, ELEMENT }

    /** One gradient check: a loss case in a head with a mask. */
    static final class Check {
        final Case lossCase;
        final Head head;
        final Mask mask;

        Check(Case lossCase, Head head, Mask mask) {
            this.lossCase = lossCase;
            this.head = head;
            this.mask = mask;
        }

        @Override
        public String toString() {
            return lossCase + " | " + head + " | mask " + mask;
        }
    }



    static List<Check> checks() {
        List<Check> checks = new ArrayList<>();
        for (Case c : LossCases.all()) {
            for (Head head : Head.values()) {
                checks.add(new Check(c, head, Mask.NONE));
                checks.add(new Check(c, head, Mask.ROW));
                // An element mask with softmax is rejected (BadInputTest): softmax couples the columns.
                if (c.elementWise && !(c.activation instanceof org.nd4j.linalg.activations.impl.ActivationSoftmax)) {
                    checks.add(new Check(c, head, Mask.ELEMENT));
                }
            }
        }
        return checks;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checks")
    void gradientMatchesFiniteDifferences(Check check) {
        Case c = check.lossCase;
        MultiLayerNetwork net = Nets.mln(check.head, c.loss, c.activation, N_IN, HIDDEN, K, 12345, new NoOp(),
                DataType.DOUBLE);
        Data data = data(net, c, check.mask, 42);

        net.setInput(data.x);
        net.setLabels(data.y);
        net.setLayerMaskArrays(null, data.mask);
        net.computeGradientAndScore();
        double score = net.score();
        // Non-zero: ApproxNdcgLoss's score (minus an NDCG) is negative.
        assertTrue(Double.isFinite(score) && score != 0, "score must be finite and non-zero, was " + score);
        // A gradient check of an all-zero gradient would prove nothing.
        double norm = net.gradient().gradient().norm2Number().doubleValue();
        assertTrue(norm > 1e-6, "gradient must not vanish, norm " + norm);

        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig()
                .net(net).input(data.x).labels(data.y).labelMask(data.mask)
                .epsilon(EPSILON).maxRelError(MAX_REL_ERROR).minAbsoluteError(MIN_ABS_ERROR)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY).exitOnFirstError(false));
        assertTrue(ok, "gradient check failed for " + check);
    }

    /**
     * GaussianNllLoss needs two outputs per target (a mean and a variance head), which the K = 3
     * outputs of the catalogue cannot give: its own networks with 4 outputs for 2 targets, every
     * head, with and without a row mask.
     */
    @Test
    void gaussianNllWithAMeanAndAVarianceHeadPerTarget() {
        for (GaussianNllLoss loss : List.of(new GaussianNllLoss(),
                GaussianNllLoss.builder().variance(GaussianNllLoss.Variance.SOFTPLUS).full(true).eps(1e-3).build())) {
            for (Head head : Head.values()) {
                for (boolean masked : new boolean[] {false, true}) {
                    MultiLayerNetwork net = Nets.mln(head, loss, LossCases.IDENTITY, N_IN, HIDDEN, 4, 12345, new NoOp(),
                            DataType.DOUBLE);
                    Random rnd = new Random(42);
                    INDArray x = LossCases.gaussian(ROWS, N_IN, rnd, DataType.DOUBLE);
                    INDArray y = LossCases.gaussian(ROWS, 2, rnd, DataType.DOUBLE);
                    INDArray mask = masked ? LossCases.rowMask(ROWS, DataType.DOUBLE) : null;
                    String name = loss + " " + head + (masked ? " row mask" : "");
                    net.setInput(x);
                    net.setLabels(y);
                    net.setLayerMaskArrays(null, mask);
                    net.computeGradientAndScore();
                    assertTrue(Double.isFinite(net.score()), name + ": score " + net.score());
                    assertTrue(net.gradient().gradient().norm2Number().doubleValue() > 1e-6, name + ": gradient vanishes");
                    assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig()
                            .net(net).input(x).labels(y).labelMask(mask)
                            .epsilon(EPSILON).maxRelError(MAX_REL_ERROR).minAbsoluteError(MIN_ABS_ERROR)
                            .print(GradientCheckUtil.PrintMode.FAILURES_ONLY).exitOnFirstError(false)), name);
                }
            }
        }
    }

    /** The check above has teeth: a gradient off by 2% in one class is caught. */
    @Test
    void aWrongGradientIsCaught() {
        ILossFunction broken = new ScaledGradient(new CrossEntropyLoss(), 1.02);
        Case c = new Case(broken, LossCases.SOFTMAX, Labels.ONE_HOT, false);
        MultiLayerNetwork net = Nets.mln(Head.OUTPUT_LAYER, broken, c.activation, N_IN, HIDDEN, K, 12345, new NoOp(),
                DataType.DOUBLE);
        Data data = data(net, c, Mask.NONE, 42);
        assertFalse(GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig()
                .net(net).input(data.x).labels(data.y)
                .epsilon(EPSILON).maxRelError(MAX_REL_ERROR).minAbsoluteError(MIN_ABS_ERROR)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY).exitOnFirstError(true)));
    }

    /** And the same net with the true gradient passes (so the previous test fails for the right reason). */
    @Test
    void theUnbrokenControlPasses() {
        ILossFunction fine = new ScaledGradient(FocalLoss.builder().gamma(0.5).build(), 1.0);
        Case c = new Case(fine, LossCases.SOFTMAX, Labels.ONE_HOT, false);
        MultiLayerNetwork net = Nets.mln(Head.OUTPUT_LAYER, fine, c.activation, N_IN, HIDDEN, K, 12345, new NoOp(),
                DataType.DOUBLE);
        Data data = data(net, c, Mask.NONE, 42);
        assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig()
                .net(net).input(data.x).labels(data.y)
                .epsilon(EPSILON).maxRelError(MAX_REL_ERROR).minAbsoluteError(MIN_ABS_ERROR)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY).exitOnFirstError(true)));
    }

    // ------------------------------------------------------------------ data

    static final class Data {
        final INDArray x;
        final INDArray y;
        final INDArray mask;

        Data(INDArray x, INDArray y, INDArray mask) {
            this.x = x;
            this.y = y;
            this.mask = mask;
        }
    }

    /** Inputs, labels and mask; regenerated until no output sits within KINK_CLEARANCE of a kink. */
    static Data data(MultiLayerNetwork net, Case c, Mask mask, long seed) {
        Random rnd = new Random(seed);
        for (int attempt = 0; attempt < 50; attempt++) {
            INDArray x = LossCases.gaussian(ROWS, N_IN, rnd, DataType.DOUBLE);
            INDArray y = LossCases.labels(c.labels, ROWS, K, rnd, DataType.DOUBLE);
            INDArray m = mask == Mask.ROW ? LossCases.rowMask(ROWS, DataType.DOUBLE)
                    : mask == Mask.ELEMENT ? LossCases.elementMask(ROWS, K, rnd, DataType.DOUBLE) : null;
            if (LossCases.kinkDistance(c.loss, y, net.output(x)) > KINK_CLEARANCE) {
                return new Data(x, y, m);
            }
        }
        return fail("no data clear of the loss's kinks found for " + c);
    }

    /** A loss whose gradient is scaled: the negative control of the gradient check. */
    static final class ScaledGradient implements ILossFunction {
        private static final long serialVersionUID = 1L;
        private final ILossFunction inner;
        private final double factor;

        ScaledGradient(ILossFunction inner, double factor) {
            this.inner = inner;
            this.factor = factor;
        }

        @Override
        public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
                                   boolean average) {
            return inner.computeScore(labels, preOutput, activationFn, mask, average);
        }

        @Override
        public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
            return inner.computeScoreArray(labels, preOutput, activationFn, mask);
        }

        @Override
        public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
            INDArray g = inner.computeGradient(labels, preOutput, activationFn, mask);
            g.getColumn(0).muli(factor);
            return g;
        }

        @Override
        public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput,
                                                              IActivation activationFn, INDArray mask, boolean average) {
            return new Pair<>(computeScore(labels, preOutput, activationFn, mask, average),
                    computeGradient(labels, preOutput, activationFn, mask));
        }

        @Override
        public String name() {
            return "ScaledGradient";
        }
    }
}
