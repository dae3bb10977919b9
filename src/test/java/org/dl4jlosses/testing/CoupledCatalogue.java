package org.dl4jlosses.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.IntToDoubleFunction;
import org.dl4jlosses.embedding.InfoNceLoss;
import org.dl4jlosses.embedding.MultipleNegativesRankingLoss;
import org.dl4jlosses.embedding.AdditiveAngularMarginLoss;
import org.dl4jlosses.embedding.AdditiveCosineMarginLoss;
import org.dl4jlosses.embedding.CombinedMarginLoss;
import org.dl4jlosses.embedding.AnglELoss;
import org.dl4jlosses.embedding.CoSentLoss;
import org.dl4jlosses.embedding.CircleLoss;
import org.dl4jlosses.embedding.MultiSimilarityLoss;
import org.dl4jlosses.embedding.SupervisedContrastiveLoss;
import org.dl4jlosses.embedding.Ge2eLoss;
import org.dl4jlosses.embedding.ContrastiveLoss;
import org.dl4jlosses.embedding.Distance;
import org.dl4jlosses.embedding.TripletLoss;
import org.dl4jlosses.ranking.MarginRankingLoss;
import org.dl4jlosses.segmentation.DiceCrossEntropyLoss;
import org.dl4jlosses.segmentation.DiceLoss;
import org.dl4jlosses.segmentation.GeneralizedDiceLoss;
import org.dl4jlosses.segmentation.OverlapLoss;
import org.dl4jlosses.segmentation.TverskyLoss;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * Every coupled loss (section 3: losses over tuples and batches) x option set x layout x
 * activation, each with a sampler of valid inputs: the list the coupled property tests
 * (finite differences, invariants, threads, DL4J gradient checks) run over.
 *
 * <p>A sample knows its units (a tuple's rows in BLOCKS, a single row in GROUPS, an image's rows
 * for Dice), so a test can mask whole units and compare with the batch without them.
 */
public final class CoupledCatalogue {
    private CoupledCatalogue() {
    }

    /** Draws valid inputs for one configuration. */
    @FunctionalInterface
    public interface Sampler {
        Sample draw(Random random, DataType type);
    }

    /** One configuration. */
    public static final class Entry {
        public final String name;
        public final ILossFunction loss;
        public final IActivation activation;
        private final Sampler sampler;

        public Entry(ILossFunction loss, IActivation activation, String layout, Sampler sampler) {
            this.loss = loss;
            this.activation = activation;
            this.sampler = sampler;
            this.name = loss + " / " + activation + " / " + layout;
        }

        public Sample sample(Random random, DataType type) {
            return sampler.draw(random, type);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Inputs z [R, D] and labels [R, L] with the rows of each unit. */
    public static final class Sample {
        public final INDArray z;
        public final INDArray labels;
        public final int[][] units;
        /** E, what computeScore(average=true) divides by: the row count unless a loss says otherwise (Dice). */
        public final long examples;

        public Sample(INDArray z, INDArray labels, int[][] units) {
            this(z, labels, units, z.size(0));
        }

        public Sample(INDArray z, INDArray labels, int[][] units, long examples) {
            this.z = z;
            this.labels = labels;
            this.units = units;
            this.examples = examples;
        }

        public int rows() {
            return (int) z.size(0);
        }

        /** A row mask [R, 1] that masks the given units. */
        public INDArray maskOf(int... masked) {
            INDArray mask = Nd4j.ones(z.dataType(), rows(), 1);
            for (int u : masked) {
                for (int r : units[u]) {
                    mask.putScalar(r, 0, 0.0);
                }
            }
            return mask;
        }

        /** The rows left when the given units are removed, in order. */
        public int[] rowsWithout(int... removed) {
            boolean[] gone = new boolean[rows()];
            for (int u : removed) {
                for (int r : units[u]) {
                    gone[r] = true;
                }
            }
            return java.util.stream.IntStream.range(0, rows()).filter(r -> !gone[r]).toArray();
        }

        public Sample castTo(DataType type) {
            return new Sample(z.castTo(type), labels.castTo(type), units, examples);
        }
    }

    // ------------------------------------------------------------------ samplers

    /** Gaussian z [rows, columns]. */
    public static INDArray gaussian(Random random, int rows, int columns, DataType type) {
        double[][] z = new double[rows][columns];
        for (double[] row : z) {
            for (int j = 0; j < columns; j++) {
                row[j] = random.nextGaussian();
            }
        }
        return Nd4j.createFromArray(z).castTo(type);
    }

    /** Units of a BLOCKS layout: tuple i is rows i, n + i, ..., (g-1) n + i. */
    public static int[][] tupleUnits(int g, int n) {
        int[][] units = new int[n][g];
        for (int i = 0; i < n; i++) {
            for (int b = 0; b < g; b++) {
                units[i][b] = b * n + i;
            }
        }
        return units;
    }

    /** One unit per row. */
    public static int[][] rowUnits(int rows) {
        int[][] units = new int[rows][];
        for (int i = 0; i < rows; i++) {
            units[i] = new int[] {i};
        }
        return units;
    }

    /**
     * A BLOCKS sample: G blocks of n gaussian rows of width d; labels [g n, 1] with block 0's from
     * {@code label} (tuple index to value) and the other blocks holding a deliberately different
     * value (7), which the loss must not read.
     */
    public static Sample blocks(Random random, DataType type, int g, int n, int d, IntToDoubleFunction label) {
        double[][] y = new double[g * n][1];
        for (int r = 0; r < g * n; r++) {
            y[r][0] = r < n ? label.applyAsDouble(r) : 7;
        }
        return new Sample(gaussian(random, g * n, d, type), Nd4j.createFromArray(y).castTo(type), tupleUnits(g, n));
    }

    /**
     * A GROUPS sample: n gaussian rows of width d in {@code groups} groups of at least two rows
     * each, shuffled; labels are integer ids [n, 1] (not 0-based, to prove ids are only names), or
     * one-hot rows [n, groups].
     */
    public static Sample groups(Random random, DataType type, int n, int d, int groups, boolean oneHot) {
        if (n < 2 * groups) {
            throw new IllegalArgumentException("need at least two rows per group");
        }
        int[] id = new int[n];
        for (int i = 0; i < n; i++) {
            id[i] = i < 2 * groups ? i / 2 : random.nextInt(groups);
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = id[i];
            id[i] = id[j];
            id[j] = t;
        }
        double[][] y = new double[n][oneHot ? groups : 1];
        for (int i = 0; i < n; i++) {
            if (oneHot) {
                y[i][id[i]] = 1;
            } else {
                y[i][0] = 10 + 3 * id[i];
            }
        }
        return new Sample(gaussian(random, n, d, type), Nd4j.createFromArray(y).castTo(type), rowUnits(n));
    }

    // ------------------------------------------------------------------ the catalogue

    public static List<Entry> all() {
        List<Entry> all = new ArrayList<>();
        all.addAll(ranking());
        all.addAll(segmentation());
        all.addAll(retrieval());
        all.addAll(margin());
        all.addAll(pairScores());
        all.addAll(groupPairs());
        all.addAll(distance());
        return all;
    }

    static List<Entry> segmentation() {
        List<Entry> entries = new ArrayList<>();
        IActivation sigmoid = new org.nd4j.linalg.activations.impl.ActivationSigmoid();
        IActivation softmax = new org.nd4j.linalg.activations.impl.ActivationSoftmax();
        int p = 4;
        int images = 3;
        for (OverlapLoss.Builder<?, ?> b : Arrays.<OverlapLoss.Builder<?, ?>>asList(DiceLoss.builder(),
                DiceLoss.builder().smooth(0.5).squaredDenominator(true), DiceLoss.builder().includeBackground(false).weights(0.5, 2, 1),
                TverskyLoss.builder().alpha(0.3).beta(0.7), TverskyLoss.builder().gamma(4.0 / 3).smooth(0.5).weights(0.5, 2, 1),
                TverskyLoss.builder().alpha(0.8).beta(0.6).gamma(0.75).includeBackground(false),
                GeneralizedDiceLoss.builder(), GeneralizedDiceLoss.builder().weighting(GeneralizedDiceLoss.Weighting.SIMPLE)
                        .includeBackground(false).weights(0.5, 2, 1), DiceCrossEntropyLoss.builder(),
                DiceCrossEntropyLoss.builder().gamma(2).lambdaDice(0.5).lambdaCrossEntropy(2).includeBackground(false)
                        .weights(0.5, 2, 1))) {
            for (int rowsPerSample : new int[] {0, p}) {
                OverlapLoss loss = b.rowsPerSample(rowsPerSample).build();
                for (IActivation act : Arrays.asList(sigmoid, softmax)) {
                    boolean exclusive = act == softmax;
                    entries.add(new Entry(loss, act, rowsPerSample == 0 ? "batch mode" : "images of " + p + " rows",
                            (random, type) -> {
                                int rows = images * p;
                                double[][] y = new double[rows][3];
                                for (double[] row : y) {
                                    if (exclusive) {
                                        row[random.nextInt(3)] = 1;
                                    } else {
                                        for (int c = 0; c < 3; c++) {
                                            row[c] = random.nextInt(5) < 2 ? 1 : 0;
                                        }
                                    }
                                }
                                int[][] units = rowsPerSample == 0 ? rowUnits(rows) : new int[images][];
                                if (rowsPerSample > 0) {
                                    for (int i = 0; i < images; i++) {
                                        units[i] = java.util.stream.IntStream.range(i * p, (i + 1) * p).toArray();
                                    }
                                }
                                return new Sample(gaussian(random, rows, 3, type), Nd4j.createFromArray(y).castTo(type),
                                        units, rowsPerSample == 0 ? rows : images);
                            }));
                }
            }
        }
        return entries;
    }

    static List<Entry> ranking() {
        List<Entry> entries = new ArrayList<>();
        IActivation identity = new ActivationIdentity();
        IActivation tanh = new ActivationTanH();
        for (MarginRankingLoss loss : Arrays.asList(new MarginRankingLoss(), MarginRankingLoss.builder().margin(0.5).build())) {
            for (IActivation act : Arrays.asList(identity, tanh)) {
                entries.add(new Entry(loss, act, "pairs [N,2]", (random, type) -> {
                    int n = 6;
                    double[][] y = new double[n][1];
                    for (int i = 0; i < n; i++) {
                        y[i][0] = i % 2 == 0 ? 1 : -1;
                    }
                    return new Sample(gaussian(random, n, 2, type), Nd4j.createFromArray(y).castTo(type), rowUnits(n));
                }));
                entries.add(new Entry(loss, act, "BLOCKS [2N,1]",
                        (random, type) -> blocks(random, type, 2, 6, 1, i -> i % 3 == 0 ? -1 : 1)));
            }
        }
        return entries;
    }

    /** InfoNceLoss (BLOCKS with in-batch, unpaired and paired negatives; GROUPS) and MultipleNegativesRankingLoss. */
    static List<Entry> retrieval() {
        List<Entry> entries = new ArrayList<>();
        IActivation identity = new ActivationIdentity();
        IActivation tanh = new ActivationTanH();
        int d = 3;
        for (IActivation act : Arrays.asList(identity, tanh)) {
            entries.add(new Entry(new InfoNceLoss(), act, "BLOCKS q;k",
                    (random, type) -> blocks(random, type, 2, 5, d, i -> 0)));
            entries.add(new Entry(MultipleNegativesRankingLoss.builder().symmetric(true).hardNegatives(1).build(), act,
                    "BLOCKS a;p;h", (random, type) -> blocks(random, type, 3, 4, d, i -> 0)));
        }
        entries.add(new Entry(InfoNceLoss.builder().temperature(0.5).negatives(1).build(), identity,
                "BLOCKS q;k;n", (random, type) -> blocks(random, type, 3, 4, d, i -> 0)));
        entries.add(new Entry(InfoNceLoss.builder().temperature(0.5).normalize(false).negatives(2)
                .negativeMode(InfoNceLoss.NegativeMode.PAIRED).build(), tanh,
                "BLOCKS q;k;n1;n2", (random, type) -> blocks(random, type, 4, 3, d, i -> 0)));
        entries.add(new Entry(InfoNceLoss.builder().temperature(0.2).negatives(2)
                .negativeMode(InfoNceLoss.NegativeMode.PAIRED).build(), identity,
                "BLOCKS q;k;n1;n2", (random, type) -> blocks(random, type, 4, 3, d, i -> 0)));
        entries.add(new Entry(InfoNceLoss.builder().temperature(0.2).layout(InfoNceLoss.Layout.GROUPS).build(), identity,
                "GROUPS ids", (random, type) -> groups(random, type, 9, d, 3, false)));
        entries.add(new Entry(InfoNceLoss.builder().temperature(0.5).normalize(false).layout(InfoNceLoss.Layout.GROUPS)
                .build(), tanh, "GROUPS one-hot", (random, type) -> groups(random, type, 8, d, 3, true)));
        entries.add(new Entry(new MultipleNegativesRankingLoss(), identity, "BLOCKS a;p",
                (random, type) -> blocks(random, type, 2, 5, d, i -> 0)));
        entries.add(new Entry(MultipleNegativesRankingLoss.builder().similarity(Distance.DOT)
                .scale(1.0).hardNegatives(2).build(), tanh, "BLOCKS a;p;h1;h2",
                (random, type) -> blocks(random, type, 4, 3, d, i -> 0)));
        // The same options on identity outputs, so that the float32 kernels of these options are compared too.
        entries.add(new Entry(MultipleNegativesRankingLoss.builder().similarity(Distance.DOT)
                .scale(1.0).hardNegatives(2).build(), identity, "BLOCKS a;p;h1;h2",
                (random, type) -> blocks(random, type, 4, 3, d, i -> 0)));
        entries.add(new Entry(InfoNceLoss.builder().temperature(0.5).normalize(false).negatives(2)
                .negativeMode(InfoNceLoss.NegativeMode.PAIRED).build(), identity,
                "BLOCKS q;k;n1;n2", (random, type) -> blocks(random, type, 4, 3, d, i -> 0)));
        entries.add(new Entry(InfoNceLoss.builder().temperature(0.5).normalize(false).layout(InfoNceLoss.Layout.GROUPS)
                .build(), identity, "GROUPS one-hot", (random, type) -> groups(random, type, 8, d, 3, true)));
        return entries;
    }
    /**
     * ArcFace (tanh turns an ordinary layer's pre-output into cosines; identity is covered by the
     * fixtures and the CosineOutputLayer tests) and GE2E. GE2E samples have speakers of 3 to 4
     * utterances, rows 0 and 2 from different speakers, so masking them leaves two per speaker.
     */
    static List<Entry> margin() {
        List<Entry> entries = new ArrayList<>();
        IActivation identity = new ActivationIdentity();
        IActivation tanh = new ActivationTanH();
        List<ILossFunction> arcFaces = Arrays.asList(new AdditiveAngularMarginLoss(),
                AdditiveAngularMarginLoss.builder().scale(30).margin(0.3).build(),
                AdditiveAngularMarginLoss.builder().scale(16).easyMargin(true).build(),
                AdditiveAngularMarginLoss.builder().scale(8).margin(2.0).build(),
                new AdditiveCosineMarginLoss(), AdditiveCosineMarginLoss.builder().scale(16).margin(0.2).build(),
                CombinedMarginLoss.builder().scale(16).m2(0.3).m3(0.2).build(),
                CombinedMarginLoss.builder().scale(8).m1(1.35).m2(0.25).m3(0.1).build(),
                CombinedMarginLoss.builder().scale(8).m1(0.8).m3(0.1).easyMargin(true).build());
        for (int i = 0; i < arcFaces.size(); i++) {
            boolean oneHot = i % 2 == 1;
            entries.add(new Entry(arcFaces.get(i), tanh, oneHot ? "one-hot [N,C]" : "class indices [N,1]",
                    (random, type) -> arcFaceSample(random, type, 8, 4, oneHot)));
        }
        List<Ge2eLoss> ge2es = Arrays.asList(new Ge2eLoss(),
                Ge2eLoss.builder().variant(Ge2eLoss.Variant.CONTRAST).build(),
                Ge2eLoss.builder().w(3).b(1).build(),
                Ge2eLoss.builder().variant(Ge2eLoss.Variant.CONTRAST).w(4).b(-1.5).build());
        for (int i = 0; i < ge2es.size(); i++) {
            for (IActivation act : Arrays.asList(identity, tanh)) {
                boolean oneHot = (i + (act == tanh ? 1 : 0)) % 2 == 1;
                entries.add(new Entry(ge2es.get(i), act, oneHot ? "GROUPS one-hot" : "GROUPS ids",
                        (random, type) -> speakerSample(random, type, new int[] {3, 4, 3}, 4, oneHot)));
            }
        }
        return entries;
    }

    /**
     * CoSENT and AnglE: BLOCKS left; right with block-0 similarity scores, graded with ties (pairs
     * 0 and 2, masked by the contract tests, leave ordered pairs behind) or all distinct; D even
     * for AnglE, odd too for CoSENT.
     */
    static List<Entry> pairScores() {
        List<Entry> entries = new ArrayList<>();
        IActivation identity = new ActivationIdentity();
        IActivation tanh = new ActivationTanH();
        IntToDoubleFunction graded = i -> i % 3;
        IntToDoubleFunction distinct = i -> 0.9 - 0.35 * i;
        entries.add(new Entry(new CoSentLoss(), identity, "BLOCKS left; right",
                (random, type) -> blocks(random, type, 2, 6, 4, graded)));
        entries.add(new Entry(CoSentLoss.builder().scale(5).build(), tanh, "BLOCKS left; right",
                (random, type) -> blocks(random, type, 2, 5, 3, distinct)));
        entries.add(new Entry(new AnglELoss(), identity, "BLOCKS left; right",
                (random, type) -> blocks(random, type, 2, 6, 4, graded)));
        entries.add(new Entry(AnglELoss.builder().scale(5).build(), tanh, "BLOCKS left; right",
                (random, type) -> blocks(random, type, 2, 5, 6, distinct)));
        return entries;
    }

    /**
     * SupervisedContrastiveLoss, MultiSimilarityLoss (mining on and off) and CircleLoss: GROUPS ids or
     * one-hot rows, every id at least twice. CircleLoss's gradient holds its weights constant (the
     * reference's), so finite differences of its score are not its gradient; the fixtures and
     * CircleLossTest check it.
     */
    static List<Entry> groupPairs() {
        List<Entry> entries = new ArrayList<>();
        IActivation identity = new ActivationIdentity();
        IActivation tanh = new ActivationTanH();
        entries.add(new Entry(new SupervisedContrastiveLoss(), identity, "GROUPS ids",
                (random, type) -> groups(random, type, 9, 4, 3, false)));
        entries.add(new Entry(SupervisedContrastiveLoss.builder().temperature(0.5).normalize(false).build(), tanh,
                "GROUPS one-hot", (random, type) -> groups(random, type, 8, 3, 3, true)));
        entries.add(new Entry(MultiSimilarityLoss.builder().miningEpsilon(-1).build(), identity, "GROUPS ids",
                (random, type) -> groups(random, type, 9, 4, 3, false)));
        entries.add(new Entry(MultiSimilarityLoss.builder().alpha(1).beta(10).base(0.3).miningEpsilon(0.5).build(), tanh,
                "GROUPS one-hot", (random, type) -> groups(random, type, 8, 3, 3, true)));
        entries.add(new Entry(new MultiSimilarityLoss(), identity, "GROUPS ids",
                (random, type) -> groups(random, type, 9, 4, 3, false)));
        entries.add(new Entry(new CircleLoss(), identity, "GROUPS ids",
                (random, type) -> groups(random, type, 9, 4, 3, false)));
        entries.add(new Entry(CircleLoss.builder().margin(0.25).gamma(10).build(), tanh, "GROUPS one-hot",
                (random, type) -> groups(random, type, 8, 3, 3, true)));
        return entries;
    }

    /** z [n, c] gaussian (cosines after tanh) with one class per row, as indices or one-hot. */
    public static Sample arcFaceSample(Random random, DataType type, int n, int classes, boolean oneHot) {
        double[][] y = new double[n][oneHot ? classes : 1];
        for (int i = 0; i < n; i++) {
            int c = random.nextInt(classes);
            if (oneHot) {
                y[i][c] = 1;
            } else {
                y[i][0] = c;
            }
        }
        return new Sample(gaussian(random, n, classes, type).muli(1.2), Nd4j.createFromArray(y).castTo(type),
                rowUnits(n));
    }

    /** Speakers of the given sizes in a shuffled order with rows 0 and 2 from different speakers; ids or one-hot. */
    public static Sample speakerSample(Random random, DataType type, int[] sizes, int d, boolean oneHot) {
        int n = Arrays.stream(sizes).sum();
        int[] id = new int[n];
        for (int k = 0, r = 0; k < sizes.length; k++) {
            for (int u = 0; u < sizes[k]; u++) {
                id[r++] = k;
            }
        }
        do {
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = id[i];
                id[i] = id[j];
                id[j] = t;
            }
        } while (id[0] == id[2]);
        double[][] y = new double[n][oneHot ? sizes.length : 1];
        for (int i = 0; i < n; i++) {
            if (oneHot) {
                y[i][id[i]] = 1;
            } else {
                y[i][0] = 100 + 7 * id[i];
            }
        }
        return new Sample(gaussian(random, n, d, type), Nd4j.createFromArray(y).castTo(type), rowUnits(n));
    }
    /** Embedding distance losses: TripletLoss (every mining and distance) and ContrastiveLoss (both layouts). */
    static List<Entry> distance() {
        List<Entry> entries = new ArrayList<>();
        IActivation identity = new ActivationIdentity();
        IActivation tanh = new ActivationTanH();
        Sampler triplets = (random, type) -> blocks(random, type, 3, 5, 4, i -> 0);
        List<Distance> tripletDistances = List.of(Distance.EUCLIDEAN, Distance.SQUARED_EUCLIDEAN, Distance.COSINE);
        for (Distance d : tripletDistances) {
            for (TripletLoss loss : Arrays.asList(TripletLoss.builder().distance(d).build(),
                    TripletLoss.builder().distance(d).swap(true).margin(0.5).build(),
                    TripletLoss.builder().distance(d).normalize(true).margin(0.3).build())) {
                entries.add(new Entry(loss, identity, "BLOCKS anchor; positive; negative", triplets));
            }
        }
        entries.add(new Entry(new TripletLoss(), tanh, "BLOCKS anchor; positive; negative", triplets));
        for (TripletLoss.Mining mining : Arrays.asList(TripletLoss.Mining.ALL, TripletLoss.Mining.HARD,
                TripletLoss.Mining.SEMI_HARD)) {
            for (Distance d : tripletDistances) {
                double margin = d == Distance.COSINE ? 0.3 : d == Distance.SQUARED_EUCLIDEAN ? 3 : 1;
                TripletLoss loss = TripletLoss.builder().mining(mining).distance(d).margin(margin).build();
                boolean oneHot = d == Distance.COSINE;
                entries.add(new Entry(loss, identity, "GROUPS" + (oneHot ? " one-hot" : ""),
                        (random, type) -> groups(random, type, 9, 4, 3, oneHot)));
            }
            entries.add(new Entry(TripletLoss.builder().mining(mining).normalize(true).margin(0.5).build(), tanh, "GROUPS",
                    (random, type) -> groups(random, type, 8, 3, 3, false)));
            if (mining != TripletLoss.Mining.SEMI_HARD) {
                entries.add(new Entry(TripletLoss.builder().mining(mining).swap(true).build(), identity, "GROUPS",
                        (random, type) -> groups(random, type, 9, 4, 3, false)));
            }
        }
        for (Distance d : List.of(Distance.EUCLIDEAN, Distance.COSINE)) {
            double margin = d == Distance.COSINE ? 0.8 : 2.5;
            ContrastiveLoss blocks = ContrastiveLoss.builder().distance(d).margin(margin).build();
            entries.add(new Entry(blocks, identity, "BLOCKS left; right",
                    (random, type) -> blocks(random, type, 2, 6, 3, i -> i % 2)));
            ContrastiveLoss groups = ContrastiveLoss.builder().distance(d).margin(margin)
                    .layout(ContrastiveLoss.Layout.GROUPS).build();
            entries.add(new Entry(groups, identity, "GROUPS",
                    (random, type) -> groups(random, type, 8, 3, 3, d == Distance.COSINE)));
        }
        entries.add(new Entry(new ContrastiveLoss(), tanh, "BLOCKS left; right",
                (random, type) -> blocks(random, type, 2, 6, 3, i -> i % 3 == 0 ? 1 : 0)));
        return entries;
    }
}
