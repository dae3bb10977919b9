package org.dl4jlosses.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 */
class DependencyConvergenceTest {
    private static final String VERSION = "1.0.0-M2.1";
    /** The Spark modules of DL4J whose newest release is 1.0.0-M2. */
    private static final Set<String> SPARK_MODULES_AT_M2 = Set.of(
            "dl4j-spark_2.12", "dl4j-spark-parameterserver_2.12", "nd4j-kryo_2.12", "nd4j-parameter-server-node_2.12");
    /** .../repository/org/nd4j/nd4j-api/1.0.0-M2.1/nd4j-api-1.0.0-M2.1.jar: group path, artifact, version. */
    private static final Pattern JAR = Pattern.compile(".*/repository/(.+)/([^/]+)/([^/]+)/\\2-\\3(?:-[^/]+)?\\.jar");

    /** group:artifact -> versions on the test classpath (surefire's, or this JVM's when run elsewhere). */
    private static Map<String, List<String>> artifacts() {
        String path = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Map<String, List<String>> found = new TreeMap<>();
        for (String entry : path.split(File.pathSeparator)) {
            Matcher m = JAR.matcher(entry.replace(File.separatorChar, '/'));
            if (m.matches()) {
                List<String> versions = found.computeIfAbsent(m.group(1).replace('/', '.') + ":" + m.group(2),
                        k -> new ArrayList<>());
                if (!versions.contains(m.group(3))) {
                    versions.add(m.group(3));
                }
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

    @Test
    void theClassesInUseComeFromThoseJars() {
        for (Class<?> c : new Class<?>[] {Nd4j.class, MultiLayerNetwork.class, ParallelWrapper.class}) {
            String jar = c.getProtectionDomain().getCodeSource().getLocation().getPath();
            assertTrue(jar.endsWith("-" + VERSION + ".jar"), c.getSimpleName() + " from " + jar);
        }
        String sparkDl4j = SparkDl4jMultiLayer.class.getProtectionDomain().getCodeSource().getLocation().getPath();
        assertTrue(sparkDl4j.endsWith("dl4j-spark_2.12-1.0.0-M2.jar"), "SparkDl4jMultiLayer from " + sparkDl4j);
        assertFalse(SparkContext.class.getProtectionDomain().getCodeSource().getLocation().getPath().isEmpty());
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
