package org.dl4jlosses.bench;

import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One training iteration's loss work, as DL4J's output layers do it: {@code computeScore(average =
 * false)} and then {@code computeGradient}, float32, for our loss ({@code impl = ours}) and for
 * DL4J's built-in equivalent or the same formula as a SameDiffLoss ({@code impl = baseline}; see
 * {@link BenchCase}). Inputs are generated once per trial, outside any workspace.
 *
 * <p><b>Workspaces.</b> DL4J's {@code OutputLayer}/{@code LossLayer} call the loss while the layer's
 * workspace is open, so the loss's temporaries and its result are carved out of a pre-sized arena.
 * Outside a workspace, every megabyte-sized INDArray is a fresh native allocation plus deallocation
 * in ND4J, which costs milliseconds and would swamp the loss itself. To time what training actually
 * pays, each invocation (with {@code workspace = true}, the default) opens a workspace configured
 * like DL4J's layer workspaces ({@link #CONF}: learns its size on the first loop, over-allocates,
 * resets when the block closes), for <em>both</em> implementations, and the results are consumed
 * before it closes. {@code workspace = false} measures the same calls with no workspace open.
 *
 * <p>Run through {@link BenchMain} ({@code mvn -o -P bench test-compile exec:exec}); the annotations
 * below are only the defaults for running this class directly with JMH.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class LossBenchmark {

    /** Like DL4J's layer workspaces: learn the size once, then reuse the arena every call. */
    static final WorkspaceConfiguration CONF = WorkspaceConfiguration.builder()
            .initialSize(0)
            .policyAllocation(AllocationPolicy.OVERALLOCATE)
            .policyLearning(LearningPolicy.FIRST_LOOP)
            .policyReset(ResetPolicy.BLOCK_LEFT)
            .policySpill(SpillPolicy.REALLOCATE)
            .build();
    static final String WS_ID = "BENCH";

    @Param({"CrossEntropyLoss", "BinaryCrossEntropyLoss", "FocalLoss-sigmoid", "FocalLoss-softmax",
            "PolyLoss", "HingeLoss-BINARY", "HingeLoss-CRAMMER_SINGER", "HingeLoss-WESTON_WATKINS",
            "MaeLoss", "MseLoss", "HuberLoss", "SmoothL1Loss", "KlDivergenceLoss", "AsymmetricLoss", "LogCoshLoss",
            "PoissonNllLoss", "QuantileLoss", "QuantileLoss-interval", "GaussianNllLoss"})
    // coupled cases (MarginRankingLoss, DiceLoss, ...) take size "batch": BenchMain runs them separately
    public String loss;

    @Param({"32x10", "256x1000", "2048x1000"})
    public String size;

    @Param({"ours", "baseline"})
    public String impl;

    @Param({"true"})
    public boolean workspace;

    /** The data type of preOutput and labels: float (float32) or double (float64). */
    @Param({"float"})
    public String dtype;

    private ILossFunction fn;
    private IActivation activation;
    private INDArray labels;
    private INDArray preOutput;

    @Setup(Level.Trial)
    public void setUp() {
        Nd4j.setDefaultDataTypes(org.nd4j.linalg.api.buffer.DataType.FLOAT,
                org.nd4j.linalg.api.buffer.DataType.FLOAT);
        BenchCase c = BenchCase.of(loss);
        if (!impl.equals("ours") && !impl.equals("baseline")) {
            throw new IllegalArgumentException("impl must be ours or baseline, got " + impl);
        }
        fn = c.newLoss(impl.equals("baseline"));
        activation = c.activation();
        if (c.coupled()) {
            if (!size.equals(BenchCase.BATCH)) {
                throw new IllegalArgumentException(loss + " has one fixed batch: size must be " + BenchCase.BATCH);
            }
            INDArray[] in = c.inputs(42);
            preOutput = in[0];
            labels = in[1];
        } else {
            long[] rk = BenchCase.parseSize(size);
            preOutput = c.preOutput(rk[0], rk[1], 42);
            labels = c.labels(rk[0], rk[1], 42);
        }
        if (dtype.equals("double")) {
            preOutput = preOutput.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE);
            labels = labels.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE);
        } else if (!dtype.equals("float")) {
            throw new IllegalArgumentException("dtype must be float or double, got " + dtype);
        }
        // Sanity check once, outside the timing: both implementations must give a finite score.
        double s = fn.computeScore(labels, preOutput, activation, null, false);
        if (!Double.isFinite(s)) {
            throw new IllegalStateException(loss + "/" + impl + " gave a non-finite score " + s);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        Nd4j.getWorkspaceManager().destroyAllWorkspacesForCurrentThread();
    }

    @Benchmark
    @SuppressWarnings("try") // the workspace is only opened and closed around the calls
    public void scoreAndGradient(Blackhole bh) {
        if (workspace) {
            try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(CONF, WS_ID)) {
                iteration(bh);
            }
        } else {
            iteration(bh);
        }
    }

    private void iteration(Blackhole bh) {
        double score = fn.computeScore(labels, preOutput, activation, null, false);
        INDArray grad = fn.computeGradient(labels, preOutput, activation, null);
        bh.consume(score);
        bh.consume(grad);
    }
}
