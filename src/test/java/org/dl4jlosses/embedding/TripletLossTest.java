package org.dl4jlosses.embedding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.dl4jlosses.testing.Assert;
import org.dl4jlosses.testing.CoupledCatalogue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/** TripletLoss: bad input and options with clear messages, and the numerically delicate batches. */
class TripletLossTest {
    private static final IActivation IDENTITY = new ActivationIdentity();
    /** The distances TripletLoss takes. */
    static final Distance[] DISTANCES = {Distance.EUCLIDEAN, Distance.SQUARED_EUCLIDEAN, Distance.COSINE};

    static void rejects(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' should contain '" + fragment + "'");
        }
    }

    static void rejectsEverywhere(ILossFunction loss, INDArray labels, INDArray z, INDArray mask, String... fragments) {
        rejects(() -> loss.computeScore(labels, z, IDENTITY, mask, true), fragments);
        rejects(() -> loss.computeScoreArray(labels, z, IDENTITY, mask), fragments);
        rejects(() -> loss.computeGradient(labels, z, IDENTITY, mask), fragments);
        rejects(() -> loss.computeGradientAndScore(labels, z, IDENTITY, mask, true), fragments);
    }

    static List<TripletLoss> every() {
        List<TripletLoss> losses = new ArrayList<>();
        for (TripletLoss.Mining mining : TripletLoss.Mining.values()) {
            for (Distance distance : DISTANCES) {
                for (boolean normalize : new boolean[] {false, true}) {
                    losses.add(TripletLoss.builder().mining(mining).distance(distance).normalize(normalize).build());
                }
            }
        }
        losses.add(TripletLoss.builder().swap(true).build());
        losses.add(TripletLoss.builder().mining(TripletLoss.Mining.ALL).swap(true).build());
        losses.add(TripletLoss.builder().mining(TripletLoss.Mining.HARD).swap(true).build());
        return losses;
    }

    static List<TripletLoss> mined() {
        List<TripletLoss> losses = new ArrayList<>();
        for (TripletLoss loss : every()) {
            if (loss.getMining() != TripletLoss.Mining.NONE) {
                losses.add(loss);
            }
        }
        return losses;
    }

    static INDArray ids(DataType type, double... ids) {
        return Nd4j.createFromArray(ids).castTo(type).reshape(ids.length, 1);
    }

    static void assertFinite(INDArray array, String what) {
        for (double v : array.dup().data().asDouble()) {
            assertTrue(Double.isFinite(v), what + " must be finite: " + array);
        }
    }

    /** Score, score array and gradient through all four entry points, all finite; returns {sum, gradient}. */
    static Pair<Double, INDArray> finite(ILossFunction loss, INDArray labels, INDArray z, INDArray mask) {
        double sum = loss.computeScore(labels, z, IDENTITY, mask, false);
        assertTrue(Double.isFinite(sum), loss + ": score " + sum);
        assertFinite(loss.computeScoreArray(labels, z, IDENTITY, mask), loss + ": score array");
        INDArray gradient = loss.computeGradient(labels, z, IDENTITY, mask);
        assertFinite(gradient, loss + ": gradient");
        Pair<Double, INDArray> both = loss.computeGradientAndScore(labels, z, IDENTITY, mask, false);
        assertEquals(sum, both.getFirst(), 1e-9 * Math.max(1, Math.abs(sum)));
        return new Pair<>(sum, gradient);
    }

    // ------------------------------------------------------------------ options

    @Test
    void defaultsFollowTheSpec() {
        TripletLoss loss = new TripletLoss();
        assertEquals(1.0, loss.getMargin());
        assertEquals(Distance.EUCLIDEAN, loss.getDistance());
        assertEquals(TripletLoss.Mining.NONE, loss.getMining());
        assertEquals(false, loss.isSwap());
        assertEquals(false, loss.isNormalize());
        assertEquals(loss, TripletLoss.builder().build());
        assertTrue(loss.toString().contains("TripletLoss") && loss.toString().contains("margin"), loss.toString());
    }

    @Test
    void badOptionsFailAtBuild() {
        rejects(() -> TripletLoss.builder().margin(-0.1).build(), "TripletLoss", "margin", ">= 0", "-0.1");
        rejects(() -> TripletLoss.builder().margin(Double.NaN).build(), "TripletLoss", "margin", "NaN");
        rejects(() -> TripletLoss.builder().margin(Double.POSITIVE_INFINITY).build(), "TripletLoss", "margin");
        rejects(() -> TripletLoss.builder().distance(null).build(), "TripletLoss", "distance", "non-null");
        rejects(() -> TripletLoss.builder().mining(null).build(), "TripletLoss", "mining", "non-null");
        rejects(() -> TripletLoss.builder().mining(TripletLoss.Mining.SEMI_HARD).swap(true).build(), "TripletLoss", "swap",
                "false with mining SEMI_HARD", "swap = true");
        // a margin of 0 is allowed (as in PyTorch's triplet_margin_loss)
        assertEquals(0.0, TripletLoss.builder().margin(0).build().getMargin());
    }

    @Test
    void onlyDistancesAreAccepted() {
        for (Distance distance : DISTANCES) {
            assertEquals(distance, TripletLoss.builder().distance(distance).build().getDistance());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TripletLoss.builder().distance(Distance.DOT).build());
        assertEquals("TripletLoss: distance must be EUCLIDEAN, SQUARED_EUCLIDEAN or COSINE, got DOT", e.getMessage());
        for (TripletLoss.Mining mining : TripletLoss.Mining.values()) {
            rejects(() -> TripletLoss.builder().mining(mining).distance(Distance.DOT).build(), "TripletLoss", "distance",
                    "got DOT");
        }
    }

    // ------------------------------------------------------------------ bad input

    @Test
    void indivisibleBlocksAreRejected() {
        INDArray z = Nd4j.randn(DataType.FLOAT, 10, 4);
        rejectsEverywhere(new TripletLoss(), Nd4j.zeros(DataType.FLOAT, 10, 1), z, null,
                "TripletLoss", "preOutput", "3 blocks", "anchor; positive; negative", "[10, 4]");
    }

    @Test
    void maskMustBeEqualOnATripletsRows() {
        INDArray z = Nd4j.randn(DataType.FLOAT, 9, 4);
        INDArray mask = Nd4j.ones(DataType.FLOAT, 9, 1);
        mask.putScalar(4, 0, 0); // the positive of triplet 1 only
        rejectsEverywhere(new TripletLoss(), Nd4j.zeros(DataType.FLOAT, 9, 1), z, mask, "TripletLoss", "mask", "tuple");
        INDArray half = Nd4j.ones(DataType.FLOAT, 9, 1).muli(0.5);
        rejectsEverywhere(new TripletLoss(), Nd4j.zeros(DataType.FLOAT, 9, 1), z, half, "TripletLoss", "mask", "0 or 1");
    }

    @Test
    void groupLabelsMustBeIdsOrOneHot() {
        TripletLoss hard = TripletLoss.builder().mining(TripletLoss.Mining.HARD).build();
        INDArray z = Nd4j.randn(DataType.FLOAT, 4, 3);
        INDArray twoOnes = Nd4j.createFromArray(new float[][] {{1, 0}, {0, 1}, {1, 1}, {0, 1}});
        rejectsEverywhere(hard, twoOnes, z, null, "TripletLoss", "labels", "one-hot", "2 ones at row 2");
        INDArray noOne = Nd4j.createFromArray(new float[][] {{1, 0}, {0, 1}, {0, 0}, {0, 1}});
        rejectsEverywhere(hard, noOne, z, null, "TripletLoss", "labels", "one-hot", "0 ones at row 2");
        INDArray soft = Nd4j.createFromArray(new float[][] {{1, 0}, {0.5f, 0.5f}, {1, 0}, {0, 1}});
        rejectsEverywhere(hard, soft, z, null, "TripletLoss", "labels", "one-hot", "0.5 at row 1");
        rejectsEverywhere(hard, ids(DataType.FLOAT, 1, 2, 1.5, 2), z, null, "TripletLoss", "labels", "integer", "1.5 at row 2");
        rejectsEverywhere(hard, ids(DataType.FLOAT, 1, 2, Double.NaN, 2), z, null, "TripletLoss", "labels", "finite");
        rejectsEverywhere(hard, Nd4j.zeros(DataType.FLOAT, 3, 1), z, null, "TripletLoss", "labels");
    }

    @Test
    void elementMasksAreRejected() {
        TripletLoss all = TripletLoss.builder().mining(TripletLoss.Mining.ALL).build();
        INDArray z = Nd4j.randn(DataType.FLOAT, 4, 3);
        rejectsEverywhere(all, ids(DataType.FLOAT, 1, 1, 2, 2), z, Nd4j.ones(DataType.FLOAT, 4, 3), "TripletLoss", "mask");
    }

    // ------------------------------------------------------------------ numerical safety

    @ParameterizedTest(name = "{0}")
    @MethodSource("every")
    void identicalRowsGiveFiniteValuesAndNoPushFromAZeroDistance(TripletLoss loss) {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray row = Nd4j.createFromArray(0.3, -1.2, 0.7, 2.0).castTo(type).reshape(1, 4);
            INDArray z = Nd4j.vstack(row, row, row, row, row, row);
            INDArray labels = loss.getMining() == TripletLoss.Mining.NONE ? Nd4j.zeros(type, 6, 1)
                    : ids(type, 1, 1, 1, 2, 2, 2);
            Pair<Double, INDArray> r = finite(loss, labels, z, null);
            // every distance is 0 (1e-6 sqrt(D) for PyTorch's Euclidean), so every hinge is at the margin
            assertEquals(6 * loss.getMargin(), r.getFirst(), 1e-5, loss + ": every triplet loses the margin");
            if (loss.getMining() != TripletLoss.Mining.NONE || loss.getDistance() != Distance.EUCLIDEAN) {
                // 0 x the subgradient of a zero distance: nothing points anywhere
                assertEquals(0.0, r.getSecond().amaxNumber().doubleValue(), 1e-3, loss + ": gradient");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mined")
    void nothingToLearnGivesZero(TripletLoss loss) {
        INDArray z = Nd4j.randn(DataType.DOUBLE, 5, 3);
        // one group: no negatives
        Pair<Double, INDArray> one = finite(loss, ids(DataType.DOUBLE, 4, 4, 4, 4, 4), z, null);
        assertEquals(0.0, one.getFirst(), loss + ": one group");
        assertEquals(0.0, one.getSecond().amaxNumber().doubleValue(), loss + ": one group");
        // every row its own group: no positives
        Pair<Double, INDArray> alone = finite(loss, ids(DataType.DOUBLE, 1, 2, 3, 4, 5), z, null);
        assertEquals(0.0, alone.getFirst(), loss + ": no positives");
        assertEquals(0.0, alone.getSecond().amaxNumber().doubleValue(), loss + ": no positives");
        // a single row
        Pair<Double, INDArray> single = finite(loss, ids(DataType.DOUBLE, 1), z.getRows(0), null);
        assertEquals(0.0, single.getFirst(), loss + ": single row");
        // groups far apart in every distance (opposite directions): every hinge inactive
        INDArray apart = Nd4j.createFromArray(new double[][] {{100, 0}, {100, 0.1}, {-100, 0}, {-100, 0.1}});
        Pair<Double, INDArray> easy = finite(loss, ids(DataType.DOUBLE, 1, 1, 2, 2), apart, null);
        assertEquals(0.0, easy.getFirst(), loss + ": easy batch");
        assertEquals(0.0, easy.getSecond().amaxNumber().doubleValue(), loss + ": easy batch");
    }

    @Test
    void anAnchorWithoutPositivesIsOnlyANegative() {
        // HARD: the mean runs over the anchors that have a positive and a negative; row 4 is alone in its group.
        TripletLoss hard = TripletLoss.builder().mining(TripletLoss.Mining.HARD).distance(Distance.SQUARED_EUCLIDEAN)
                .build();
        INDArray z = Nd4j.createFromArray(new double[][] {{0}, {1}, {3}, {3.5}, {0.25}});
        double mean = hard.computeScore(ids(DataType.DOUBLE, 1, 1, 2, 2, 3), z, IDENTITY, null, false) / 5;
        // anchors 0..3: hardest positive, hardest negative (squared distances), margin 1
        double[] losses = {Math.max(0, 1 - 0.0625 + 1), Math.max(0, 1 - 0.5625 + 1), Math.max(0, 0.25 - 4 + 1),
            Math.max(0, 0.25 - 6.25 + 1)};
        assertEquals((losses[0] + losses[1] + losses[2] + losses[3]) / 4, mean, 1e-12);
    }

    @Test
    void float32LargeEmbeddingsStayFinite() {
        Random random = new Random(5);
        for (TripletLoss loss : every()) {
            INDArray z = CoupledCatalogue.gaussian(random, 12, 8, DataType.FLOAT).muli(1e4);
            INDArray labels = loss.getMining() == TripletLoss.Mining.NONE ? Nd4j.zeros(DataType.FLOAT, 12, 1)
                    : ids(DataType.FLOAT, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3);
            finite(loss, labels, z, null);
            // zero rows: cosine and normalisation divide by a clamped norm
            finite(loss, labels, Nd4j.zeros(DataType.FLOAT, 12, 8), null);
        }
    }

    @Test
    void batchAllIsChunkedWithoutChangingTheResult() {
        // 200 rows: 8e6 triplets, four anchor blocks; against a brute-force loop, and the gradient by a directional difference
        Random random = new Random(7);
        int n = 200;
        INDArray z = CoupledCatalogue.gaussian(random, n, 4, DataType.DOUBLE);
        double[] id = new double[n];
        for (int i = 0; i < n; i++) {
            id[i] = i % 10;
        }
        INDArray labels = ids(DataType.DOUBLE, id);
        for (TripletLoss.Mining mining : new TripletLoss.Mining[] {TripletLoss.Mining.ALL, TripletLoss.Mining.SEMI_HARD}) {
            TripletLoss loss = TripletLoss.builder().mining(mining).build();
            Pair<Double, INDArray> r = finite(loss, labels, z, null);
            assertTrue(r.getFirst() > 0, mining + " has something to learn");
            // brute force over the distance matrix, in Java doubles
            double[][] x = z.toDoubleMatrix();
            double[][] d = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int k = 0; k < 4; k++) {
                        s += (x[i][k] - x[j][k]) * (x[i][k] - x[j][k]);
                    }
                    d[i][j] = Math.sqrt(s);
                }
            }
            double total = 0;
            double count = 0;
            for (int a = 0; a < n; a++) {
                for (int p = 0; p < n; p++) {
                    if (p == a || id[p] != id[a]) {
                        continue;
                    }
                    if (mining == TripletLoss.Mining.ALL) {
                        for (int k = 0; k < n; k++) {
                            double l = id[k] != id[a] ? d[a][p] - d[a][k] + 1 : 0;
                            if (l > 0) {
                                total += l;
                                count++;
                            }
                        }
                    } else {
                        double outside = Double.POSITIVE_INFINITY;
                        double inside = Double.NEGATIVE_INFINITY;
                        for (int k = 0; k < n; k++) {
                            if (id[k] != id[a]) {
                                inside = Math.max(inside, d[a][k]);
                                if (d[a][k] > d[a][p]) {
                                    outside = Math.min(outside, d[a][k]);
                                }
                            }
                        }
                        double negative = outside < Double.POSITIVE_INFINITY ? outside : inside;
                        total += Math.max(0, 1 + d[a][p] - negative);
                        count++;
                    }
                }
            }
            assertEquals(total / count, r.getFirst() / n, 1e-9, mining + " mean");
            // the gradient assembled block by block: a directional derivative by central differences,
            // moving three rows in different anchor blocks (moving all 200 crosses some semi-hard
            // selection boundary, where the loss jumps)
            INDArray direction = Nd4j.zeros(DataType.DOUBLE, n, 4);
            for (int row : new int[] {3, 100, 190}) {
                direction.putRow(row, CoupledCatalogue.gaussian(random, 1, 4, DataType.DOUBLE));
            }
            double h = 1e-7;
            double plus = loss.computeScore(labels, z.add(direction.mul(h)), IDENTITY, null, false);
            double minus = loss.computeScore(labels, z.sub(direction.mul(h)), IDENTITY, null, false);
            double analytic = r.getSecond().mul(direction).sumNumber().doubleValue();
            assertTrue(Math.abs(analytic) > 1e-3, mining + ": a check of a vanishing derivative proves nothing");
            assertEquals((plus - minus) / (2 * h), analytic, 1e-5 * Math.max(1, Math.abs(analytic)), mining + " gradient");
        }
    }

    /**
     * Cosine distances of float32 rows of norm about 1e20, whose squares overflow float32: the norm
     * is taken again over the elements scaled by the largest, so the losses equal those of the
     * same rows at norm about 1, and the gradients those divided by 1e20.
     */
    @Test
    void cosineOfHugeFloat32RowsIgnoresTheirScale() {
        INDArray z = CoupledCatalogue.gaussian(new Random(5), 12, 6, DataType.FLOAT);
        INDArray groups = ids(DataType.FLOAT, 0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3);
        INDArray huge = z.mul(1e20);
        for (ILossFunction loss : new ILossFunction[] {
            TripletLoss.builder().distance(Distance.COSINE).build(),
            TripletLoss.builder().distance(Distance.COSINE).mining(TripletLoss.Mining.ALL).margin(0.5).build(),
            TripletLoss.builder().distance(Distance.COSINE).mining(TripletLoss.Mining.SEMI_HARD).margin(0.5).build(),
            ContrastiveLoss.builder().distance(Distance.COSINE).layout(ContrastiveLoss.Layout.GROUPS).build(),
            ContrastiveLoss.builder().distance(Distance.COSINE).build()}) {
            INDArray labels = loss instanceof ContrastiveLoss && ((ContrastiveLoss) loss).getLayout() == ContrastiveLoss.Layout.BLOCKS
                    ? ids(DataType.FLOAT, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0) : groups;
            double plain = loss.computeScore(labels, z, IDENTITY, null, false);
            assertTrue(plain > 0, loss + ": a batch with a loss");
            Assert.close(plain, loss.computeScore(labels, huge, IDENTITY, null, false), 1e-5, loss + ": score");
            Assert.close(loss.computeGradient(labels, z, IDENTITY, null),
                    loss.computeGradient(labels, huge, IDENTITY, null).mul(1e20), 1e-4, loss + ": gradient");
        }
    }

    /**
     * Euclidean distances between float32 rows of norm about 1e20 and 1e30 (squared norms past
     * float32's range, distances within it): every mining, and contrastive pairs, give float64's
     * loss and gradient; where the squared distances or the loss itself do not fit in float32, the
     * call fails, naming the loss, instead of returning 0 or NaN.
     */
    @Test
    void euclideanDistancesOfHugeFloat32RowsMatchFloat64() {
        INDArray z = CoupledCatalogue.gaussian(new Random(5), 12, 6, DataType.DOUBLE);
        INDArray groups = ids(DataType.DOUBLE, 0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3);
        for (double scale : new double[] {1e20, 1e30}) {
            INDArray huge = z.mul(scale);
            for (TripletLoss.Mining mining : TripletLoss.Mining.values()) {
                TripletLoss loss = TripletLoss.builder().mining(mining).build();
                INDArray labels = mining == TripletLoss.Mining.NONE ? z.getColumn(0, true) : groups;
                double exact = loss.computeScore(labels, huge, IDENTITY, null, false);
                assertTrue(exact > 0, loss + ": a batch with a loss");
                Assert.close(exact, loss.computeScore(labels.castTo(DataType.FLOAT), huge.castTo(DataType.FLOAT), IDENTITY, null,
                        false), 1e-5, loss + " at " + scale + ": score");
                Assert.close(loss.computeGradient(labels, huge, IDENTITY, null), loss.computeGradient(labels.castTo(DataType.FLOAT),
                        huge.castTo(DataType.FLOAT), IDENTITY, null).castTo(DataType.DOUBLE), 1e-4, loss + " at " + scale + ": gradient");
            }
            INDArray floats = huge.castTo(DataType.FLOAT);
            Assert.rejects(() -> TripletLoss.builder().mining(TripletLoss.Mining.ALL).distance(Distance.SQUARED_EUCLIDEAN).build()
                    .computeScore(groups.castTo(DataType.FLOAT), floats, IDENTITY, null, false), "TripletLoss: preOutput",
                    "SQUARED_EUCLIDEAN distances fit in FLOAT");
            ContrastiveLoss contrastive = ContrastiveLoss.builder().layout(ContrastiveLoss.Layout.GROUPS).build();
            Assert.rejects(() -> contrastive.computeScore(groups.castTo(DataType.FLOAT), floats, IDENTITY, null, false),
                    "ContrastiveLoss: preOutput", "loss fits in FLOAT");
            Assert.close(contrastive.computeGradient(groups, huge, IDENTITY, null),
                    contrastive.computeGradient(groups.castTo(DataType.FLOAT), floats, IDENTITY, null).castTo(DataType.DOUBLE), 1e-4,
                    "contrastive gradient at " + scale);
        }
    }

    // ------------------------------------------------------------------ ties and zero distances

    /**
     * A float32 batch full of ties: row 1 copies row 0 (same group), row 5 copies row 2 (another
     * group), row 9 copies row 4, and with {@code zeroRows} rows 10, 11 are zero rows (cosine
     * clamps their norms). Every anchor thus has tied hardest positives or negatives and zero
     * distances. (Zero rows are left out under {@code normalize}: a zero row is then at distance
     * |u_j| = 1 from every other row up to rounding, so its mining would pick among near-ties that
     * only the rounding decides, differently in each precision.)
     */
    static INDArray[] tiedBatch(Random random, boolean blocks, boolean zeroRows) {
        INDArray z = CoupledCatalogue.gaussian(random, 12, 5, DataType.FLOAT);
        z.putRow(1, z.getRow(0));
        z.putRow(5, z.getRow(2));
        z.putRow(9, z.getRow(4));
        if (zeroRows) {
            z.putRow(10, Nd4j.zeros(DataType.FLOAT, 5));
            z.putRow(11, Nd4j.zeros(DataType.FLOAT, 5));
        }
        INDArray labels = blocks ? Nd4j.zeros(DataType.FLOAT, 12, 1) : ids(DataType.FLOAT, 1, 1, 2, 3, 1, 3, 2, 2, 3, 4, 4, 1);
        return new INDArray[] {z, labels};
    }

    /**
     * A batch of ties and zero distances in float32 and in float64: finite scores and gradients,
     * and each call repeated after a call in the other precision (and on other rows) gives the same
     * numbers bit for bit, so no per-thread scratch carries state from one call into the next. (The
     * two precisions are not compared: a near-tie that float32 rounds to a tie breaks differently.)
     */
    static void tiedBatchIsFiniteAndRepeatable(ILossFunction loss, INDArray labels, INDArray z, INDArray mask, String what) {
        INDArray other = z.mul(-2).addi(1);
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray zt = z.castTo(type);
            INDArray mt = mask == null ? null : mask.castTo(type);
            double score = loss.computeScore(labels, zt, IDENTITY, mt, false);
            INDArray gradient = loss.computeGradient(labels, zt, IDENTITY, mt);
            assertEquals(type, gradient.dataType(), what + ": the " + type + " run");
            assertTrue(Double.isFinite(score), what + " " + type + ": finite score");
            assertFinite(gradient, what + " " + type + ": finite gradient");
            loss.computeGradientAndScore(labels, other.castTo(type == DataType.FLOAT ? DataType.DOUBLE : DataType.FLOAT),
                    IDENTITY, null, false);
            loss.computeGradientAndScore(labels, other.castTo(type), IDENTITY, null, false);
            assertEquals(score, loss.computeScore(labels, zt, IDENTITY, mt, false), 0, what + " " + type + ": repeated score");
            assertEquals(gradient, loss.computeGradient(labels, zt, IDENTITY, mt), what + " " + type + ": repeated gradient");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("every")
    void tiesAndZeroDistancesAreFiniteAndRepeatable(TripletLoss loss) {
        Random random = new Random(11);
        for (int trial = 0; trial < 3; trial++) {
            INDArray[] batch = tiedBatch(random, loss.getMining() == TripletLoss.Mining.NONE,
                    !loss.isNormalize() || loss.getDistance() == Distance.COSINE);
            tiedBatchIsFiniteAndRepeatable(loss, batch[1], batch[0], null, loss + " trial " + trial);
            INDArray mask = Nd4j.ones(DataType.FLOAT, 12, 1);
            if (loss.getMining() == TripletLoss.Mining.NONE) {
                mask.putScalar(1, 0, 0);
                mask.putScalar(5, 0, 0);
                mask.putScalar(9, 0, 0);
            } else {
                mask.putScalar(3, 0, 0);
            }
            tiedBatchIsFiniteAndRepeatable(loss, batch[1], batch[0], mask, loss + " trial " + trial + " masked");
        }
    }
}
