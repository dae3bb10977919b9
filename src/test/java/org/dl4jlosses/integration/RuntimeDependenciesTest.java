package org.dl4jlosses.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What a project that depends on the library gets at run time: DL4J's network API, ND4J's API and
 * its own dependencies, nothing else. No ND4J backend (the user picks nd4j-native-platform or a CUDA
 * one), no deeplearning4j-core (nothing uses it, and it brings OpenCV, FFmpeg, HDF5 and friends for
 * every platform), nothing of the test dependencies (Spark, Scala, JMH). Read from the build's
 * dependency tree ({@link ResolvedDependencies#reachingUsers()}); a change of the pom that adds or
 * removes a runtime dependency has to change {@link #EXPECTED} too.
 */
class RuntimeDependenciesTest {
    private static final String VERSION = "1.0.0-M2.1";

    /** group:artifact of every runtime dependency a user gets: the pom's four and theirs. */
    private static final Set<String> EXPECTED = new TreeSet<>(List.of(
            // declared: what src/main uses
            "org.deeplearning4j:deeplearning4j-nn",
            "org.nd4j:nd4j-api",
            "org.nd4j:nd4j-common",
            "org.nd4j:jackson",
            // deeplearning4j-nn's
            "org.deeplearning4j:deeplearning4j-utility-iterators",
            "org.deeplearning4j:resources",
            "org.nd4j:nd4j-native-api",
            "commons-io:commons-io",
            "com.google.code.gson:gson",
            "com.github.oshi:oshi-core",
            "net.java.dev.jna:jna",
            "net.java.dev.jna:jna-platform",
            "org.threeten:threetenbp",
            "it.unimi.dsi:fastutil",
            // nd4j-api's
            "org.bytedeco:javacpp",
            "org.nd4j:protobuf",
            "com.google.flatbuffers:flatbuffers-java",
            "com.jakewharton.byteunits:byteunits",
            "org.apache.commons:commons-math3",
            "org.apache.commons:commons-lang3",
            "org.apache.commons:commons-collections4",
            "commons-net:commons-net",
            "net.ericaro:neoitertools",
            "org.slf4j:slf4j-api",
            // nd4j-common's
            "org.nd4j:guava",
            "org.apache.commons:commons-compress",
            "commons-codec:commons-codec"));

    /** Never a runtime dependency of the library: backends, DL4J's kitchen sink, native media libraries, Spark. */
    private static final Pattern FORBIDDEN = Pattern.compile(
            "org\\.nd4j:nd4j-(native|native-platform|cuda.*)|org\\.deeplearning4j:(deeplearning4j-core|dl4j-spark.*)"
                    + "|org\\.bytedeco:(openblas|mkl|opencv|ffmpeg|hdf5|javacv|leptonica|tesseract).*"
                    + "|org\\.apache\\.spark:.*|org\\.scala-lang:.*|org\\.datavec:.*");

    /** group:artifact, with :classifier when there is one (a native jar). */
    private static String key(ResolvedDependencies.Artifact a) {
        return a.key() + (a.classifier().isEmpty() ? "" : ":" + a.classifier());
    }

    @Test
    void exactlyTheExpectedRuntimeDependencies() {
        Set<String> actual = ResolvedDependencies.reachingUsers().stream()
                .map(RuntimeDependenciesTest::key).collect(Collectors.toCollection(TreeSet::new));
        Set<String> extra = new TreeSet<>(actual);
        extra.removeAll(EXPECTED);
        Set<String> missing = new TreeSet<>(EXPECTED);
        missing.removeAll(actual);
        assertEquals(EXPECTED, actual, "runtime dependencies changed: new " + extra + ", gone " + missing);
    }

    @Test
    void noBackendNoDeeplearning4jCoreNoSparkNoNativeMediaLibraries() {
        List<String> forbidden = ResolvedDependencies.reachingUsers().stream().map(RuntimeDependenciesTest::key)
                .filter(k -> FORBIDDEN.matcher(k).matches()).toList();
        assertEquals(List.of(), forbidden);
    }

    /** The tree and the list of the same build agree; DL4J/ND4J at the library's version. */
    @Test
    void versionsAsResolved() {
        Map<String, ResolvedDependencies.Artifact> listed = ResolvedDependencies.all().stream()
                .collect(Collectors.toMap(RuntimeDependenciesTest::key, Function.identity(), (a, b) -> a));
        for (ResolvedDependencies.Artifact a : ResolvedDependencies.reachingUsers()) {
            ResolvedDependencies.Artifact inList = listed.get(key(a));
            assertTrue(inList != null && inList.transitive(), key(a) + " in the tree, but in the list as " + inList);
            assertEquals(inList.version(), a.version(), key(a));
            if (a.group().equals("org.nd4j") || a.group().equals("org.deeplearning4j")) {
                assertEquals(VERSION, a.version(), key(a));
            }
        }
    }

    /** The build itself (tests, example tour) still runs on the native CPU backend, an optional dependency. */
    @Test
    void theBuildHasTheCpuBackendAsOptionalDependency() {
        ResolvedDependencies.Artifact backend = ResolvedDependencies.all().stream()
                .filter(a -> a.key().equals("org.nd4j:nd4j-native-platform")).findFirst().orElseThrow();
        assertTrue(backend.optional(), backend.toString());
        assertEquals("runtime", backend.scope());
        assertEquals("org.nd4j.linalg.cpu.nativecpu.CpuBackend", Nd4j.getBackend().getClass().getName());
    }
}
