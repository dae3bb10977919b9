package org.dl4jlosses.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.SparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.parallelism.ParallelWrapper;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The test classpath holds one version of DL4J, ND4J and DataVec: 1.0.0-M2.1, the library's.
 * dl4j-spark's newest release is 1.0.0-M2 and depends on 1.0.0-M2 of everything; the pom excludes
 * those, and only the Spark modules that have no 1.0.0-M2.1 release stay at 1.0.0-M2. Scala is
 * at least 2.12.15, the first 2.12 whose lambda deserialisation works on Java 17 (scala/bug#12419).
 * The artifacts and versions are those Maven resolved, from its own list ({@link ResolvedDependencies}),
 * so the test passes wherever the local repository lives.
 */
class DependencyConvergenceTest {
    private static final String VERSION = "1.0.0-M2.1";
    /** The Spark modules of DL4J whose newest release is 1.0.0-M2. */
    private static final Set<String> SPARK_MODULES_AT_M2 = Set.of(
            "dl4j-spark_2.12", "dl4j-spark-parameterserver_2.12", "nd4j-kryo_2.12", "nd4j-parameter-server-node_2.12");

    /** group:artifact -> versions on the test classpath, as Maven resolved it (target/dependencies.txt). */
    private static Map<String, List<String>> artifacts() {
        Map<String, List<String>> found = new TreeMap<>();
        for (ResolvedDependencies.Artifact a : ResolvedDependencies.all()) {
            List<String> versions = found.computeIfAbsent(a.key(), k -> new ArrayList<>());
            if (!versions.contains(a.version())) {
                versions.add(a.version());
            }
        }
        return found;
    }

    @Test
    void oneVersionOfDl4jNd4jAndDataVec() {
        Map<String, List<String>> artifacts = artifacts();
        assertTrue(artifacts.containsKey("org.nd4j:nd4j-api"), "classpath not readable: " + artifacts.keySet());
        int checked = 0;
        for (Map.Entry<String, List<String>> e : artifacts.entrySet()) {
            String group = e.getKey().substring(0, e.getKey().indexOf(':'));
            String artifact = e.getKey().substring(e.getKey().indexOf(':') + 1);
            assertEquals(1, e.getValue().size(), e.getKey() + " in several versions: " + e.getValue());
            if (group.equals("org.nd4j") || group.equals("org.deeplearning4j") || group.equals("org.datavec")) {
                String expected = SPARK_MODULES_AT_M2.contains(artifact) ? "1.0.0-M2" : VERSION;
                assertEquals(expected, e.getValue().get(0), e.getKey());
                checked++;
            }
        }
        assertTrue(checked > 20, "only " + checked + " DL4J/ND4J/DataVec artifacts found");
        for (String module : SPARK_MODULES_AT_M2) {
            assertTrue(artifacts.keySet().stream().anyMatch(k -> k.endsWith(":" + module)), module + " on the classpath");
        }
    }

    /** The list describes this classpath: every jar it names is on it (file names, any repository). */
    @Test
    void theListIsThisClasspath() {
        String path = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Set<String> onClasspath = Arrays.stream(path.split(File.pathSeparator))
                .map(entry -> Path.of(entry).getFileName().toString()).collect(Collectors.toSet());
        List<String> missing = ResolvedDependencies.all().stream().filter(a -> a.type().equals("jar"))
                .map(ResolvedDependencies.Artifact::fileName).filter(jar -> !onClasspath.contains(jar)).toList();
        assertEquals(List.of(), missing, "listed but not on the classpath (stale target/dependencies.txt?)");
    }

    /**
     * The classes come from the jars of that list, by file name (artifact-version.jar, the same in
     * any local repository), not from some other copy on the classpath.
     */
    @Test
    void theClassesInUseComeFromThoseJars() {
        Set<String> listed = ResolvedDependencies.all().stream()
                .map(ResolvedDependencies.Artifact::fileName).collect(Collectors.toSet());
        Map<Class<?>, String> expected = Map.of(
                Nd4j.class, "nd4j-api-" + VERSION + ".jar",
                MultiLayerNetwork.class, "deeplearning4j-nn-" + VERSION + ".jar",
                ParallelWrapper.class, "deeplearning4j-parallel-wrapper-" + VERSION + ".jar",
                SparkDl4jMultiLayer.class, "dl4j-spark_2.12-1.0.0-M2.jar");
        for (Map.Entry<Class<?>, String> e : expected.entrySet()) {
            String jar = ResolvedDependencies.jarOf(e.getKey());
            assertEquals(e.getValue(), jar, e.getKey().getSimpleName() + " from " + jar);
            assertTrue(listed.contains(jar), jar + " not among the resolved dependencies");
        }
        String spark = ResolvedDependencies.jarOf(SparkContext.class);
        assertTrue(listed.contains(spark), "SparkContext from " + spark + ", not among the resolved dependencies");
    }

    @Test
    void scalaLibraryDeserialisesLambdasOnJava17() {
        String running = scala.util.Properties.versionNumberString();
        String[] version = running.split("\\.");
        assertEquals("2", version[0]);
        assertEquals("12", version[1]);
        assertTrue(Integer.parseInt(version[2]) >= 15, "Scala " + running);
        assertEquals(List.of(running), artifacts().get("org.scala-lang:scala-library"));
    }
}
