package dev.longvqa.local.cloud;

import dev.longvqa.local.cloud.stack.SynthesizedStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code local up} as a user runs it: its own JVM (the launcher's main class), in the foreground,
 * then Ctrl-C (SIGINT). Everything it started must end: the emulators' child processes are gone
 * and none of the ports it printed still accepts a connection.
 */
class LocalUpProcessTest {
    @TempDir
    Path dir;

    @Test
    void ctrlCEndsEveryEmulatorAndChildProcess() throws Exception {
        Path template = SynthesizedStack.template();
        Path root = TestClouds.repoRoot();
        Path data = dir.resolve("state");
        Path log = dir.resolve("up.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx1g", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                "dev.longvqa.local.LocalCli", "up", "--data", data.toString(), "--template", template.toString(),
                "--s3mock-jar", TestClouds.s3MockJar().toString(), "--port", "0");
        // no --llm: the embedded default; offline and not cached here, which up must say once
        builder.environment().remove("LONGVQA_LLM");
        builder.environment().put("LONGVQA_OFFLINE", "1");
        builder.environment().put("HF_HUB_CACHE", dir.resolve("empty-hub").toString());
        Process up = builder.directory(root.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Path endpointsFile = data.resolve("endpoints.json");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
            while (!(Files.isRegularFile(endpointsFile) && Files.readString(log).contains("is up")) && System.nanoTime() < deadline) {
                assertThat(up.isAlive()).as(Files.readString(log)).isTrue();
                Thread.sleep(250);
            }
            String started = Files.readString(log);
            assertThat(started).as("local up did not come up").contains("is up");
            // the API on loopback, said once with its identity; the missing default model, said once with the way to provide it
            assertThat(started).contains("API       http://127.0.0.1:").contains(LocalApiServer.LOCAL_CALLER);
            assertThat(started.split("cannot be used", -1)).hasSize(2);
            assertThat(started).contains("models pull HuggingFaceTB/SmolVLM-256M-Instruct").contains("--llm openai:");
            LocalCloud.Endpoints e = LocalCloud.Endpoints.read(endpointsFile);
            List<Integer> ports = new ArrayList<>();
            for (String endpoint : List.of(e.s3(), e.dynamodb(), e.sqs(), e.sfn())) ports.add(URI.create(endpoint).getPort());
            assertThat(ports).allSatisfy(p -> assertThat(listening(p)).as("port " + p).isTrue());
            List<ProcessHandle> children = up.toHandle().descendants().toList();
            assertThat(children).as("S3Mock and dynalite run as child processes").hasSizeGreaterThanOrEqualTo(2);

            new ProcessBuilder("kill", "-INT", Long.toString(up.pid())).start().waitFor();

            assertThat(up.waitFor(60, TimeUnit.SECONDS)).as(Files.readString(log)).isTrue();
            for (ProcessHandle child : children) {
                child.onExit().get(10, TimeUnit.SECONDS);
                assertThat(child.isAlive()).isFalse();
            }
            assertThat(ports).allSatisfy(p -> assertThat(listening(p)).as("port " + p + " after Ctrl-C").isFalse());
            assertThat(endpointsFile).doesNotExist();
        } finally {
            up.descendants().forEach(ProcessHandle::destroyForcibly);
            up.destroyForcibly();
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException refused) {
            return false;
        }
    }
}
