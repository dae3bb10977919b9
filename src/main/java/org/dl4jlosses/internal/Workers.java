package org.dl4jlosses.internal;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The helper threads that split one call's rows over the cores: one daemon thread per extra
 * core, each taking one row range at a time.
 *
 * <p>Why not an {@code ExecutorService}: waking a parked thread costs tens of microseconds on a
 * virtual machine, as much as the whole loss of a 256 x 1000 batch, so a pool's hand-off made
 * the split slower than one thread (measured). The helpers here do what OpenMP's threads do in
 * ND4J and PyTorch: after a range, and after {@link #wake()}, they spin for {@link #SPIN_NANOS}
 * before parking, so a call that follows soon (the gradient after the score) finds them awake;
 * and a call wakes them as it starts, so the wake-up overlaps its own set-up (argument checks,
 * the result array).
 *
 * <p>Callers from many threads at once are safe: a helper busy with another caller's range is
 * skipped, and whatever no helper takes runs in the calling thread.
 */
final class Workers {
    /** How long an idle helper spins before it parks: longer than a loss call's set-up, short against a training step. */
    static final long SPIN_NANOS = Long.getLong("dl4jlosses.spinNanos", 50_000L);
    private static final Helper[] HELPERS = start(Math.max(0, Runtime.getRuntime().availableProcessors() - 1));

    private Workers() {
    }

    /** A range of rows. */
    interface Range {
        /** Works on rows [from, to) and returns their part of the result (summed over the ranges). */
        double run(int from, int to);
    }

    /** How many threads a split may use: the caller and the helpers. */
    static int threads() {
        return HELPERS.length + 1;
    }

    /** Tells the helpers that work is coming: they stop parking and spin until it does (or until the spin ends). */
    static void wake() {
        for (Helper helper : HELPERS) {
            helper.wake();
        }
    }

    /**
     * Runs {@code range} over [0, rows) in {@code chunks} consecutive ranges, the first in the
     * calling thread, and returns the sum of their results. An exception of any range is rethrown.
     */
    static double run(Range range, int rows, int chunks) {
        Job[] jobs = new Job[chunks];
        int claimed = 0;
        for (int c = 1; c < chunks; c++) {
            Helper helper = claim();
            if (helper == null) {
                break;
            }
            jobs[c] = new Job(range, (int) ((long) rows * c / chunks), (int) ((long) rows * (c + 1) / chunks), helper);
            helper.hand(jobs[c]);
            claimed = c;
        }
        double total = 0;
        Throwable failure = null;
        try {
            // Ranges no helper took run here, after the first.
            total = range.run(0, (int) ((long) rows * (claimed == 0 ? chunks : 1) / chunks));
            if (claimed > 0 && claimed < chunks - 1) {
                total += range.run((int) ((long) rows * (claimed + 1) / chunks), rows);
            }
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        // Every claimed helper is waited for and released, also after a failure here: it may
        // still be writing into the caller's arrays.
        for (int c = 1; c <= claimed; c++) {
            Job job = jobs[c];
            job.await();
            job.helper.release();
            if (failure == null) {
                failure = job.failure;
            }
            total += job.result;
        }
        if (failure instanceof RuntimeException) {
            throw (RuntimeException) failure;
        } else if (failure instanceof Error) {
            throw (Error) failure;
        } else if (failure != null) {
            throw new IllegalStateException(failure);
        }
        return total;
    }

    private static Helper claim() {
        for (Helper helper : HELPERS) {
            if (helper.busy.compareAndSet(false, true)) {
                return helper;
            }
        }
        return null;
    }

    private static Helper[] start(int count) {
        Helper[] helpers = new Helper[count];
        for (int i = 0; i < count; i++) {
            helpers[i] = new Helper(i);
            helpers[i].start();
        }
        return helpers;
    }

    /** One range handed to a helper. */
    private static final class Job {
        final Range range;
        final int from;
        final int to;
        final Helper helper;
        double result;
        Throwable failure;
        volatile boolean done;

        Job(Range range, int from, int to, Helper helper) {
            this.range = range;
            this.from = from;
            this.to = to;
            this.helper = helper;
        }

        void runHere() {
            try {
                result = range.run(from, to);
            } catch (Throwable t) {
                failure = t;
            }
            done = true;
        }

        void await() {
            long spins = 0;
            while (!done) {
                // A helper descheduled by a busy machine gets the core back sooner when we yield.
                if (++spins < 100_000) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
        }
    }

    private static final class Helper extends Thread {
        /** Held by the caller whose job this helper runs, from claim to release. */
        final AtomicBoolean busy = new AtomicBoolean();
        private volatile Job job;
        private volatile boolean parked;
        private volatile long spinUntil;

        Helper(int index) {
            super("dl4j-losses-worker-" + index);
            setDaemon(true);
        }

        void wake() {
            spinUntil = System.nanoTime() + SPIN_NANOS;
            if (parked) {
                LockSupport.unpark(this);
            }
        }

        void hand(Job next) {
            job = next;
            if (parked) {
                LockSupport.unpark(this);
            }
        }

        void release() {
            busy.set(false);
        }

        @Override
        public void run() {
            while (true) {
                Job next = job;
                if (next != null) {
                    job = null;
                    next.runHere();
                    spinUntil = System.nanoTime() + SPIN_NANOS;
                } else if (System.nanoTime() - spinUntil < 0) {
                    Thread.onSpinWait();
                } else {
                    parked = true;
                    // Re-read after announcing the park: a job or wake set before this is seen here,
                    // one set after it sees parked and unparks (volatile order).
                    if (job == null && System.nanoTime() - spinUntil >= 0) {
                        LockSupport.park(this);
                    }
                    parked = false;
                }
            }
        }
    }
}
