package org.dl4jlosses.internal;

import java.nio.ByteBuffer;

/**
 * The loops over one row of an {@link ElementFormula}: load the lanes straight from the batch's
 * buffers, weigh the terms and gradients with their scale ({@code m_row w_k m_k / K}), sum the
 * terms and write the gradients. {@link Specialized} loads a copy of this class per formula and
 * precision, so that C2 inlines the formula into it.
 *
 * <p>Masked elements are left out by selection, not by multiplication: whatever they hold (NaN
 * included) does not count. A label that is not finite, or a mask entry that is neither 0 nor 1,
 * makes the row's result NaN (through the formula's {@link ElementFormula#labelCheck}, or
 * {@code sqrt(-|m (m - 1)|)}), and the caller then looks for it.
 *
 * <p>Why three loops: C2 keeps a vector in a register only where it is produced on one path, so
 * a loop body must not choose between vectors ({@code weighted ? w s : s}); each case gets its
 * own loop instead. Each loop is its own method with only small callees (C2 does not inline a
 * callee it already compiled into more than a few kilobytes, and a vector handed to a call that
 * is not inlined goes to the heap), and the last, partial vector of a row goes to {@link #tail}.
 */
public final class ElementRows implements ElementPath.Rows {
    private final ElementFormula formula;

    public ElementRows(ElementFormula formula) {
        this.formula = formula;
    }

    @Override
    public <V> double row(LaneMath<V> n, ByteBuffer a, ByteBuffer y, ByteBuffer mask, ByteBuffer gradient, int offset, ByteBuffer weights,
                          ByteBuffer option, double rowScale, boolean wantLoss, int length) {
        n.begin(length);
        int whole = length / n.width(length) * n.width(length);
        double total;
        if (mask != null || weights != null || option != null) {
            total = general(n, a, y, mask, gradient, offset, weights, option, rowScale, whole);
        } else {
            // Score and gradient in two passes, so the score is the same number computeScore gives.
            double check = gradient == null ? 0 : gradients(n, a, y, gradient, offset, rowScale, whole);
            total = wantLoss ? rowScale * losses(n, a, y, offset, whole) + check : check;
        }
        return whole < length ? total + tail(n, a, y, mask, gradient, offset, weights, option, rowScale, wantLoss, whole, length)
                : total;
    }

    /** The sum of the terms of elements [0, whole), NaN for a label the formula does not take. */
    private <V> double losses(LaneMath<V> n, ByteBuffer a, ByteBuffer y, int offset, int whole) {
        V acc = n.of(0);
        V c = n.of(1);
        for (int i = 0; i < whole; i += n.width(whole)) {
            V yv = n.load(y, offset + i);
            acc = n.add(acc, n.add(formula.loss(n, n.load(a, offset + i), yv, c), formula.labelCheck(n, yv)));
        }
        return n.sum(acc, whole);
    }

    /** Writes {@code scale dl/da} for elements [0, whole); returns 0, or NaN for a label that is not finite. */
    private <V> double gradients(LaneMath<V> n, ByteBuffer a, ByteBuffer y, ByteBuffer gradient, int offset, double scale,
                                 int whole) {
        V s = n.of(scale);
        V c = n.of(1);
        V check = n.of(0);
        for (int i = 0; i < whole; i += n.width(whole)) {
            int at = offset + i;
            V yv = n.load(y, at);
            n.store(n.mul(formula.gradient(n, n.load(a, at), yv, c), s), gradient, at);
            check = n.add(check, formula.labelCheck(n, yv));
        }
        return n.sum(check, whole);
    }

    /**
     * Both, with weights, the per-column option and mask (ones where there are none), for
     * elements [0, whole): the sum of the weighted terms and the gradients' writes.
     */
    private <V> double general(LaneMath<V> n, ByteBuffer a, ByteBuffer y, ByteBuffer mask, ByteBuffer gradient, int offset,
                               ByteBuffer weights, ByteBuffer option, double rowScale, int whole) {
        ByteBuffer w = weights != null ? weights : n.ones();
        ByteBuffer o = option != null ? option : n.ones();
        ByteBuffer m = mask != null ? mask : n.ones();
        int stepW = weights != null ? 1 : 0;
        int stepO = option != null ? 1 : 0;
        int stepM = mask != null ? 1 : 0;
        int maskOffset = offset * stepM;
        V scale = n.of(rowScale);
        V acc = n.of(0);
        for (int i = 0; i < whole; i += n.width(whole)) {
            int at = offset + i;
            V av = n.load(a, at);
            V yv = n.load(y, at);
            V mv = n.load(m, maskOffset + i * stepM);
            V cv = n.load(o, i * stepO);
            V s = n.mul(n.mul(scale, n.load(w, i * stepW)), mv);
            if (gradient != null) {
                n.store(n.keep(n.mul(formula.gradient(n, av, yv, cv), s), mv), gradient, at);
            }
            // The loss even when only the gradient is wanted: a choice between two vectors here would cost more.
            V terms = n.add(n.mul(formula.loss(n, av, yv, cv), s), formula.labelCheck(n, yv));
            acc = n.add(n.add(acc, n.keep(terms, mv)), notBinary(n, mv));
        }
        return n.sum(acc, whole);
    }

    /** {@link #general} for the elements from i to the row's end, fewer than a vector's. */
    private <V> double tail(LaneMath<V> n, ByteBuffer a, ByteBuffer y, ByteBuffer mask, ByteBuffer gradient, int offset, ByteBuffer weights,
                            ByteBuffer option, double rowScale, boolean wantLoss, int i, int length) {
        int at = offset + i;
        int end = offset + length;
        V av = n.loadTail(a, at, end);
        V yv = n.loadTail(y, at, end);
        V mv = mask != null ? n.loadTail(mask, at, end) : n.load(n.ones(), 0);
        V cv = option != null ? n.load(option, i) : n.of(1);
        V s = n.mul(n.mul(n.of(rowScale), weights != null ? n.load(weights, i) : mv), mv);
        if (gradient != null) {
            n.storeTail(n.keep(n.mul(formula.gradient(n, av, yv, cv), s), mv), gradient, at, end);
        }
        V terms = formula.labelCheck(n, yv);
        if (wantLoss) {
            terms = n.add(n.mul(formula.loss(n, av, yv, cv), s), terms);
        }
        return n.sum(n.addLanes(n.of(0), n.add(n.keep(terms, mv), notBinary(n, mv)), i, length), length);
    }

    /** 0 where the mask is 0 or 1, NaN elsewhere (NaN and infinity included): {@code sqrt(-|m (m - 1)|)}. */
    private static <V> V notBinary(LaneMath<V> n, V m) {
        return n.sqrt(n.neg(n.abs(n.fma(m, m, n.neg(m)))));
    }
}
