package dev.longvqa.local.cloud;

import dev.longvqa.local.cloud.stack.SynthesizedStack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What every local-cloud test starts from: the repository it runs in, the S3Mock jar the local
 * module's build stages, and a cloud over the synthesized stack with the functions module's real
 * handlers (the caller adds its worker, and the API where it needs one).
 */
public final class TestClouds {
    private TestClouds() {}

    /** The repository root (the folder with {@code statemachine/}), from wherever the test runs. */
    public static Path repoRoot() {
        Path root = Path.of("").toAbsolutePath();
        while (!Files.isDirectory(root.resolve("statemachine"))) root = root.getParent();
        return root;
    }

    public static Path s3MockJar() {
        return repoRoot().resolve("local/target/s3mock/s3mock-exec.jar");
    }

    /** Data under {@code dir/cloud}, the functions' scratch space under {@code dir/tmp}. */
    static LocalCloud.Builder builder(Path dir) throws IOException {
        return LocalCloud.builder().dataDir(dir.resolve("cloud"))
                .template(SynthesizedStack.template())
                .s3MockJar(s3MockJar())
                .handlers(LocalWiring.functions(dir.resolve("tmp")));
    }
}
