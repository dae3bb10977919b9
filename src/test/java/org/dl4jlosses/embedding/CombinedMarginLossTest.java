package org.dl4jlosses.embedding;

import static org.dl4jlosses.testing.Assert.close;
import static org.dl4jlosses.testing.Assert.rejects;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * The combined margin and CosFace: their special cases, values by hand, cosines of +-1, bad options
 * (their finite differences run in the coupled catalogue, with tanh, and against autograd in the fixtures).
 */
class CombinedMarginLossTest {
    private static final IActivation IDENTITY = new ActivationIdentity();

    private static INDArray cosines(Random random, int rows, int classes) {
        double[][] c = new double[rows][classes];
        for (double[] row : c) {
            for (int j = 0; j < classes; j++) {
                row[j] = 1.8 * random.nextDouble() - 0.9;
            }
        }
        return Nd4j.createFromArray(c);
    }

    private static INDArray indices(int... classes) {
        double[][] y = new double[classes.length][1];
        for (int i = 0; i < classes.length; i++) {
            y[i][0] = classes[i];
        }
        return Nd4j.createFromArray(y);
    }

    /** (1, m, 0) is ArcFace and (1, 0, m) CosFace, to the last bit: one formula. */
    @Test
    void arcFaceAndCosFaceAreItsSpecialCases() {
        INDArray z = cosines(new Random(5), 6, 4);
        z.putScalar(0, 0, -0.97);
        INDArray y = indices(0, 1, 2, 3, 1, 0);
        List<ILossFunction[]> pairs = List.of(
                new ILossFunction[] {CombinedMarginLoss.builder().scale(30).m2(0.4).build(),
                    AdditiveAngularMarginLoss.builder().scale(30).margin(0.4).build()},
                new ILossFunction[] {CombinedMarginLoss.builder().m2(0.5).easyMargin(true).build(),
                    AdditiveAngularMarginLoss.builder().easyMargin(true).build()},
                new ILossFunction[] {CombinedMarginLoss.builder().m2(0).m3(0.35).build(), new AdditiveCosineMarginLoss()});
        for (ILossFunction[] p : pairs) {
            assertEquals(p[1].computeScore(y, z, IDENTITY, null, false), p[0].computeScore(y, z, IDENTITY, null, false),
                    0.0, p[0] + " vs " + p[1]);
            assertEquals(p[1].computeGradient(y, z, IDENTITY, null), p[0].computeGradient(y, z, IDENTITY, null),
                    p[0] + " vs " + p[1]);
        }
    }

    @Test
    void valuesByHand() {
        // One class against another at cosine 0: loss = log(1 + exp(-s phi)) with logit_y = s phi.
        double s = 2;
        double[][] cases = {
            // m1, m2, m3, target cosine, phi
            {1, 0, 0.35, 0.6, 0.6 - 0.35},
            {1, 0, 0.35, -1, -1.35},
            {1.35, 0.25, 0.1, 0.6, Math.cos(1.35 * Math.acos(0.6) + 0.25) - 0.1},
            // (pi - 0.25) / 1.35 = 2.142 rad: past it (cosine below -0.540) the fallback c - m2 sin(pi - m2) - m3.
            {1.35, 0.25, 0.1, -0.7, -0.7 - 0.25 * Math.sin(Math.PI - 0.25) - 0.1},
        };
        for (double[] c : cases) {
            CombinedMarginLoss loss = CombinedMarginLoss.builder().scale(s).m1(c[0]).m2(c[1]).m3(c[2]).build();
            INDArray z = Nd4j.createFromArray(new double[][] {{c[3], 0.0}});
            close(Math.log1p(Math.exp(-s * c[4])), loss.computeScore(indices(0), z, IDENTITY, null, false), 1e-12,
                    loss + " at " + c[3]);
        }
    }

    @Test
    void cosinesOfExactlyPlusMinusOneGiveFiniteValues() {
        for (ILossFunction loss : List.of(new CombinedMarginLoss(), CombinedMarginLoss.builder().m1(1.35).m2(0.25).m3(0.1)
                .build(), CombinedMarginLoss.builder().m1(0.8).m2(0.4).easyMargin(true).build(), new AdditiveCosineMarginLoss())) {
            for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
                INDArray z = Nd4j.createFromArray(new double[][] {{1, -1, 1}, {-1, 1, -1}, {1, 1, 1}, {-1, -1, -1}})
                        .castTo(type);
                INDArray y = indices(0, 0, 2, 1).castTo(type);
                INDArray gradient = loss.computeGradient(y, z, IDENTITY, null);
                assertTrue(Double.isFinite(loss.computeScore(y, z, IDENTITY, null, false)), loss + " " + type);
                assertTrue(Double.isFinite(gradient.amaxNumber().doubleValue()), loss + " " + type + ": " + gradient);
            }
        }
    }

    @Test
    void badOptionsAndCosinesAreNamed() {
        rejects(() -> CombinedMarginLoss.builder().m1(0).build(), "CombinedMarginLoss: m1 must be finite and > 0");
        rejects(() -> CombinedMarginLoss.builder().m2(Math.PI).build(), "CombinedMarginLoss: m2", "[0, pi)");
        rejects(() -> CombinedMarginLoss.builder().m3(-0.1).build(), "CombinedMarginLoss: m3 must be finite and >= 0");
        rejects(() -> AdditiveCosineMarginLoss.builder().margin(Double.NaN).build(), "AdditiveCosineMarginLoss: margin");
        rejects(() -> AdditiveCosineMarginLoss.builder().scale(0).build(), "AdditiveCosineMarginLoss: scale");
        INDArray z = Nd4j.createFromArray(new double[][] {{0.2, 1.5}});
        rejects(() -> new AdditiveCosineMarginLoss().computeGradient(indices(0), z, IDENTITY, null),
                "AdditiveCosineMarginLoss: cosines (the activation's output)", "1.5 at row 0, column 1");
        rejects(() -> new CombinedMarginLoss().computeScore(indices(2), z.mul(0.5), IDENTITY, null, true),
                "CombinedMarginLoss: labels", "2.0 at row 0");
    }
}
