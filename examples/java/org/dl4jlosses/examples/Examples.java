package org.dl4jlosses.examples;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.nd4j.linalg.factory.Nd4j;

/** The registry of examples, in tour order. Adding an example is one line in {@link #all()}. */
public final class Examples {
    private Examples() {
    }

    /** Every example, in the order the tour runs them. */
    public static List<Example> all() {
        return List.of(
                new ImbalancedExample(),
                new DistillationExample(),
                new ForecastingExample(),
                new SpiralsExample(),
                new RobustRegressionExample(),
                new SegmentationExample(),
                new FacesExample(),
                new SpeakerExample(),
                new RetrievalExample(),
                new RankingExample(),
                new LossCurvesExample());
    }

    /**
     * Runs ND4J's native ops and BLAS on one thread. The examples' networks are small, and for
     * small arrays OpenMP threads only cost: on a busy two-core machine, spinning workers made
     * training 10 to 100 times slower. The tour and the smoke tests call this first.
     */
    public static void useOneThread() {
        Nd4j.getEnvironment().setMaxThreads(1);
        Nd4j.getEnvironment().setMaxMasterThreads(1);
        Nd4j.factory().blas().setMaxThreads(1);
    }

    /** The example with this name or alias (case-insensitive). */
    public static Optional<Example> find(String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        return all().stream()
                .filter(e -> e.name().equals(wanted) || e.aliases().contains(wanted))
                .findFirst();
    }
}
