package dev.longvqa.audio.whisper;

import dev.longvqa.RequiredTool;
import dev.longvqa.runtime.NdArrays;
import dev.longvqa.runtime.Safetensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The committed goldens are what the committed reference produces: tools/golden/whisper_golden.py
 * run again here with Debian's python3-torch (required under CI, see {@link RequiredTool}) gives the
 * same checkpoint and the same features, logits and tokens.
 */
class WhisperReferenceTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    static boolean torch() {
        try {
            Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import torch").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    static Path script() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path s = p.resolve("tools/golden/whisper_golden.py");
            if (Files.exists(s)) return s;
        }
        throw new IllegalStateException("tools/golden/whisper_golden.py not found");
    }

    @Test
    void theGeneratorReproducesTheCommittedGoldens(@TempDir Path out) throws Exception {
        RequiredTool.require(Files.isExecutable(PYTHON) && torch(), "python3 with torch (Debian python3-torch)");
        Process p = new ProcessBuilder(PYTHON.toString(), script().toString(), out.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(600, TimeUnit.SECONDS), "the generator finishes");
        assertEquals(0, p.exitValue(), log);
        Path golden = Path.of(getClass().getResource("/golden/whisper").toURI());
        for (String f : new String[]{"config.json", "generation_config.json", "tokenizer.json"}) {
            assertEquals(Files.readString(golden.resolve("tiny").resolve(f)), Files.readString(out.resolve("tiny").resolve(f)), f);
        }
        for (String f : new String[]{"tiny/model.safetensors", "whisper_tiny_io.safetensors"}) {
            try (Safetensors a = Safetensors.open(golden.resolve(f)); Safetensors b = Safetensors.open(out.resolve(f))) {
                assertEquals(a.names(), b.names(), f);
                for (String name : a.names()) {
                    assertArrayEquals(a.info(name).shape(), b.info(name).shape(), name);
                    double d = NdArrays.maxAbsDiff(a.floats(name), b.floats(name));
                    assertTrue(d < 1e-5, f + " " + name + ": max |diff| " + d);
                }
            }
        }
    }
}
