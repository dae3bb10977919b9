package org.dl4jlosses.internal;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.shade.jackson.annotation.JsonAutoDetect.Visibility;
import org.nd4j.shade.jackson.annotation.JsonAutoDetect;

/**
 * The plumbing every loss of this library shares, written once: argument validation, labels,
 * masks, per-column weights, the activation (fused or through {@code backprop}), reduction and
 * memory.
 *
 * <p>A loss gives its formula, one for float32 and float64: an {@link ElementFormula} or
 * {@link RowFormula} ({@link #elementFormula}, {@link #rowFormula}, run by {@link ElementPath} and
 * {@link RowPath}), or for a {@link CoupledLoss} a {@link CoupledFormula}. {@link #computeScore}
 * asks only for the score and {@link #computeGradient} only for the gradient (DL4J's output layers
 * call them separately), so neither pays for the other's work.
 *
 * <p>Reduction follows DL4J: {@code computeScore(average=false)} is the sum of the per-row losses,
 * {@code average=true} divides by {@link #examples} (the row count, masked rows included), and
 * {@code computeGradient} is the derivative of the unaveraged score.
 *
 * <p>Memory: when the caller has a workspace open (DL4J's layers do), temporaries live there.
 * When it has none, temporaries go to a per-thread scratch workspace that is reused from call to
 * call, and only the result is copied out, because a fresh megabyte-sized native allocation costs
 * more than the loss itself.
 *
 * <p>Subclasses are immutable configurations: each option is a field marked {@link Option}, set
 * only by the loss's {@link LossBuilder} (and DL4J's JSON reader through it); equality, hash
 * code, {@code toString} and the JSON form are derived from those fields.
 */
@JsonAutoDetect(fieldVisibility = Visibility.NONE, getterVisibility = Visibility.NONE,
        isGetterVisibility = Visibility.NONE, setterVisibility = Visibility.NONE)
public abstract class BaseLoss implements ILossFunction, Cloneable {
    private static final long serialVersionUID = 1L;

    /** Each loss class's option fields, a superclass's first, each class's in declaration order. */
    private static final ClassValue<List<Field>> OPTIONS = new ClassValue<>() {
        @Override
        protected List<Field> computeValue(Class<?> type) {
            List<Field> fields = new ArrayList<>();
            for (Class<?> c = type; c != BaseLoss.class; c = c.getSuperclass()) {
                List<Field> own = new ArrayList<>();
                for (Field f : c.getDeclaredFields()) {
                    if (f.isAnnotationPresent(Option.class) && !Modifier.isStatic(f.getModifiers())) {
                        f.setAccessible(true);
                        own.add(f);
                    }
                }
                fields.addAll(0, own);
            }
            return fields;
        }
    };

    private static final String SCRATCH_ID = "DL4J_LOSSES_SCRATCH";
    private static final WorkspaceConfiguration SCRATCH = WorkspaceConfiguration.builder()
            .initialSize(0)
            .overallocationLimit(0.25)
            .policyAllocation(AllocationPolicy.OVERALLOCATE)
            .policyLearning(LearningPolicy.FIRST_LOOP)
            .policyReset(ResetPolicy.BLOCK_LEFT)
            .policySpill(SpillPolicy.REALLOCATE)
            .build();

    /** The element formula's loops by formula setup and LaneMath class, made on first use (see {@link Specialized}). */
    private transient volatile Map<List<Object>, ElementPath.Rows> rows;
    /** The row and coupled formulas by formula setup (options included) and LaneMath class, made on first use. */
    private transient volatile Map<List<Object>, Object> formulas;

    /**
     * How this loss reads its labels, given the layer's activation (may reject the activation).
     *
     * @param activation the layer's activation
     * @return how the labels are read
     */
    protected abstract LabelKind labelKind(IActivation activation);

    /**
     * Per-column weights applied by the base to per-element terms, or null. Losses whose weights
     * enter the formula differently apply them in their formula and return null here.
     *
     * @return the per-column weights, or null
     */
    protected double[] columnWeights() {
        return null;
    }

    /**
     * This loss's {@link ElementFormula} with this activation (which may be null: the call then
     * fails its checks), or null (the default) when a row or coupled formula computes it.
     *
     * @param activation the layer's activation
     * @return the formula's class and options, or null
     */
    protected FormulaSetup elementFormula(IActivation activation) {
        return null;
    }

    /**
     * A per-column option that the element formula reads as its argument {@code c} (one entry
     * per column of {@code preOutput}, length checked on every call), or null (the default).
     *
     * @param columns the number of columns of {@code preOutput}
     * @return the option's values, or null
     */
    protected double[] columnOption(int columns) {
        return null;
    }

    /**
     * How many columns of {@code preOutput} each label column serves (default 1): with n, labels
     * are {@code [R, C / n]}. For an element formula label column k is read by columns
     * {@code k n .. k n + n - 1} (an element mask may be of either width); a row formula with
     * {@link LabelKind#TARGETS} gets each row's targets as they are.
     *
     * @return the columns per label column
     */
    protected int columnsPerLabel() {
        return 1;
    }

    /**
     * The name of {@link #columnOption}, for messages.
     *
     * @return the option's name
     */
    protected String columnOptionName() {
        return "columnOption";
    }

    /**
     * This loss's {@link RowFormula} with this activation, or null (the default) when an element
     * or coupled formula computes it. Its labels are {@link LabelKind#CLASSES},
     * {@link LabelKind#ONE_CLASS}, {@link LabelKind#TARGETS} or {@link LabelKind#GRADES}.
     *
     * @param activation the layer's activation
     * @return the formula's class and options, or null
     */
    protected FormulaSetup rowFormula(IActivation activation) {
        return null;
    }

    /**
     * The number E that {@code average=true} divides by, for a batch of {@code rows} rows: the number of rows.
     *
     * @param rows the batch's row count
     * @return E
     */
    protected long examples(long rows) {
        return rows;
    }

    /**
     * Checks that involve several options, after each option passed its own {@link Option} bounds
     * (default: none); throws {@link Checks#fail} for a bad combination. It runs on the built loss,
     * so it may also bring an option to its canonical form (e.g. any negative value meaning "off"
     * stored as -1).
     */
    protected void checkCombination() {
    }

    /** Every option of this loss by name, in declaration order. */
    protected Map<String, Object> options() {
        Map<String, Object> options = new LinkedHashMap<>();
        for (Field f : OPTIONS.get(getClass())) {
            try {
                options.put(f.getName(), f.get(this));
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        return options;
    }

    /** Checks every option against its {@link Option} bounds, then {@link #checkCombination()}. */
    final void checkOptions() {
        for (Field f : OPTIONS.get(getClass())) {
            try {
                Options.check(name(), f.getName(), f.getType(), f.getAnnotation(Option.class), f.get(this));
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        checkCombination();
    }

    /** A copy that shares nothing mutable with this loss (its array options are copied). */
    @SuppressWarnings("unchecked")
    final <L extends BaseLoss> L copy() {
        try {
            BaseLoss copy = (BaseLoss) super.clone();
            copy.rows = null;
            copy.formulas = null;
            for (Field f : OPTIONS.get(getClass())) {
                Object value = f.get(copy);
                if (value instanceof double[]) {
                    f.set(copy, ((double[]) value).clone());
                }
            }
            return (L) copy;
        } catch (CloneNotSupportedException | IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- ILossFunction

    @Override
    public final double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn,
                                     INDArray mask, boolean average) {
        if (halfPrecision(preOutput)) {
            return computeScore(labels, inFloat(preOutput), activationFn, mask, average);
        }
        if (hasFormula(activationFn)) {
            try (Memory memory = Memory.enter()) {
                double total = formulaRun(name(), labels, preOutput, activationFn, mask, true, false, false).total;
                return average ? total / examples(preOutput.size(0)) : total;
            }
        }
        CoupledPath.Result run = coupledRun(labels, preOutput, activationFn, mask, true, false);
        return average ? run.total / examples(preOutput.size(0)) : run.total;
    }

    @Override
    public final INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn,
                                            INDArray mask) {
        if (halfPrecision(preOutput)) {
            return computeScoreArray(labels, inFloat(preOutput), activationFn, mask).castTo(preOutput.dataType());
        }
        if (hasFormula(activationFn)) {
            try (Memory memory = Memory.enter()) {
                return memory.export(formulaRun(name(), labels, preOutput, activationFn, mask, false, true, false).scoreArray);
            }
        }
        return coupledRun(labels, preOutput, activationFn, mask, true, false).scoreArray(preOutput.dataType());
    }

    @Override
    public final INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn,
                                          INDArray mask) {
        if (halfPrecision(preOutput)) {
            return computeGradient(labels, inFloat(preOutput), activationFn, mask).castTo(preOutput.dataType());
        }
        if (hasFormula(activationFn)) {
            try (Memory memory = Memory.enter()) {
                return memory.export(formulaRun(name(), labels, preOutput, activationFn, mask, false, false, true).gradient);
            }
        }
        return coupledRun(labels, preOutput, activationFn, mask, false, true).gradient;
    }

    @Override
    public final Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput,
                                                                IActivation activationFn, INDArray mask,
                                                                boolean average) {
        if (halfPrecision(preOutput)) {
            Pair<Double, INDArray> inFloat = computeGradientAndScore(labels, inFloat(preOutput), activationFn, mask,
                    average);
            return new Pair<>(inFloat.getFirst(), inFloat.getSecond().castTo(preOutput.dataType()));
        }
        if (hasFormula(activationFn)) {
            try (Memory memory = Memory.enter()) {
                ElementPath.Result result = formulaRun(name(), labels, preOutput, activationFn, mask, true, false, true);
                double total = result.total;
                return new Pair<>(average ? total / examples(preOutput.size(0)) : total, memory.export(result.gradient));
            }
        }
        CoupledPath.Result run = coupledRun(labels, preOutput, activationFn, mask, true, true);
        return new Pair<>(average ? run.total / examples(preOutput.size(0)) : run.total, run.gradient);
    }

    @Override
    public String name() {
        return getClass().getSimpleName();
    }

    // ---------------------------------------------------------------- half precision

    /**
     * Half-precision batches (FLOAT16, BFLOAT16) are computed in float32 and their results handed
     * back in the batch's type: their 3 or 4 significant digits and a largest value of 65,504
     * (FLOAT16) are too coarse for log-sum-exp sums and gradients, and ND4J's BLAS has no half
     * routines.
     */
    private static boolean halfPrecision(INDArray preOutput) {
        return preOutput != null && (preOutput.dataType() == DataType.HALF || preOutput.dataType() == DataType.BFLOAT16);
    }

    private static INDArray inFloat(INDArray preOutput) {
        return preOutput.castTo(DataType.FLOAT);
    }

    // ---------------------------------------------------------------- the element path

    /** Whether an element or row formula computes this call (else the loss is a coupled one). */
    private boolean hasFormula(IActivation activation) {
        return elementFormula(activation) != null || activation != null && rowFormula(activation) != null;
    }

    /**
     * Runs the element or row formula for the total loss, the per-row losses and dL/dz, as far as
     * asked; errors name the loss {@code loss} (this one's name, or a loss that adds this one to its own).
     */
    ElementPath.Result formulaRun(String loss, INDArray labels, INDArray preOutput, IActivation activation, INDArray mask,
                                          boolean total, boolean scoreArray, boolean gradient) {
        LabelKind kind = labelKind(activation);
        FormulaSetup element = elementFormula(activation);
        if (element == null) {
            FormulaSetup row = rowFormula(activation);
            if (kind == LabelKind.TARGETS) {
                Inputs.checkLabelWidth(loss, labels, preOutput, columnsPerLabel());
            }
            return RowPath.run(loss, row.type, n -> formula(row, RowFormula.class, n), kind, columnWeights(), labels,
                    preOutput, activation, mask, total, scoreArray, gradient);
        }
        int spread = columnsPerLabel();
        if (spread > 1) {
            labels = Inputs.spreadLabels(loss, labels, preOutput, spread);
            mask = Inputs.spreadMask(mask, labels, spread);
        }
        int columns = preOutput == null || preOutput.rank() != 2 ? 0 : (int) preOutput.size(1);
        return ElementPath.run(loss, element.type, n -> elementRows(n, element), kind, columnWeights(), columnOptionName(),
                columnOption(columns), labels, preOutput, activation, mask, total, scoreArray, gradient);
    }

    /**
     * The formula {@code setup} makes for these lanes (appended to its arguments), a copy of its
     * class of its own per loss class and lanes (see {@link Specialized}), made on first use.
     */
    final <T> T formula(FormulaSetup setup, Class<T> as, LaneMath<?> n) {
        Map<List<Object>, Object> cache = formulas;
        if (cache == null) {
            cache = new java.util.concurrent.ConcurrentHashMap<>();
            formulas = cache;
        }
        // Keyed by the whole setup: one loss takes different options for different activations.
        return as.cast(cache.computeIfAbsent(List.of(setup, n.getClass()), key -> {
            Object[] arguments = Arrays.copyOf(setup.arguments, setup.arguments.length + 1);
            arguments[setup.arguments.length] = n;
            return Specialized.instance(setup.type, as, List.of(setup.type, getClass(), n.getClass()), arguments);
        }));
    }

    /** The element formula's loop for these lanes, a copy of its own per loss class (see {@link Specialized}). */
    private ElementPath.Rows elementRows(LaneMath<?> n, FormulaSetup setup) {
        Map<List<Object>, ElementPath.Rows> cache = rows;
        if (cache == null) {
            cache = new java.util.concurrent.ConcurrentHashMap<>();
            rows = cache;
        }
        return cache.computeIfAbsent(List.of(setup, n.getClass()), key -> {
            List<Class<?>> copyKey = List.of(setup.type, getClass(), n.getClass());
            ElementFormula copy = Specialized.instance(setup.type, ElementFormula.class, copyKey, setup.arguments);
            return Specialized.instance(ElementRows.class, ElementPath.Rows.class, copyKey, copy);
        });
    }

    // ---------------------------------------------------------------- the coupled path

    /** A coupled loss's run over this call (see {@link CoupledLoss}); every other loss has an element or row formula. */
    CoupledPath.Result coupledRun(INDArray labels, INDArray preOutput, IActivation activation, INDArray mask,
                                  boolean score, boolean gradient) {
        // Names the activation (or inputs) this loss does not take, as the formula paths would.
        Inputs.checkShapes(name(), labelKind(activation), labels, preOutput, activation, mask);
        throw new IllegalStateException(name() + " has no formula for the activation " + activation);
    }

    /** Scratch memory for one call; see the class comment. */
    static final class Memory implements AutoCloseable {
        private final MemoryWorkspace scratch;

        private Memory(MemoryWorkspace scratch) {
            this.scratch = scratch;
        }

        static Memory enter() {
            boolean callerHasWorkspace = Nd4j.getMemoryManager().getCurrentWorkspace() != null;
            return new Memory(callerHasWorkspace ? null
                    : Nd4j.getWorkspaceManager().getAndActivateWorkspace(SCRATCH, SCRATCH_ID));
        }

        /** The result, moved out of the scratch workspace if there is one. */
        INDArray export(INDArray result) {
            return scratch == null || !result.isAttached() ? result : result.detach();
        }

        @Override
        public void close() {
            if (scratch != null) {
                scratch.close();
            }
        }
    }

    // ---------------------------------------------------------------- identity

    @Override
    public final boolean equals(Object o) {
        return o != null && o.getClass() == getClass()
                && Arrays.deepEquals(options().values().toArray(), ((BaseLoss) o).options().values().toArray());
    }

    @Override
    public final int hashCode() {
        return 31 * getClass().hashCode() + Arrays.deepHashCode(options().values().toArray());
    }

    @Override
    public final String toString() {
        StringJoiner joiner = new StringJoiner(", ", name() + "(", ")");
        for (Map.Entry<String, Object> option : options().entrySet()) {
            Object value = option.getValue();
            joiner.add(option.getKey() + "=" + (value instanceof double[] ? Arrays.toString((double[]) value) : value));
        }
        return joiner.toString();
    }
}
