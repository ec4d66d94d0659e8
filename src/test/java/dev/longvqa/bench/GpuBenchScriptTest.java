package dev.longvqa.bench;

import dev.longvqa.contract.Json;
import dev.longvqa.RequiredTool;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * bench/gpu/run.sh end to end on its CPU fallback (tiny "smoke" shapes), so the script a short
 * GPU loan depends on cannot rot: PyTorch writes the weights, the Java side loads the same files
 * through the project's classes, and the JSON holds both sides' figures and their ratios, in fp32
 * and in bf16 (the worker's GPU default).
 */
class GpuBenchScriptTest {
    @TempDir
    Path out;

    @Test
    void cpuFallbackRunsBothSidesAndWritesRatios() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        Path script = root.resolve("bench/gpu/run.sh");
        RequiredTool.require(RequiredTool.pythonTorch(), "python3 with torch (Debian python3-torch)");
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), "smoke").directory(root.toFile())
                .redirectErrorStream(true).redirectOutput(out.resolve("log.txt").toFile());
        pb.environment().put("OUT", out.toString());
        pb.environment().put("GPU_BENCH_DEVICE", "cpu");
        pb.environment().put("GPU_BENCH_CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        assertThat(p.waitFor(240, TimeUnit.SECONDS)).as("finishes").isTrue();
        String log = Files.readString(out.resolve("log.txt"));
        assertThat(p.exitValue()).as(log).isZero();
        JsonNode json = Json.mapper().readTree(out.resolve("gpu-bench.json").toFile());
        assertThat(json.path("device").asText()).isEqualTo("cpu");
        for (String side : new String[]{"torch", "java"}) {
            JsonNode fp32 = json.path(side).path("fp32");
            assertThat(fp32.isObject()).as(side + " side ran: " + log).isTrue();
            for (String k : new String[]{"tower_ms_per_frame", "projector_ms_per_frame", "qformer_ms_per_frame",
                    "prefill_tok_s", "decode_tok_s"}) {
                assertThat(fp32.path(k).asDouble()).as(side + " " + k).isPositive();
            }
        }
        // bf16, the worker's GPU default: towers (bf16-inside TorchScript), projector and Q-Former
        // (tdc.Bfloat16) on both sides; the Java decoder says why it is not in bf16.
        for (String side : new String[]{"torch", "java"}) {
            JsonNode bf16 = json.path(side).path("bf16");
            for (String k : new String[]{"tower_ms_per_frame", "projector_ms_per_frame", "qformer_ms_per_frame"}) {
                assertThat(bf16.path(k).asDouble()).as(side + " bf16 " + k + ": " + log).isPositive();
            }
        }
        assertThat(json.path("java").path("bf16").path("llm").asText()).contains("bf16");
        assertThat(json.path("ratios").path("bf16").path("qformer_time_java_over_torch").asDouble()).isPositive();
        JsonNode r = json.path("ratios").path("fp32");
        assertThat(r.path("per_frame_time_java_over_torch").asDouble()).isPositive();
        assertThat(r.path("decode_tok_s_java_over_torch").asDouble()).isPositive();
        assertThat(log).contains("per frame (tower+projector+Q-Former)");
    }
}
