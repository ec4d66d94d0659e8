package dev.longvqa.cli;

import dev.longvqa.runtime.hub.ProgressBarListener;
import dev.longvqa.runtime.hub.RemoteFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void offTerminalProgressIsPlainPeriodicLinesWithoutEscapeCodes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong clock = new AtomicLong();
        try (Progress p = new Progress("decode", 600, Terminal.Mode.PLAIN, new PrintStream(bytes, true, StandardCharsets.UTF_8), clock::get)) {
            for (int sec = 0; sec <= 600; sec += 5) {
                clock.addAndGet(SECOND / 2); // decoding runs at 10x real time
                p.decodedUpTo(sec);
            }
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertThat(text).doesNotContain("\u001b").doesNotContain("\r");
        // 60.5 s of wall time: a line at 1 s (after the grace), then at 11, 21, 31, 41, 51 s, then "done".
        assertThat(text.lines().toList()).hasSize(1 + 5 + 1)
                .first().asString().startsWith("decode: ");
        assertThat(text.lines().toList()).last().isEqualTo("decode: 600/600 s of video (100%)");
    }

    @Test
    void quickWorkPrintsNothingAndNoneModePrintsNothing() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong clock = new AtomicLong();
        try (Progress p = new Progress("decode", 30, Terminal.Mode.PLAIN, new PrintStream(bytes, true, StandardCharsets.UTF_8), clock::get)) {
            clock.addAndGet(SECOND / 2);
            p.decodedUpTo(30);
        }
        try (Progress p = new Progress("decode", 30, Terminal.Mode.NONE, new PrintStream(bytes, true, StandardCharsets.UTF_8), clock::get)) {
            clock.addAndGet(5 * SECOND);
            p.decodedUpTo(30);
        }
        assertThat(bytes.size()).isZero();
    }

    @Test
    void terminalDetectionFollowsWhereTheDescriptorPoints(@TempDir Path dir) throws Exception {
        Path tty = Files.createSymbolicLink(dir.resolve("tty"), Path.of("/dev/pts/3"));
        Path file = Files.createSymbolicLink(dir.resolve("file"), dir.resolve("log.txt"));
        Path pipe = Files.createSymbolicLink(dir.resolve("pipe"), Path.of("pipe:[12345]"));
        assertThat(Terminal.stderrIsTerminal(tty)).isTrue();
        assertThat(Terminal.stderrIsTerminal(file)).isFalse();
        assertThat(Terminal.stderrIsTerminal(pipe)).isFalse();
        assertThat(Terminal.stderrIsTerminal(dir.resolve("missing"))).isFalse();
    }

    @Test
    void downloadProgressOffTerminalIsPlainLines() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressBarListener l = new ProgressBarListener(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        RemoteFile f = new RemoteFile("model.safetensors", 4L << 20, null);
        l.started(f, 0);
        for (long b = 0; b <= f.size(); b += 1 << 18) l.progress(f, b);
        l.finished(f);
        assertThat(bytes.toString(StandardCharsets.UTF_8).lines().toList()).containsExactly(
                "model.safetensors: 4.0 MiB", "model.safetensors: 25%", "model.safetensors: 50%",
                "model.safetensors: 75%", "model.safetensors: 100%");
    }
}
