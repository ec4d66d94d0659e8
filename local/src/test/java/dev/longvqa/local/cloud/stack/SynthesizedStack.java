package dev.longvqa.local.cloud.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The stack's template, synthesized once per test JVM by infra's own synth (≈ 15-30 s). */
public final class SynthesizedStack {
    private static Path template;

    private SynthesizedStack() {}

    public static synchronized Path template() throws IOException {
        if (template == null) template = StackTemplate.synthesize(Files.createTempDirectory("longvqa-cdk-out"));
        return template;
    }
}
