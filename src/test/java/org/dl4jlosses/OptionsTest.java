package org.dl4jlosses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.dl4jlosses.classification.AsymmetricLoss;
import org.dl4jlosses.classification.BinaryCrossEntropyLoss;
import org.dl4jlosses.classification.CrossEntropyLoss;
import org.dl4jlosses.classification.FocalLoss;
import org.dl4jlosses.classification.HingeLoss;
import org.dl4jlosses.classification.KlDivergenceLoss;
import org.dl4jlosses.classification.PolyLoss;
import org.dl4jlosses.embedding.AdditiveCosineMarginLoss;
import org.dl4jlosses.embedding.AnglELoss;
import org.dl4jlosses.embedding.CoSentLoss;
import org.dl4jlosses.embedding.CircleLoss;
import org.dl4jlosses.embedding.MultiSimilarityLoss;
import org.dl4jlosses.embedding.SupervisedContrastiveLoss;
import org.dl4jlosses.embedding.CombinedMarginLoss;
import org.dl4jlosses.ranking.ApproxNdcgLoss;
import org.dl4jlosses.regression.GaussianNllLoss;
import org.dl4jlosses.regression.HuberLoss;
import org.dl4jlosses.regression.MaeLoss;
import org.dl4jlosses.regression.MseLoss;
import org.dl4jlosses.regression.PoissonNllLoss;
import org.dl4jlosses.regression.QuantileLoss;
import org.dl4jlosses.regression.SmoothL1Loss;
import org.dl4jlosses.segmentation.DiceCrossEntropyLoss;
import org.dl4jlosses.segmentation.GeneralizedDiceLoss;
import org.dl4jlosses.segmentation.TverskyLoss;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/** Defaults, builders, identity (equals, hashCode, toString) and the JSON form of each loss. */
class OptionsTest {
    private static final ObjectMapper JSON = NeuralNetConfiguration.mapper();

    @Test
    void builderDefaultsAreTheNoArgumentDefaults() {
        assertEquals(new CrossEntropyLoss(), CrossEntropyLoss.builder().build());
        assertEquals(new BinaryCrossEntropyLoss(), BinaryCrossEntropyLoss.builder().build());
        assertEquals(new FocalLoss(), FocalLoss.builder().gamma(2.0).alpha(0.25).build());
        assertEquals(new PolyLoss(), PolyLoss.builder().epsilon(1.0).gamma(0).alpha(-1).labelSmoothing(0).build());
        assertEquals(new HingeLoss(), HingeLoss.builder().mode(HingeLoss.Mode.BINARY).margin(1.0).squared(false).build());
        assertEquals(new MaeLoss(), MaeLoss.builder().build());
        assertEquals(new MseLoss(), MseLoss.builder().build());
        assertEquals(new HuberLoss(), HuberLoss.builder().delta(1.0).build());
        assertEquals(new SmoothL1Loss(), SmoothL1Loss.builder().beta(1.0).build());
        FocalLoss focal = new FocalLoss();
        assertEquals(2.0, focal.getGamma());
        assertEquals(0.25, focal.getAlpha());
        assertEquals(-1, FocalLoss.builder().alpha(-0.5).build().getAlpha(), "any negative alpha means off");
    }

    static List<ILossFunction> configured() {
        return List.of(CrossEntropyLoss.builder().weights(1, 2, 3).labelSmoothing(0.1).build(),
                BinaryCrossEntropyLoss.builder().weights(1, 2).posWeight(3, 4).labelSmoothing(0.2).build(),
                FocalLoss.builder().gamma(1.5).alpha(-1).weights(0.5, 1).build(),
                PolyLoss.builder().epsilon(-0.5).gamma(2).alpha(0.3).labelSmoothing(0.05).weights(1, 3).build(),
                HingeLoss.builder().mode(HingeLoss.Mode.WESTON_WATKINS).margin(0.5).squared(true).build(),
                MaeLoss.builder().weights(2, 1).build(), MseLoss.builder().weights(1, 0).build(),
                HuberLoss.builder().delta(0.3).build(), SmoothL1Loss.builder().beta(0).build(),
                KlDivergenceLoss.builder().temperature(3).build(),
                AsymmetricLoss.builder().gammaPositive(1).gammaNegative(2).clip(0.1).build(),
                PoissonNllLoss.builder().logInput(false).full(true).eps(0.5).build(),
                QuantileLoss.builder().quantiles(0.1, 0.5, 0.9).build(),
                TverskyLoss.builder().alpha(0.3).beta(0.7).gamma(1.5).smooth(0.5).includeBackground(false).weights(1, 2)
                        .rowsPerSample(4).build(),
                GeneralizedDiceLoss.builder().weighting(GeneralizedDiceLoss.Weighting.SIMPLE).smooth(0.1).build(),
                ApproxNdcgLoss.builder().temperature(0.5).build(),
                CombinedMarginLoss.builder().scale(30).m1(1.2).m2(0.3).m3(0.1).easyMargin(true).build(),
                AdditiveCosineMarginLoss.builder().scale(30).margin(0.2).build(),
                CoSentLoss.builder().scale(30).build(), AnglELoss.builder().scale(7.5).build(),
                SupervisedContrastiveLoss.builder().temperature(0.07).normalize(false).build(),
                MultiSimilarityLoss.builder().alpha(1).beta(40).base(0.6).miningEpsilon(-1).build(),
                CircleLoss.builder().margin(0.25).gamma(256).build(),
                DiceCrossEntropyLoss.builder().lambdaDice(0.5).lambdaCrossEntropy(2).gamma(1.5).squaredDenominator(true)
                        .includeBackground(false).rowsPerSample(4).build(),
                GaussianNllLoss.builder().variance(GaussianNllLoss.Variance.SOFTPLUS).full(true).eps(1e-3).build());
    }

    @Test
    void jsonRoundTripKeepsEveryOption() throws Exception {
        for (ILossFunction loss : configured()) {
            String json = JSON.writeValueAsString(loss);
            ILossFunction back = JSON.readValue(json, ILossFunction.class);
            assertEquals(loss, back, json);
            assertEquals(loss.hashCode(), back.hashCode());
            assertEquals(loss.toString(), back.toString());
            assertNotEquals(loss, JSON.readValue(JSON.writeValueAsString(defaults(loss)), ILossFunction.class), "options matter to equals");
        }
    }

    @Test
    void jsonWithoutOptionsGivesTheDefaults() throws Exception {
        assertEquals(new FocalLoss(), JSON.readValue("{\"@class\":\"org.dl4jlosses.classification.FocalLoss\"}", ILossFunction.class));
        assertEquals(new HingeLoss(), JSON.readValue("{\"@class\":\"org.dl4jlosses.classification.HingeLoss\"}", ILossFunction.class));
    }

    @Test
    void savedConfigurationsAreCheckedLikeBuiltOnes() {
        // DL4J's JSON reader goes through the builder, so a bad saved value fails as build() does.
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> JSON.readValue(
                "{\"@class\":\"org.dl4jlosses.regression.HuberLoss\",\"delta\":-1.0}", ILossFunction.class));
        Throwable cause = e;
        while (cause != null && !(cause instanceof IllegalArgumentException)) {
            cause = cause.getCause();
        }
        assertTrue(cause != null && cause.getMessage().contains("HuberLoss: delta must be finite and > 0, got -1.0"),
                "the IllegalArgumentException of build() is the cause: " + e);
    }

    @Test
    void toStringNamesTheLossAndItsOptions() {
        assertEquals("FocalLoss(gamma=1.5, alpha=-1.0, weights=[0.5, 1.0])", configured().get(2).toString());
        assertEquals("HingeLoss(mode=WESTON_WATKINS, margin=0.5, squared=true)", configured().get(4).toString());
        for (ILossFunction loss : configured()) {
            assertTrue(loss.name().equals(loss.getClass().getSimpleName()));
        }
    }

    @Test
    void optionVectorsAreCopied() {
        double[] w = {1, 2};
        MseLoss loss = MseLoss.builder().weights(w).build();
        w[0] = 99;
        assertEquals(1.0, loss.getWeights()[0], "the builder's array was copied");
        loss.getWeights()[1] = 99;
        assertEquals(2.0, loss.getWeights()[1], "the getter hands out a copy");
    }

    private static ILossFunction defaults(ILossFunction loss) throws Exception {
        return (ILossFunction) loss.getClass().getConstructor().newInstance();
    }
}
