package org.dl4jlosses.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The library on the newest JDK of this machine (the Java 25 one, where present), with and
 * without {@code --add-modules jdk.incubator.vector}: JDK 19 replaced the Vector API's buffer
 * loads the vector lanes use, so there the plain-Java lanes must run (it used to fail with a
 * {@code NoSuchMethodError}), giving the numbers this JVM gives.
 */
class OtherJdkTest {
    private static final Path JAVA_25 = Paths.get("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");

    @ParameterizedTest(name = "vector flag {0}")
    @ValueSource(booleans = {true, false})
    void java25GivesTheNumbersOfThisJvm(boolean flag) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(JAVA_25), "no Java 25 JDK at " + JAVA_25);
        List<String> command = new ArrayList<>(List.of(JAVA_25.toString()));
        if (flag) {
            command.add("--add-modules");
            command.add("jdk.incubator.vector");
        }
        command.addAll(List.of("-Xmx2g", "-cp", System.getProperty("java.class.path"), OtherJdkRun.class.getName()));
        Path out = Files.createTempFile("other-jdk", ".txt");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "Java 25 run finished");
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        Files.delete(out);
        assertEquals(0, p.exitValue(), () -> String.join("\n", lines));
        assertTrue(lines.contains("vector=false"), () -> "plain-Java lanes on Java 25:\n" + String.join("\n", lines));
        List<String> theirs = new ArrayList<>();
        for (String line : lines) {
            if (line.contains("|")) {
                theirs.add(line);
            }
        }
        List<String> ours = OtherJdkRun.lines();
        assertEquals(ours.size(), theirs.size(), "configurations");
        for (int i = 0; i < ours.size(); i++) {
            String[] a = ours.get(i).split("\\|");
            String[] b = theirs.get(i).split("\\|");
            assertEquals(a[0], b[0]);
            double tolerance = a[0].startsWith("FLOAT") ? 1e-4 : 1e-9;
            for (int k = 1; k < a.length; k++) {
                double x = Double.parseDouble(a[k]);
                double y = Double.parseDouble(b[k]);
                assertEquals(x, y, tolerance * Math.max(1, Math.abs(x)), a[0] + " field " + k);
            }
        }
    }
}
