package org.dl4jlosses.integration;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dl4jlosses.integration.Nets.Head;
import org.dl4jlosses.testing.CoupledCatalogue.Entry;
import org.dl4jlosses.testing.CoupledCatalogue.Sample;
import org.dl4jlosses.testing.CoupledCatalogue;
import org.dl4jlosses.testing.DoublePrecision;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.NoOp;

/**
 * DL4J's own {@link GradientCheckUtil} on small double-precision networks for every coupled loss
 * configuration, in an OutputLayer and in a LossLayer, with and without a row mask. The network
 * embeds every row independently (as a shared-weight encoder would), the loss couples them.
 */
@ExtendWith({SingleThreaded.class, DoublePrecision.class})
class CoupledGradientCheckTest {
    private static final int N_IN = 3;
    private static final int HIDDEN = 5;




    static List<Arguments> checks() {
        List<Arguments> checks = new ArrayList<>();
        for (Entry e : CoupledCatalogue.all()) {
            for (Head head : Head.values()) {
                checks.add(Arguments.of(e, head, false));
                checks.add(Arguments.of(e, head, true));
            }
        }
        return checks;
    }

    @ParameterizedTest(name = "{0} | {1} | masked {2}")
    @MethodSource("checks")
    void gradientMatchesFiniteDifferences(Entry e, Head head, boolean masked) {
        Random random = new Random(e.name.hashCode() + head.ordinal());
        Sample s = e.sample(random, DataType.DOUBLE);
        MultiLayerNetwork net = Nets.mln(head, e.loss, e.activation, N_IN, HIDDEN, (int) s.z.size(1), 12345,
                new NoOp(), DataType.DOUBLE);
        INDArray x = CoupledCatalogue.gaussian(random, s.rows(), N_IN, DataType.DOUBLE);
        INDArray mask = masked ? s.maskOf(0) : null;

        net.setInput(x);
        net.setLabels(s.labels);
        net.setLayerMaskArrays(null, mask);
        net.computeGradientAndScore();
        double norm = net.gradient().gradient().norm2Number().doubleValue();
        assertTrue(norm > 1e-6, "gradient must not vanish (a check of zero proves nothing), norm " + norm);

        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig()
                .net(net).input(x).labels(s.labels).labelMask(mask)
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY).exitOnFirstError(false));
        assertTrue(ok, "gradient check failed");
    }
}
