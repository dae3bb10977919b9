package org.dl4jlosses.embedding;

import static org.dl4jlosses.testing.Assert.close;
import static org.dl4jlosses.testing.Assert.rejects;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.dl4jlosses.testing.CoupledCatalogue;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/** GE2E's bad input and options, its invariances, the parameter gradients and degenerate batches. */
class Ge2eLossTest {
    private static final IActivation IDENTITY = new ActivationIdentity();

    private static void rejectsEverywhere(ILossFunction loss, INDArray labels, INDArray z, INDArray mask, String... fragments) {
        rejects(() -> loss.computeScore(labels, z, IDENTITY, mask, true), fragments);
        rejects(() -> loss.computeScoreArray(labels, z, IDENTITY, mask), fragments);
        rejects(() -> loss.computeGradient(labels, z, IDENTITY, mask), fragments);
        rejects(() -> loss.computeGradientAndScore(labels, z, IDENTITY, mask, true), fragments);
    }

    private static INDArray ids(double... ids) {
        double[][] y = new double[ids.length][1];
        for (int i = 0; i < ids.length; i++) {
            y[i][0] = ids[i];
        }
        return Nd4j.createFromArray(y);
    }

    @Test
    void defaultsAndBuilder() {
        Ge2eLoss loss = new Ge2eLoss();
        assertEquals(Ge2eLoss.Variant.SOFTMAX, loss.getVariant());
        assertEquals(10.0, loss.getW());
        assertEquals(-5.0, loss.getB());
        assertEquals(loss, Ge2eLoss.builder().build());
        assertEquals("Ge2eLoss(variant=CONTRAST, w=3.0, b=1.0)",
                Ge2eLoss.builder().variant(Ge2eLoss.Variant.CONTRAST).w(3).b(1).build().toString());
        // A layer's per-call copy is the same configuration with other parameters.
        assertEquals(Ge2eLoss.builder().w(2).b(0.5).build(), loss.withParameters(2, 0.5, new Ge2eLoss.ParameterGradients()));
    }

    @Test
    void badOptionsThrowAtBuild() {
        rejects(() -> Ge2eLoss.builder().w(0).build(), "Ge2eLoss", "w", "> 0", "0.0");
        rejects(() -> Ge2eLoss.builder().w(-2).build(), "Ge2eLoss", "w", "-2.0");
        rejects(() -> Ge2eLoss.builder().w(Double.NaN).build(), "w");
        rejects(() -> Ge2eLoss.builder().b(Double.POSITIVE_INFINITY).build(), "Ge2eLoss", "b", "finite");
        rejects(() -> Ge2eLoss.builder().variant(null).build(), "Ge2eLoss", "variant");
        rejects(() -> new Ge2eLoss().withParameters(-1, 0, null), "Ge2eLoss", "w");
    }

    @Test
    void aSpeakerWithOneUtteranceIsRejectedByName() {
        Ge2eLoss loss = new Ge2eLoss();
        INDArray z = Nd4j.randn(DataType.DOUBLE, 5, 3);
        rejectsEverywhere(loss, ids(4, 9, 4, 42, 9), z, null, "Ge2eLoss", "labels", "at least 2", "speaker 42", "row 3");
        INDArray oneHot = Nd4j.createFromArray(new double[][] {{1, 0, 0}, {0, 1, 0}, {1, 0, 0}, {0, 0, 1}, {0, 1, 0}});
        rejectsEverywhere(loss, oneHot, z, null, "speaker one-hot column 2", "row 3");
        // Masking leaves speaker 9 with one utterance.
        INDArray mask = Nd4j.createFromArray(new double[][] {{1}, {0}, {1}, {1}, {1}});
        rejectsEverywhere(loss, ids(4, 9, 4, 4, 9), z, mask, "speaker 9", "row 4", "unmasked");
        // Bad ids and masks are named too.
        rejectsEverywhere(loss, ids(4, 9.5, 4, 9.5, 4), z, null, "labels", "integer group ids", "9.5");
        rejectsEverywhere(loss, ids(4, 9, 4, 9, 4), z, Nd4j.createFromArray(new double[][] {{1}, {0.5}, {1}, {1}, {1}}),
                "mask", "0 or 1");
    }

    @Test
    void rowOrderDoesNotMatter() {
        Random random = new Random(7);
        for (Ge2eLoss loss : new Ge2eLoss[] {new Ge2eLoss(), Ge2eLoss.builder().variant(Ge2eLoss.Variant.CONTRAST).build()}) {
            CoupledCatalogue.Sample s = CoupledCatalogue.speakerSample(random, DataType.DOUBLE, new int[] {3, 2, 4}, 5, false);
            int[] order = {8, 3, 0, 6, 1, 7, 2, 5, 4};
            INDArray z = s.z.getRows(order);
            INDArray y = s.labels.getRows(order);
            close(loss.computeScoreArray(s.labels, s.z, IDENTITY, null).getRows(order),
                    loss.computeScoreArray(y, z, IDENTITY, null), 1e-12, "permuted score array");
            close(loss.computeGradient(s.labels, s.z, IDENTITY, null).getRows(order),
                    loss.computeGradient(y, z, IDENTITY, null), 1e-12, "permuted gradient");
        }
    }

    @Test
    void embeddingsAreNormalisedFirst() {
        // Scaling a row changes nothing: the paper's d-vectors are unit-length.
        Ge2eLoss loss = Ge2eLoss.builder().variant(Ge2eLoss.Variant.CONTRAST).build();
        CoupledCatalogue.Sample s = CoupledCatalogue.speakerSample(new Random(8), DataType.DOUBLE, new int[] {3, 3}, 4, true);
        INDArray scaled = s.z.mulColumnVector(Nd4j.createFromArray(new double[][] {{2}, {0.1}, {7}, {1}, {3}, {0.5}}));
        close(loss.computeScore(s.labels, s.z, IDENTITY, null, false),
                loss.computeScore(s.labels, scaled, IDENTITY, null, false), 1e-12, "scale invariance");
    }

    @Test
    void parameterGradientsMatchFiniteDifferences() {
        CoupledCatalogue.Sample s = CoupledCatalogue.speakerSample(new Random(9), DataType.DOUBLE, new int[] {3, 4, 3}, 4, false);
        INDArray mask = s.maskOf(0);
        for (Ge2eLoss.Variant variant : Ge2eLoss.Variant.values()) {
            Ge2eLoss loss = Ge2eLoss.builder().variant(variant).w(3).b(-1).build();
            for (INDArray m : new INDArray[] {null, mask}) {
                Ge2eLoss.ParameterGradients g = new Ge2eLoss.ParameterGradients();
                loss.withParameters(3, -1, g).computeGradient(s.labels, s.z, IDENTITY, m);
                double h = 1e-6;
                double dw = (loss.withParameters(3 + h, -1, null).computeScore(s.labels, s.z, IDENTITY, m, false)
                        - loss.withParameters(3 - h, -1, null).computeScore(s.labels, s.z, IDENTITY, m, false)) / (2 * h);
                double db = (loss.withParameters(3, -1 + h, null).computeScore(s.labels, s.z, IDENTITY, m, false)
                        - loss.withParameters(3, -1 - h, null).computeScore(s.labels, s.z, IDENTITY, m, false)) / (2 * h);
                assertEquals(dw, g.w(), 1e-6, variant + " dL/dw");
                assertEquals(db, g.b(), 1e-6, variant + " dL/db");
                assertTrue(Math.abs(g.w()) > 1e-3, "a non-trivial dL/dw");
                if (variant == Ge2eLoss.Variant.SOFTMAX) {
                    assertEquals(0.0, g.b(), 1e-12, "softmax is invariant to a common offset b");
                } else {
                    assertTrue(Math.abs(g.b()) > 1e-3, "contrast depends on b");
                }
            }
        }
    }

    @Test
    void degenerateBatchesStayFinite() {
        for (Ge2eLoss loss : new Ge2eLoss[] {new Ge2eLoss(), Ge2eLoss.builder().variant(Ge2eLoss.Variant.CONTRAST).build()}) {
            for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
                // A zero embedding, identical embeddings (cosines of exactly 1) and opposite ones.
                INDArray z = Nd4j.createFromArray(new double[][] {{0, 0, 0}, {1, 0, 0}, {1, 0, 0}, {1, 0, 0}, {-1, 0, 0}, {0, 2, 0}})
                        .castTo(type);
                INDArray y = ids(1, 1, 2, 2, 3, 3).castTo(type);
                double score = loss.computeScore(y, z, IDENTITY, null, false);
                INDArray gradient = loss.computeGradient(y, z, IDENTITY, null);
                assertTrue(Double.isFinite(score), loss + " " + type + ": score " + score);
                assertTrue(Double.isFinite(gradient.sumNumber().doubleValue()), loss + " " + type + ": gradient " + gradient);
            }
        }
        // One speaker: nothing to tell apart under SOFTMAX.
        INDArray z = Nd4j.randn(DataType.DOUBLE, 4, 3);
        assertEquals(0.0, new Ge2eLoss().computeScore(ids(5, 5, 5, 5), z, IDENTITY, null, false), 1e-12);
        assertEquals(0.0, new Ge2eLoss().computeGradient(ids(5, 5, 5, 5), z, IDENTITY, null).amaxNumber().doubleValue(), 1e-12);
    }

    @Test
    void largeSimilarityScaleInFloat32() {
        CoupledCatalogue.Sample s = CoupledCatalogue.speakerSample(new Random(10), DataType.FLOAT, new int[] {3, 3, 3}, 4, false);
        for (Ge2eLoss.Variant variant : Ge2eLoss.Variant.values()) {
            Ge2eLoss loss = Ge2eLoss.builder().variant(variant).w(1e4).b(-5e3).build();
            double score = loss.computeScore(s.labels, s.z, IDENTITY, null, false);
            INDArray gradient = loss.computeGradient(s.labels, s.z, IDENTITY, null);
            assertTrue(Double.isFinite(score), variant + ": score");
            assertTrue(Double.isFinite(gradient.amaxNumber().doubleValue()), variant + ": gradient");
            close(loss.computeScore(s.labels.castTo(DataType.DOUBLE), s.z.castTo(DataType.DOUBLE), IDENTITY, null, false),
                    score, 1e-3, variant + ": float32 vs float64");
        }
    }
}
