package org.dl4jlosses.examples;

import java.awt.Color;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.dl4jlosses.classification.CrossEntropyLoss;
import org.dl4jlosses.classification.KlDivergenceLoss;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * Example 2: knowledge distillation (Hinton, Vinyals and Dean 2015), a small network learning
 * from a larger one's softened probabilities instead of from labels alone, with
 * {@code KlDivergenceLoss}. Ten classes in 20 dimensions, each a mixture of three Gaussian
 * subclusters, overlapping (the Bayes rule is right on 96.5% of held-out rows); classes c and
 * c + 5 share a family centre, so which wrong classes are likely differs from class to class: the
 * "dark knowledge" in a teacher's small probabilities. A teacher (tanh layers of 64
 * and 64) learns from 20,000 labelled rows with cross-entropy. A student (one tanh layer of 32)
 * sees only 200 rows (about 20 per class), full batch for 300 epochs, four times, from the same
 * initial weights and the same inputs; only the targets and the loss differ:
 * <ul>
 * <li>the labels, {@code CrossEntropyLoss};</li>
 * <li>{@code KlDivergenceLoss} at temperature 4 against {@code softmax(z / 4)} of the teacher's
 * logits z on those rows;</li>
 * <li>{@code KlDivergenceLoss} at temperature 1 against the teacher's own probabilities;</li>
 * <li>a control: the teacher's argmax as one-hot labels, {@code CrossEntropyLoss}. It gets the
 * teacher's corrections of the noisy labels and none of its probabilities.</li>
 * </ul>
 * Only the students' 200 rows are distilled, no extra unlabelled inputs, so a gain comes from what
 * the targets say about the same inputs, not from more of them. The metric is accuracy on 5,000
 * held-out rows; the Bayes rule, which knows the mixture, is the ceiling.
 *
 * <p>What it shows, as measured at full budget: the distilled student (T = 4) reaches 0.915
 * against 0.871 from the labels (teacher 0.950, Bayes rule 0.965), a third of its errors gone with
 * the same 200 inputs; the student on labels peaks at 0.881 (epoch 50), so early stopping would
 * not close the gap. Over five seeds of data and weights (71 to 75; the code keeps 72) the gain
 * was 4.3 to 6.7 points, in every one. The teacher's probabilities carry it, not its decisions:
 * its argmax as labels scores as the labels do (0.867 here, within 1.1 points over the seeds,
 * though the teacher overrules 5% of them); its probabilities at T = 1 get most of the way
 * (0.902), and T = 4 added 0.5 to 2.5 points more in every seed. On the rows of class 0 (the left
 * panel of the figure) T = 4 lifts the wrong classes' mean probabilities from between 4e-6 and
 * 0.06 to between 0.014 and 0.13, and the largest is then class 5, its family sibling. Flatter
 * targets make a slower start: at T = 4 the student trails the others until about epoch 45, so
 * the smoke budget of 30 epochs does not show the gain. About 13 s on an idle two-core machine,
 * 7 of them the teacher's (18 s while another build ran).
 */
public final class DistillationExample implements Example {
    static final long SEED = 72;
    static final int CLASSES = 10;
    static final int DIM = 20;
    /** Classes c and c + 5 share a family centre. */
    static final int FAMILIES = 5;
    static final int SUBCLUSTERS = 3;
    /** Standard deviations: of the family centres, of a class centre around its family's, of a subcluster's around its class's. */
    private static final double FAMILY_SPREAD = 0.85;
    private static final double CLASS_SPREAD = 0.5;
    private static final double SUBCLUSTER_SPREAD = 0.5;
    /** The points' standard deviation around their subcluster centre, in every dimension. */
    private static final double NOISE = 1.0;
    private static final int TEACHER_TRAIN = 20000;
    private static final int STUDENT_TRAIN = 200;
    private static final int TEST = 5000;
    private static final int[] TEACHER_HIDDEN = {64, 64};
    private static final int TEACHER_EPOCHS = 10;
    private static final int TEACHER_BATCH = 256;
    private static final double TEACHER_LR = 0.003;
    private static final int[] STUDENT_HIDDEN = {32};
    private static final int STUDENT_EPOCHS = 300;
    private static final double STUDENT_LR = 0.01;
    static final double TEMPERATURE = 4;
    /** The class whose targets the figure shows. */
    private static final int SHOWN = 0;
    static final String METRIC = "held-out accuracy";
    static final String TEACHER = "teacher: CrossEntropyLoss";
    static final String HARD = "student: CrossEntropyLoss";
    static final String DISTILLED = "student: KlDivergenceLoss(T=4)";
    static final String DISTILLED_T1 = "student: KlDivergenceLoss(T=1)";
    static final String ARGMAX = "student: CrossEntropyLoss(teacher's argmax)";
    static final String BAYES = "Bayes rule (knows the densities)";
    /** Wider than the other examples' panels: the students' legend entries are long. */
    private static final int WIDTH = 640;

    @Override
    public String name() {
        return "distillation";
    }

    @Override
    public List<String> aliases() {
        return List.of("kd", "kl", "teacher-student");
    }

    @Override
    public String description() {
        return "knowledge distillation (10 classes, 20-D, 200 labels): a small student with cross-entropy vs "
                + "KlDivergenceLoss to a teacher's softened outputs (T = 4 and 1); held-out accuracy";
    }

    @Override
    public List<Result> run(Budget budget, Output out) throws IOException {
        Mixture mixture = Mixture.draw(new Random(SEED));
        Sample teacherSet = mixture.sample(TEACHER_TRAIN, new Random(SEED + 1));
        Sample studentSet = mixture.sample(STUDENT_TRAIN, new Random(SEED + 2));
        Sample test = mixture.sample(TEST, new Random(SEED + 3));
        int teacherEpochs = budget.epochs(TEACHER_EPOCHS);
        int studentEpochs = budget.epochs(STUDENT_EPOCHS);
        out.progress("%d classes in %d dimensions; the teacher learns from %d labelled rows (%d epochs), the students "
                + "from %d (full batch, %d epochs); %d held out", CLASSES, DIM, teacherSet.classes().length,
                teacherEpochs, studentSet.classes().length, studentEpochs, test.classes().length);

        List<Result> results = new ArrayList<>();
        MultiLayerNetwork teacher = Training.mlp(SEED, TEACHER_LR, DIM, TEACHER_HIDDEN, CLASSES, Activation.SOFTMAX,
                new CrossEntropyLoss());
        Training.Curve teacherCurve = Training.fit(TEACHER, teacher, teacherSet.data(), teacherEpochs, TEACHER_BATCH,
                SEED, METRIC, n -> accuracy(n, test), 5, out);
        results.add(new Result(name(), TEACHER, METRIC, teacherCurve.finalMetric(), teacherCurve.seconds()));

        double[][] teacherP = Training.predict(teacher, studentSet.data().getFeatures());
        double[][] soft = soften(teacherP, TEMPERATURE);
        int[] teacherClasses = Metrics.argMax(teacherP);
        out.progress("the teacher agrees with %.1f%% of the students' labels", 100 * Metrics.accuracy(teacherClasses,
                studentSet.classes()));

        List<Student> students = List.of(
                new Student(HARD, new CrossEntropyLoss(), studentSet.data().getLabels()),
                new Student(DISTILLED, KlDivergenceLoss.builder().temperature(TEMPERATURE).build(), Training.matrix(soft)),
                new Student(DISTILLED_T1, KlDivergenceLoss.builder().temperature(1).build(), Training.matrix(teacherP)),
                new Student(ARGMAX, new CrossEntropyLoss(), Training.matrix(oneHot(teacherClasses))));
        List<Training.Curve> curves = new ArrayList<>();
        for (Student s : students) {
            // The same initial weights and inputs for every student: only the targets (and the loss) differ.
            MultiLayerNetwork net = Training.mlp(SEED + 1, STUDENT_LR, DIM, STUDENT_HIDDEN, CLASSES, Activation.SOFTMAX,
                    s.loss());
            DataSet data = new DataSet(studentSet.data().getFeatures(), s.targets());
            Training.Curve curve = Training.fit(s.label(), net, data, studentEpochs, STUDENT_TRAIN, SEED, METRIC,
                    n -> accuracy(n, test), 30, 3, out);
            curves.add(curve);
            results.add(new Result(name(), s.label(), METRIC, curve.finalMetric(), curve.seconds()));
        }

        long start = System.nanoTime();
        double bayes = Metrics.accuracy(mixture.bayes(test.points()), test.classes());
        results.add(new Result(name(), BAYES, METRIC, bayes, (System.nanoTime() - start) / 1e9));
        out.progress("%s: %s %.4f", BAYES, METRIC, bayes);

        XYChart targets = targets(teacherP, soft, studentSet.classes());
        XYChart accuracy = Plots.chart("Students on " + STUDENT_TRAIN + " rows: " + METRIC, "epoch", METRIC, WIDTH,
                Plots.HEIGHT);
        for (int i = 0; i < curves.size(); i++) {
            Training.Curve c = curves.get(i);
            Plots.line(accuracy, String.format(Locale.ROOT, "%s (%.3f)", c.loss().replace("student: ", ""),
                    c.finalMetric()), c.probeEpochs(), c.probe(), Plots.color(i));
        }
        double[] span = {0, studentEpochs};
        Plots.dashed(accuracy, String.format(Locale.ROOT, "teacher (%.3f)", teacherCurve.finalMetric()), span,
                new double[] {teacherCurve.finalMetric(), teacherCurve.finalMetric()}, Color.BLACK);
        Plots.dashed(accuracy, String.format(Locale.ROOT, "Bayes rule (%.3f)", bayes), span, new double[] {bayes, bayes},
                Color.GRAY);
        accuracy.getStyler().setXAxisMin(0.0).setXAxisMax((double) studentEpochs).setYAxisMin(0.5).setYAxisMax(1.0)
                .setLegendPosition(LegendPosition.InsideSE);
        Plots.saveGrid(out.png("accuracy"), 2, List.of(targets, accuracy));
        return results;
    }

    /** One student: its loss and its targets for the students' rows. */
    private record Student(String label, ILossFunction loss, INDArray targets) {
    }

    static double accuracy(MultiLayerNetwork net, Sample sample) {
        return Metrics.accuracy(Metrics.argMax(Training.predict(net, sample.data().getFeatures())), sample.classes());
    }

    /**
     * {@code softmax(log p / T)} per row, in double: {@code log p} differs from the teacher's logits
     * by a constant per row, which the softmax cancels, so this is {@code softmax(z / T)}; shifting by
     * the row's maximum keeps {@code exp} in range. A probability that underflowed to 0 in float32
     * stays 0 ({@code exp(-inf)}).
     */
    static double[][] soften(double[][] probabilities, double temperature) {
        double[][] out = new double[probabilities.length][];
        for (int i = 0; i < probabilities.length; i++) {
            double[] p = probabilities[i];
            double[] q = new double[p.length];
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < p.length; c++) {
                q[c] = Math.log(p[c]) / temperature;
                max = Math.max(max, q[c]);
            }
            double sum = 0;
            for (int c = 0; c < p.length; c++) {
                q[c] = Math.exp(q[c] - max);
                sum += q[c];
            }
            for (int c = 0; c < p.length; c++) {
                q[c] /= sum;
            }
            out[i] = q;
        }
        return out;
    }

    private static double[][] oneHot(int[] classes) {
        double[][] out = new double[classes.length][CLASSES];
        for (int i = 0; i < classes.length; i++) {
            out[i][classes[i]] = 1;
        }
        return out;
    }

    /** The teacher's mean target over the students' rows of class {@link #SHOWN}, at T = 1 and T = 4 (log scale). */
    private static XYChart targets(double[][] p, double[][] soft, int[] classes) {
        XYChart chart = Plots.chart("What the teacher teaches about class " + SHOWN + " (mean over its rows)",
                "class", "mean target probability", WIDTH, Plots.HEIGHT);
        double[] x = new double[CLASSES];
        for (int c = 0; c < CLASSES; c++) {
            x[c] = c;
        }
        double[][] rows = {meanOfClass(p, classes), meanOfClass(soft, classes)};
        String[] names = {"teacher's softmax(z), T = 1", "softmax(z / 4), T = 4"};
        for (int s = 0; s < rows.length; s++) {
            Plots.line(chart, names[s], x, rows[s], Plots.color(4 + s));
            // XChart wants distinct series names: the markers' differs by a space.
            Plots.points(chart, names[s] + " ", x, rows[s], Plots.color(4 + s), Color.WHITE, 8).setShowInLegend(false);
        }
        chart.getStyler().setYAxisLogarithmic(true).setYAxisMin(1e-6).setYAxisMax(1.0).setXAxisMin(0.0)
                .setXAxisMax(CLASSES - 1.0).setLegendPosition(LegendPosition.InsideNE);
        return chart;
    }

    private static double[] meanOfClass(double[][] q, int[] classes) {
        double[] mean = new double[CLASSES];
        int n = 0;
        for (int i = 0; i < q.length; i++) {
            if (classes[i] == SHOWN) {
                n++;
                for (int c = 0; c < CLASSES; c++) {
                    mean[c] += q[i][c];
                }
            }
        }
        for (int c = 0; c < CLASSES; c++) {
            mean[c] /= Math.max(1, n);
        }
        return mean;
    }

    /** Rows of a sample: the DataSet (features, one-hot labels), the points as doubles, their classes. */
    record Sample(DataSet data, double[][] points, int[] classes) {
    }

    /**
     * Each class a mixture of {@value #SUBCLUSTERS} isotropic Gaussians of equal weight, so that a
     * class is no single blob; classes of one family lie close together.
     */
    record Mixture(double[][][] centres) {
        static Mixture draw(Random random) {
            double[][] families = new double[FAMILIES][DIM];
            for (double[] f : families) {
                gaussian(f, new double[DIM], FAMILY_SPREAD, random);
            }
            double[][][] centres = new double[CLASSES][SUBCLUSTERS][DIM];
            for (int c = 0; c < CLASSES; c++) {
                double[] classCentre = new double[DIM];
                gaussian(classCentre, families[c % FAMILIES], CLASS_SPREAD, random);
                for (int k = 0; k < SUBCLUSTERS; k++) {
                    gaussian(centres[c][k], classCentre, SUBCLUSTER_SPREAD, random);
                }
            }
            return new Mixture(centres);
        }

        private static void gaussian(double[] v, double[] mean, double sd, Random random) {
            for (int d = 0; d < v.length; d++) {
                v[d] = mean[d] + sd * random.nextGaussian();
            }
        }

        /** {@code rows} points of uniformly drawn classes and subclusters. */
        Sample sample(int rows, Random random) {
            double[][] x = new double[rows][DIM];
            int[] classes = new int[rows];
            for (int i = 0; i < rows; i++) {
                classes[i] = random.nextInt(CLASSES);
                gaussian(x[i], centres[classes[i]][random.nextInt(SUBCLUSTERS)], NOISE, random);
            }
            return new Sample(new DataSet(Training.matrix(x), Training.matrix(oneHot(classes))), x, classes);
        }

        /** The most probable class of each point: equal priors, so the class of highest density. */
        int[] bayes(double[][] points) {
            int[] out = new int[points.length];
            double[] logs = new double[SUBCLUSTERS];
            for (int i = 0; i < points.length; i++) {
                double best = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < CLASSES; c++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int k = 0; k < SUBCLUSTERS; k++) {
                        double d2 = 0;
                        for (int d = 0; d < DIM; d++) {
                            double diff = points[i][d] - centres[c][k][d];
                            d2 += diff * diff;
                        }
                        logs[k] = -d2 / (2 * NOISE * NOISE);
                        max = Math.max(max, logs[k]);
                    }
                    double sum = 0;
                    for (double l : logs) {
                        sum += Math.exp(l - max);
                    }
                    double logDensity = max + Math.log(sum);
                    if (logDensity > best) {
                        best = logDensity;
                        out[i] = c;
                    }
                }
            }
            return out;
        }
    }
}
