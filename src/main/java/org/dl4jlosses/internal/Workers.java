package org.dl4jlosses.internal;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The helper threads that split one call's rows over the cores: one daemon thread per extra
 * core.
 *
 * <p>Why not an {@code ExecutorService} with a fixed half for each thread: waking a parked thread
 * costs tens of microseconds on a virtual machine, as much as the whole loss of a 256 x 1000
 * batch, and right after an ND4J op ND4J's own OpenMP threads still spin on the other core, so a
 * helper can start its half a hundred microseconds or more late (measured: a pool's split was
 * slower than one thread). Here the rows go out in small pieces that every thread takes from one
 * counter: the caller takes what a late helper has not, and a helper that
 * has not started when the rows run out is called off, so a call never waits for a thread that
 * is not working on it.
 *
 * <p>Idle helpers park at once. Spinning for a while first (as OpenMP's threads do) made
 * back-to-back loss calls faster, but in a training step, where ND4J's threads spin too, a
 * spinning helper took a core from the caller: a 256 x 1000 MSE after a matrix product took
 * 0.33 ms with a 50 us spin and 0.13-0.15 ms without (one thread: 0.16 ms).
 *
 * <p>Callers from many threads at once are safe: a helper busy with another caller's rows is
 * skipped, and then the calling thread does all the work.
 */
final class Workers {
    /** Pieces per thread: enough that a late helper costs little, few enough that the counter is no cost. */
    private static final int PIECES_PER_THREAD = 8;
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

    /**
     * Runs {@code range} over [0, rows), shared by the calling thread and up to
     * {@code threads - 1} free helpers, and returns the sum of the ranges' results. An exception
     * of any range is rethrown here.
     */
    static double run(Range range, int rows, int threads) {
        Pieces pieces = new Pieces(range, rows, Math.min(rows, threads * PIECES_PER_THREAD));
        Job[] jobs = new Job[Math.max(0, threads - 1)];
        int handed = 0;
        while (handed < jobs.length) {
            Helper helper = claim();
            if (helper == null) {
                break;
            }
            jobs[handed] = new Job(pieces, helper);
            helper.hand(jobs[handed]);
            handed++;
        }
        double total = 0;
        Throwable failure = null;
        try {
            total = pieces.work();
        } catch (RuntimeException | Error e) {
            pieces.stop();
            failure = e;
        }
        for (int j = 0; j < handed; j++) {
            Job job = jobs[j];
            // A helper that has not started is called off; one that has may still be writing into
            // the caller's arrays, so it is waited for (it is working, so not for long).
            if (!job.callOff()) {
                job.await();
                total += job.result;
                if (failure == null) {
                    failure = job.failure;
                }
            }
            job.helper.release();
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

    /** One call's rows in consecutive pieces, handed out by a shared counter. */
    private static final class Pieces {
        final Range range;
        final int rows;
        final int count;
        final AtomicInteger next = new AtomicInteger();

        Pieces(Range range, int rows, int count) {
            this.range = range;
            this.rows = rows;
            this.count = Math.max(1, count);
        }

        /** Takes pieces until none is left; returns the sum of their results. */
        double work() {
            double total = 0;
            for (int p = next.getAndIncrement(); p < count; p = next.getAndIncrement()) {
                total += range.run((int) ((long) rows * p / count), (int) ((long) rows * (p + 1) / count));
            }
            return total;
        }

        /** No piece is handed out any more. */
        void stop() {
            next.set(count);
        }
    }

    /** A helper's share of one call. */
    private static final class Job {
        private static final int PENDING = 0;
        private static final int RUNNING = 1;
        private static final int CALLED_OFF = 2;

        final Pieces pieces;
        final Helper helper;
        final AtomicInteger state = new AtomicInteger(PENDING);
        double result;
        Throwable failure;
        volatile boolean done;

        Job(Pieces pieces, Helper helper) {
            this.pieces = pieces;
            this.helper = helper;
        }

        /** In the helper: the pieces it can take, unless the caller called the job off first. */
        void runHere() {
            if (!state.compareAndSet(PENDING, RUNNING)) {
                return;
            }
            try {
                result = pieces.work();
            } catch (Throwable t) {
                pieces.stop();
                failure = t;
            }
            done = true;
        }

        /** In the caller: true when the helper had not started (and now never will). */
        boolean callOff() {
            return state.compareAndSet(PENDING, CALLED_OFF);
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
        /** Held by the caller whose job this helper has, from claim to release. */
        final AtomicBoolean busy = new AtomicBoolean();
        private final AtomicReference<Job> job = new AtomicReference<>();
        private volatile boolean parked;

        Helper(int index) {
            super("dl4j-losses-worker-" + index);
            setDaemon(true);
        }

        void hand(Job next) {
            job.set(next);
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
                Job next = job.getAndSet(null);
                if (next != null) {
                    next.runHere();
                } else {
                    parked = true;
                    // Re-read after announcing the park: a job set before this is seen here, one set
                    // after it sees parked and unparks (volatile order).
                    if (job.get() == null) {
                        LockSupport.park(this);
                    }
                    parked = false;
                }
            }
        }
    }
}
