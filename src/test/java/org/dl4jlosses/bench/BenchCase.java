package org.dl4jlosses.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import org.dl4jlosses.classification.AsymmetricLoss;
import org.dl4jlosses.classification.BinaryCrossEntropyLoss;
import org.dl4jlosses.classification.CrossEntropyLoss;
import org.dl4jlosses.classification.FocalLoss;
import org.dl4jlosses.classification.HingeLoss;
import org.dl4jlosses.classification.KlDivergenceLoss;
import org.dl4jlosses.classification.PolyLoss;
import org.dl4jlosses.embedding.AdditiveAngularMarginLoss;
import org.dl4jlosses.embedding.AdditiveCosineMarginLoss;
import org.dl4jlosses.embedding.AnglELoss;
import org.dl4jlosses.embedding.CoSentLoss;
import org.dl4jlosses.embedding.CircleLoss;
import org.dl4jlosses.embedding.MultiSimilarityLoss;
import org.dl4jlosses.embedding.SupervisedContrastiveLoss;
import org.dl4jlosses.embedding.CombinedMarginLoss;
import org.dl4jlosses.embedding.ContrastiveLoss;
import org.dl4jlosses.embedding.Ge2eLoss;
import org.dl4jlosses.embedding.InfoNceLoss;
import org.dl4jlosses.embedding.MultipleNegativesRankingLoss;
import org.dl4jlosses.embedding.TripletLoss;
import org.dl4jlosses.ranking.ApproxNdcgLoss;
import org.dl4jlosses.ranking.ListMleLoss;
import org.dl4jlosses.ranking.ListwiseSoftmaxLoss;
import org.dl4jlosses.ranking.MarginRankingLoss;
import org.dl4jlosses.regression.GaussianNllLoss;
import org.dl4jlosses.regression.HuberLoss;
import org.dl4jlosses.regression.LogCoshLoss;
import org.dl4jlosses.regression.MaeLoss;
import org.dl4jlosses.regression.MseLoss;
import org.dl4jlosses.regression.PoissonNllLoss;
import org.dl4jlosses.regression.QuantileLoss;
import org.dl4jlosses.regression.SmoothL1Loss;
import org.dl4jlosses.segmentation.DiceCrossEntropyLoss;
import org.dl4jlosses.segmentation.DiceLoss;
import org.dl4jlosses.segmentation.GeneralizedDiceLoss;
import org.dl4jlosses.segmentation.TverskyLoss;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.nd4j.linalg.lossfunctions.impl.LossHinge;
import org.nd4j.linalg.lossfunctions.impl.LossMAE;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/**
 * The benchmark's catalogue: for every case name (the JMH {@code loss} parameter, also the key of
 * the PyTorch script's output) the activation, the label kind, our loss with its defaults and the
 * baseline: DL4J's built-in equivalent where it has one, else the same formula as a SameDiffLoss.
 */
public enum BenchCase {
    CROSS_ENTROPY("CrossEntropyLoss", Act.SOFTMAX, Labels.ONE_HOT,
            CrossEntropyLoss::new, LossMCXENT::new, "LossMCXENT"),
    BINARY_CROSS_ENTROPY("BinaryCrossEntropyLoss", Act.SIGMOID, Labels.BINARY01,
            BinaryCrossEntropyLoss::new, LossBinaryXENT::new, "LossBinaryXENT"),
    FOCAL_SIGMOID("FocalLoss-sigmoid", Act.SIGMOID, Labels.BINARY01,
            FocalLoss::new, SameDiffBaselines.SigmoidFocal::new, "SameDiff"),
    FOCAL_SOFTMAX("FocalLoss-softmax", Act.SOFTMAX, Labels.ONE_HOT,
            FocalLoss::new, SameDiffBaselines.SoftmaxFocal::new, "SameDiff"),
    POLY_SOFTMAX("PolyLoss", Act.SOFTMAX, Labels.ONE_HOT,
            PolyLoss::new, SameDiffBaselines.Poly1Softmax::new, "SameDiff"),
    HINGE_BINARY("HingeLoss-BINARY", Act.IDENTITY, Labels.PLUS_MINUS_ONE,
            HingeLoss::new, LossHinge::new, "LossHinge"),
    HINGE_CRAMMER_SINGER("HingeLoss-CRAMMER_SINGER", Act.IDENTITY, Labels.ONE_HOT,
            () -> HingeLoss.builder().mode(HingeLoss.Mode.CRAMMER_SINGER).build(),
            SameDiffBaselines.CrammerSinger::new, "SameDiff"),
    HINGE_WESTON_WATKINS("HingeLoss-WESTON_WATKINS", Act.IDENTITY, Labels.ONE_HOT,
            () -> HingeLoss.builder().mode(HingeLoss.Mode.WESTON_WATKINS).build(),
            SameDiffBaselines.WestonWatkins::new, "SameDiff"),
    MAE("MaeLoss", Act.IDENTITY, Labels.REAL, MaeLoss::new, LossMAE::new, "LossMAE"),
    MSE("MseLoss", Act.IDENTITY, Labels.REAL, MseLoss::new, LossMSE::new, "LossMSE"),
    HUBER("HuberLoss", Act.IDENTITY, Labels.REAL, HuberLoss::new, SameDiffBaselines.Huber::new, "SameDiff"),
    SMOOTH_L1("SmoothL1Loss", Act.IDENTITY, Labels.REAL,
            SmoothL1Loss::new, SameDiffBaselines.SmoothL1::new, "SameDiff"),
    KL_DIVERGENCE("KlDivergenceLoss", Act.SOFTMAX, Labels.SOFT,
            KlDivergenceLoss::new, SameDiffBaselines.KlDivergence::new, "SameDiff"),
    ASYMMETRIC("AsymmetricLoss", Act.SIGMOID, Labels.BINARY01,
            AsymmetricLoss::new, SameDiffBaselines.Asymmetric::new, "SameDiff"),
    LOG_COSH("LogCoshLoss", Act.IDENTITY, Labels.REAL, LogCoshLoss::new, SameDiffBaselines.LogCosh::new, "SameDiff"),
    POISSON_NLL("PoissonNllLoss", Act.IDENTITY, Labels.COUNTS,
            PoissonNllLoss::new, SameDiffBaselines.PoissonNll::new, "SameDiff"),
    GAUSSIAN_NLL("GaussianNllLoss", Act.IDENTITY, Labels.REAL_PER_TWO_COLUMNS,
            GaussianNllLoss::new, () -> new SameDiffBaselines.WidenedLabels(new SameDiffBaselines.GaussianNll()), "SameDiff"),
    QUANTILE("QuantileLoss", Act.IDENTITY, Labels.REAL, QuantileLoss::new, SameDiffBaselines.Median::new, "SameDiff"),
    // Listwise ranking: one list of K items per row, grades 0..6. SameDiff has no stable sort (ListMLE) and
    // ApproxNDCG's pairwise [R, K, K] graph does not fit at these sizes: both are timed against PyTorch only.
    LISTWISE_SOFTMAX("ListwiseSoftmaxLoss", Act.IDENTITY, Labels.COUNTS, ListwiseSoftmaxLoss::new,
            SameDiffBaselines.ListwiseSoftmax::new, "SameDiff"),
    LIST_MLE("ListMleLoss", Act.IDENTITY, Labels.COUNTS, ListMleLoss::new, null, "-"),
    APPROX_NDCG("ApproxNdcgLoss", Act.IDENTITY, Labels.COUNTS, ApproxNdcgLoss::new, null, "-"),
    // Two quantiles per target: labels [R, K / 2] spread over the K columns (timed against PyTorch only).
    QUANTILE_INTERVAL("QuantileLoss-interval", Act.IDENTITY, Labels.REAL_PER_TWO_COLUMNS,
            () -> QuantileLoss.builder().quantiles(0.1, 0.9).build(), null, "-"),
    // The same losses fed class indices [R, 1], the labels PyTorch's companion passes (DL4J's
    // built-ins take only one-hot rows, so these are timed against PyTorch only).
    CROSS_ENTROPY_INDICES("CrossEntropyLoss-indices", Act.SOFTMAX, Labels.INDICES,
            CrossEntropyLoss::new, null, "-"),
    FOCAL_SOFTMAX_INDICES("FocalLoss-softmax-indices", Act.SOFTMAX, Labels.INDICES,
            FocalLoss::new, null, "-"),

    // Coupled losses: one fixed batch each (size "batch"), timed against PyTorch only.
    MARGIN_RANKING("MarginRankingLoss", Act.IDENTITY, "4096 pairs [4096, 2]", MarginRankingLoss::new,
            seed -> CoupledInputs.pairs(4096, seed)),
    DICE("DiceLoss", Act.SOFTMAX, "16 images of 64x64, 4 classes",
            () -> DiceLoss.builder().rowsPerSample(64 * 64).build(), seed -> CoupledInputs.pixels(16, 64 * 64, 4, seed)),
    TVERSKY("TverskyLoss", Act.SOFTMAX, "16 images of 64x64, 4 classes",
            () -> TverskyLoss.builder().alpha(0.3).beta(0.7).gamma(4.0 / 3).rowsPerSample(64 * 64).build(),
            seed -> CoupledInputs.pixels(16, 64 * 64, 4, seed)),
    GENERALIZED_DICE("GeneralizedDiceLoss", Act.SOFTMAX, "16 images of 64x64, 4 classes",
            () -> GeneralizedDiceLoss.builder().rowsPerSample(64 * 64).build(), seed -> CoupledInputs.pixels(16, 64 * 64, 4, seed)),
    DICE_CROSS_ENTROPY("DiceCrossEntropyLoss", Act.SOFTMAX, "16 images of 64x64, 4 classes",
            () -> DiceCrossEntropyLoss.builder().rowsPerSample(64 * 64).build(),
            seed -> CoupledInputs.pixels(16, 64 * 64, 4, seed)),
    TRIPLET_HARD("TripletLoss-HARD", Act.IDENTITY, "N=512, D=128, 64 classes",
            () -> TripletLoss.builder().mining(TripletLoss.Mining.HARD).build(),
            seed -> CoupledInputs.groups(512, 128, 64, seed)),
    TRIPLET_ALL("TripletLoss-ALL", Act.IDENTITY, "N=256, D=128, 32 classes",
            () -> TripletLoss.builder().mining(TripletLoss.Mining.ALL).build(),
            seed -> CoupledInputs.groups(256, 128, 32, seed)),
    CONTRASTIVE_GROUPS("ContrastiveLoss-GROUPS", Act.IDENTITY, "N=512, D=128, 64 classes",
            () -> ContrastiveLoss.builder().layout(ContrastiveLoss.Layout.GROUPS).build(),
            seed -> CoupledInputs.groups(512, 128, 64, seed)),
    INFO_NCE("InfoNceLoss", Act.IDENTITY, "2 x 512 rows, D=128 (in-batch negatives)", InfoNceLoss::new,
            seed -> CoupledInputs.blocks(2, 512, 128, seed)),
    MULTIPLE_NEGATIVES_RANKING("MultipleNegativesRankingLoss", Act.IDENTITY, "2 x 512 rows, D=128",
            MultipleNegativesRankingLoss::new, seed -> CoupledInputs.blocks(2, 512, 128, seed)),
    GE2E("Ge2eLoss", Act.IDENTITY, "64 speakers x 8 utterances, D=128", Ge2eLoss::new,
            seed -> CoupledInputs.groups(512, 128, 64, seed)),
    ARC_FACE("AdditiveAngularMarginLoss", Act.IDENTITY, "256 x 10,000 classes (cosines)", AdditiveAngularMarginLoss::new,
            seed -> CoupledInputs.cosines(256, 10_000, seed)),
    COS_FACE("AdditiveCosineMarginLoss", Act.IDENTITY, "256 x 10,000 classes (cosines)", AdditiveCosineMarginLoss::new,
            seed -> CoupledInputs.cosines(256, 10_000, seed)),
    COMBINED_MARGIN("CombinedMarginLoss", Act.IDENTITY, "256 x 10,000 classes (cosines), m = (1.35, 0.25, 0.1)",
            () -> CombinedMarginLoss.builder().m1(1.35).m2(0.25).m3(0.1).build(),
            seed -> CoupledInputs.cosines(256, 10_000, seed)),
    CO_SENT("CoSentLoss", Act.IDENTITY, "2 x 512 rows, D=128, scores 0..5", CoSentLoss::new,
            seed -> CoupledInputs.scoredPairs(512, 128, 6, seed)),
    ANGLE("AnglELoss", Act.IDENTITY, "2 x 512 rows, D=128, scores 0..5", AnglELoss::new,
            seed -> CoupledInputs.scoredPairs(512, 128, 6, seed)),
    SUPERVISED_CONTRASTIVE("SupervisedContrastiveLoss", Act.IDENTITY, "N=512, D=128, 64 classes",
            SupervisedContrastiveLoss::new, seed -> CoupledInputs.groups(512, 128, 64, seed)),
    MULTI_SIMILARITY("MultiSimilarityLoss", Act.IDENTITY, "N=512, D=128, 64 classes (mining on)",
            MultiSimilarityLoss::new, seed -> CoupledInputs.groups(512, 128, 64, seed)),
    CIRCLE("CircleLoss", Act.IDENTITY, "N=512, D=128, 64 classes", CircleLoss::new,
            seed -> CoupledInputs.groups(512, 128, 64, seed));

    /** The three sizes the issue asks for, as R x K. */
    public static final List<String> SIZES = List.of("32x10", "256x1000", "2048x1000");
    /** The size parameter of a coupled case, whose inputs have one fixed shape (see {@link #shape()}). */
    public static final String BATCH = "batch";

    enum Act { SOFTMAX, SIGMOID, IDENTITY }

    enum Labels { ONE_HOT, INDICES, SOFT, BINARY01, PLUS_MINUS_ONE, REAL, REAL_PER_TWO_COLUMNS, COUNTS }

    private final String id;
    private final Act act;
    private final Labels labels;
    private final Supplier<ILossFunction> ours;
    private final Supplier<ILossFunction> baseline;
    private final String baselineName;
    private final String shape;
    private final LongFunction<INDArray[]> inputs;

    BenchCase(String id, Act act, Labels labels, Supplier<ILossFunction> ours,
              Supplier<ILossFunction> baseline, String baselineName) {
        this(id, act, labels, ours, baseline, baselineName, null, null);
    }

    BenchCase(String id, Act act, String shape, Supplier<ILossFunction> ours, LongFunction<INDArray[]> inputs) {
        this(id, act, null, ours, null, "-", shape, inputs);
    }

    BenchCase(String id, Act act, Labels labels, Supplier<ILossFunction> ours, Supplier<ILossFunction> baseline,
              String baselineName, String shape, LongFunction<INDArray[]> inputs) {
        this.id = id;
        this.act = act;
        this.labels = labels;
        this.ours = ours;
        this.baseline = baseline;
        this.baselineName = baselineName;
        this.shape = shape;
        this.inputs = inputs;
    }

    /** Whether this is a coupled loss with one fixed batch (no DL4J baseline). */
    public boolean coupled() {
        return inputs != null;
    }

    /** Whether this case has a DL4J/SameDiff baseline (else it is timed against PyTorch only). */
    public boolean hasBaseline() {
        return baseline != null;
    }

    /** A coupled case's batch, in words. */
    public String shape() {
        return shape;
    }

    /** A coupled case's inputs {z, labels}, float32. */
    public INDArray[] inputs(long seed) {
        return inputs.apply(seed);
    }

    /** The case name used as JMH parameter and in the PyTorch JSON. */
    public String id() {
        return id;
    }

    public String baselineName() {
        return baselineName;
    }

    public static BenchCase of(String id) {
        for (BenchCase c : values()) {
            if (c.id.equals(id)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown benchmark loss '" + id + "'; known: " + ids());
    }

    public static List<String> ids() {
        List<String> out = new ArrayList<>();
        for (BenchCase c : values()) {
            out.add(c.id);
        }
        return out;
    }

    /** The cases a command-line word selects: an exact id, or a class name ("FocalLoss", "HingeLoss"). */
    public static List<BenchCase> select(String word) {
        List<BenchCase> out = new ArrayList<>();
        for (BenchCase c : values()) {
            if (c.id.equalsIgnoreCase(word) || c.id.toLowerCase().startsWith(word.toLowerCase() + "-")) {
                out.add(c);
            }
        }
        return out;
    }

    public ILossFunction newLoss(boolean baselineImpl) {
        if (baselineImpl && baseline == null) {
            throw new IllegalArgumentException(id + " has no DL4J baseline (it is timed against PyTorch only)");
        }
        return baselineImpl ? baseline.get() : ours.get();
    }

    public IActivation activation() {
        switch (act) {
            case SOFTMAX: return new ActivationSoftmax();
            case SIGMOID: return new ActivationSigmoid();
            default: return new ActivationIdentity();
        }
    }

    /** [rows, cols] from "RxK". */
    public static long[] parseSize(String size) {
        String[] p = size.toLowerCase().split("x");
        if (p.length != 2) {
            throw new IllegalArgumentException("size must look like 256x1000, got " + size);
        }
        return new long[] {Long.parseLong(p[0].trim()), Long.parseLong(p[1].trim())};
    }

    /** Pre-activation inputs z ~ N(0, 1) (float32, detached from any workspace). */
    public INDArray preOutput(long rows, long cols, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.FLOAT, rows, cols);
    }

    /** Labels of this case's kind, float32. */
    public INDArray labels(long rows, long cols, long seed) {
        Random rnd = new Random(seed * 31 + 7);
        if (labels == Labels.INDICES) {
            float[] indices = new float[Math.toIntExact(rows)];
            for (int r = 0; r < rows; r++) {
                indices[r] = rnd.nextInt((int) cols);
            }
            return Nd4j.create(indices, new long[] {rows, 1}, DataType.FLOAT);
        }
        if (labels == Labels.REAL_PER_TWO_COLUMNS) {
            float[] targets = new float[Math.toIntExact(rows * (cols / 2))];
            for (int i = 0; i < targets.length; i++) {
                targets[i] = (float) rnd.nextGaussian();
            }
            return Nd4j.create(targets, new long[] {rows, cols / 2}, DataType.FLOAT);
        }
        float[] data = new float[Math.toIntExact(rows * cols)];
        switch (labels) {
            case ONE_HOT:
                for (int r = 0; r < rows; r++) {
                    data[Math.toIntExact(r * cols + rnd.nextInt((int) cols))] = 1f;
                }
                break;
            case BINARY01:
                for (int i = 0; i < data.length; i++) {
                    data[i] = rnd.nextBoolean() ? 1f : 0f;
                }
                break;
            case PLUS_MINUS_ONE:
                for (int i = 0; i < data.length; i++) {
                    data[i] = rnd.nextBoolean() ? 1f : -1f;
                }
                break;
            case SOFT:
                for (int r = 0; r < rows; r++) {
                    double sum = 0;
                    for (int c = 0; c < cols; c++) {
                        data[Math.toIntExact(r * cols + c)] = (float) Math.exp(rnd.nextGaussian());
                        sum += data[Math.toIntExact(r * cols + c)];
                    }
                    for (int c = 0; c < cols; c++) {
                        data[Math.toIntExact(r * cols + c)] /= (float) sum;
                    }
                }
                break;
            case COUNTS:
                for (int i = 0; i < data.length; i++) {
                    data[i] = rnd.nextInt(7);
                }
                break;
            default:
                for (int i = 0; i < data.length; i++) {
                    data[i] = (float) rnd.nextGaussian();
                }
        }
        return Nd4j.create(data, new long[] {rows, cols}, DataType.FLOAT);
    }
}
