package dev.longvqa.runtime.hub;

import dev.longvqa.cli.ModelsCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code longvqa models} command against the fake hub and a golden checkpoint. */
class ModelsCommandTest {
    @TempDir
    Path cache;
    FakeHub hub;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        hub = new FakeHub();
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private int run(boolean offline, String... args) {
        ModelStore store = new ModelStore(new HubSettings(hub.endpoint(), null, cache, offline));
        ModelsCommand cmd = new ModelsCommand(store, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new CommandLine(cmd).execute(args);
    }

    @Test
    void pullPrintsTheDirectoryAndListShowsIt() {
        assertThat(run(false, "pull", "--quiet", FakeHub.REPO)).isZero();
        Path dir = cache.resolve("models--acme--tiny-llm/snapshots/main");
        assertThat(out.toString(StandardCharsets.UTF_8).strip()).isEqualTo(dir.toString());
        assertThat(dir.resolve("model.safetensors")).exists();

        out.reset();
        assertThat(run(false, "list")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("acme/tiny-llm").contains("smolvlm-256m").contains(dir.toString());
    }

    @Test
    void pullDrawsProgressOnStderrOnly() throws Exception {
        assertThat(run(false, "pull", FakeHub.REPO)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8).strip()).isEqualTo(cache.resolve("models--acme--tiny-llm/snapshots/main").toString());
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("model.safetensors").contains("100%");
    }

    @Test
    void offlineWithoutTheModelExitsWithThree() {
        assertThat(run(true, "pull", "tdc-qwen2-7b")).isEqualTo(3);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("MODEL_UNAVAILABLE").contains("Hoar012/TDC-Qwen2-7B");
        assertThat(run(true, "info", "tdc-qwen2-7b")).isEqualTo(3);
    }

    @Test
    void infoDescribesACachedCheckpoint() throws Exception {
        Path dir = cache.resolve("models--acme--qwen-tiny/snapshots/main");
        Files.createDirectories(dir);
        Path golden = Path.of(getClass().getResource("/golden/llm/qwen2/config.json").toURI()).getParent();
        for (String f : new String[]{"config.json", "tokenizer.json", "model.safetensors"}) Files.copy(golden.resolve(f), dir.resolve(f));

        assertThat(run(true, "info", "acme/qwen-tiny")).isZero();
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("QWEN2").contains("2 layers").contains("hidden 32").contains("kv 1").contains("CHATML").contains("BF16");
    }

    @Test
    void infoOfAnUncachedModelListsTheHubFiles() {
        assertThat(run(false, "info", FakeHub.REPO)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("model.safetensors").contains("onnx/model.onnx  ").contains("skipped by pull");
    }
}
