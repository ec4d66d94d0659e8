package dev.longvqa;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The core's committed goldens (src/test/resources/golden) found on disk by walking up from the
 * working directory: how other modules' tests reach them (inside this test jar they are not files).
 */
public final class GoldenFiles {
    private GoldenFiles() {
    }

    /** e.g. {@code find("tdc")}, {@code find("llm/llama")}. */
    public static Path find(String relative) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("src/test/resources/golden").resolve(relative);
            if (Files.exists(candidate)) return candidate;
        }
        throw new IllegalStateException("golden " + relative + " not found above " + Path.of("").toAbsolutePath());
    }
}
