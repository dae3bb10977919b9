package org.dl4jlosses.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.dl4jlosses.internal.LaneMath;
import org.junit.jupiter.api.Test;

/**
 * The library's classes load on Java 11 (class files of version 55 at most), as DL4J 1.0.0-M2.1
 * does; only the Vector API lanes, which run on JDK 17 and 18 alone, and the examples are Java 17
 * classes (version 61).
 */
class JavaVersionTest {
    private static final int JAVA_11 = 55;
    private static final int JAVA_17 = 61;

    @Test
    void theLibraryIsJava11AndOnlyTheVectorLanesAndExamplesAreJava17() throws IOException, URISyntaxException {
        Path classes = Paths.get(LaneMath.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Path> files;
        try (Stream<Path> walk = Files.walk(classes.resolve("org/dl4jlosses"))) {
            files = walk.filter(p -> p.toString().endsWith(".class")).collect(Collectors.toList());
        }
        int java17 = 0;
        for (Path file : files) {
            String name = classes.relativize(file).toString();
            boolean vectorLanes = name.matches(".*/(Float|Double)VectorMath(\\$.*)?\\.class");
            boolean example = name.startsWith("org/dl4jlosses/examples/");
            int major = major(file);
            if (vectorLanes || example) {
                assertEquals(JAVA_17, major, name);
                java17 += vectorLanes ? 1 : 0;
            } else {
                assertTrue(major <= JAVA_11, name + " is of class version " + major + ", above Java 11's " + JAVA_11);
            }
        }
        assertTrue(files.size() > 100, "classes found: " + files.size());
        assertEquals(2, java17, "the vector lanes, float32 and float64");
    }

    private static int major(Path classFile) throws IOException {
        try (InputStream in = Files.newInputStream(classFile); DataInputStream data = new DataInputStream(in)) {
            assertEquals(0xCAFEBABE, data.readInt(), classFile.toString());
            data.readUnsignedShort();
            return data.readUnsignedShort();
        }
    }
}
