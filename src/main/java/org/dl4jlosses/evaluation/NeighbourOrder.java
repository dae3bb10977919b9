package org.dl4jlosses.evaluation;

/**
 * One query's references in nearest-first order, without sorting them all: the rank of the nearest
 * same-label reference (one pass) and the labels of the R nearest (a bounded heap of R). Nearest
 * first means the higher score first, and on equal scores the lower reference index first (the
 * order of a stable sort, which fixes what an exact k-NN search leaves open).
 */
final class NeighbourOrder {
    private final int[] referenceLabels;
    /** The bounded heap of reference indices: its root is the farthest of the nearest kept. */
    private int[] heap = new int[16];

    NeighbourOrder(int[] referenceLabels) {
        this.referenceLabels = referenceLabels;
    }

    /** Whether reference a comes before reference b. */
    private static boolean before(double[] s, int offset, int a, int b) {
        double sa = s[offset + a];
        double sb = s[offset + b];
        return sa > sb || (sa == sb && a < b);
    }

    /**
     * The 1-based rank of the nearest reference labelled {@code label}, the reference {@code self}
     * (or -1) skipped: 1 + the number of references before it; 0 if there is none.
     */
    int rankOfFirstMatch(double[] s, int offset, int self, int label) {
        int m = referenceLabels.length;
        int best = -1;
        for (int r = 0; r < m; r++) {
            if (r != self && referenceLabels[r] == label && (best < 0 || before(s, offset, r, best))) {
                best = r;
            }
        }
        if (best < 0) {
            return 0;
        }
        int rank = 1;
        for (int r = 0; r < m; r++) {
            rank += r != self && before(s, offset, r, best) ? 1 : 0;
        }
        return rank;
    }

    /**
     * Whether each of the {@code count} nearest references (self skipped), nearest first, is labelled
     * {@code label}; {@code count} is at most the number of references other than self.
     */
    boolean[] matchesAmongNearest(double[] s, int offset, int self, int label, int count) {
        if (heap.length < count) {
            heap = new int[Math.max(count, 2 * heap.length)];
        }
        int size = 0;
        for (int r = 0; r < referenceLabels.length; r++) {
            if (r == self) {
                continue;
            }
            if (size < count) {
                heap[size] = r;
                siftUp(s, offset, size++);
            } else if (before(s, offset, r, heap[0])) {
                heap[0] = r;
                siftDown(s, offset, 0, size);
            }
        }
        // Pop the farthest first: filling from the back leaves the nearest first.
        boolean[] matches = new boolean[size];
        for (int end = size - 1; end >= 0; end--) {
            matches[end] = referenceLabels[heap[0]] == label;
            heap[0] = heap[end];
            siftDown(s, offset, 0, end);
        }
        return matches;
    }

    /** Restores the heap (parent after child in nearest-first order) above slot i. */
    private void siftUp(double[] s, int offset, int i) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(s, offset, heap[parent], heap[i])) {
                return;
            }
            swap(i, parent);
            i = parent;
        }
    }

    /** Restores the heap below slot i, of the first {@code size} slots. */
    private void siftDown(double[] s, int offset, int i, int size) {
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                return;
            }
            if (child + 1 < size && before(s, offset, heap[child], heap[child + 1])) {
                child++;
            }
            if (!before(s, offset, heap[i], heap[child])) {
                return;
            }
            swap(i, child);
            i = child;
        }
    }

    private void swap(int i, int j) {
        int t = heap[i];
        heap[i] = heap[j];
        heap[j] = t;
    }
}
