package org.dl4jlosses.examples;

import java.io.IOException;
import java.util.List;

/**
 * One runnable demonstration: it generates its own data from a fixed seed, trains (or computes)
 * the same thing with several losses side by side, prints progress to {@link Output#progress},
 * writes its PNG figures through {@link Output#png}, and returns its measured metrics.
 * Register a new example with one line in {@link Examples#all()}.
 */
public interface Example {
    /** The name that runs it alone: {@code mvn -q compile exec:java -Dexec.args="NAME"}. Lower case, no spaces. */
    String name();

    /** Other names accepted on the command line (default none). */
    default List<String> aliases() {
        return List.of();
    }

    /** One line: what it trains and what it shows. */
    String description();

    /**
     * Runs the example within the budget and returns one row per loss and metric, in the order
     * the summary table should show them.
     */
    List<Result> run(Budget budget, Output out) throws IOException;
}
