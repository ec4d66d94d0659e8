package dev.longvqa.worker;

import dev.longvqa.contract.WorkerEnv;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkerConfigTest {
    @Test
    void readsTheEnvironmentWithSystemPropertiesOverriding() {
        Properties props = new Properties();
        props.setProperty("longvqa.worker.concurrency", "3");
        WorkerConfig c = WorkerConfig.from(Map.of(
                WorkerEnv.TASK_QUEUE_URL.variable(), "http://q/1/tasks", WorkerEnv.BUCKET.variable(), "media", WorkerEnv.TABLE.variable(), "jobs",
                "LLM_BASE_URL", "http://llm:8000/v1", "LLM_MODEL", "Qwen2-VL", "WORKER_CONCURRENCY", "1",
                "WORKER_HEARTBEAT_SECONDS", "0.5", "WORKER_VISIBILITY_SECONDS", "5", "HEALTH_PORT", "9000", "DEVICE", "gpu"), props);
        assertThat(c.queueUrl()).isEqualTo("http://q/1/tasks");
        assertThat(c.bucket()).isEqualTo("media");
        assertThat(c.llmBaseUrl()).isEqualTo(URI.create("http://llm:8000/v1"));
        assertThat(c.llmModel()).isEqualTo("Qwen2-VL");
        assertThat(c.concurrency()).isEqualTo(3);
        assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.healthPort()).isEqualTo(9000);
        assertThat(c.device()).isEqualTo(WorkerConfig.Device.GPU);
        assertThat(c.waitTimeSeconds()).isEqualTo(20);
        assertThat(c.shutdownGrace()).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.endpointFor("sqs")).isNull(); // the SDK resolves AWS_ENDPOINT_URL itself
    }

    @Test
    void longvqaTdcEngineChoosesWhatRunsTheQFormerAndRefusesUnknownEngines() {
        Map<String, String> base = Map.of(WorkerEnv.TASK_QUEUE_URL.variable(), "q");
        assertThat(WorkerConfig.from(base, new Properties()).tdcEngine()).isEqualTo(dev.longvqa.tdc.TdcEngine.AUTO);
        assertThat(WorkerConfig.from(Map.of(WorkerEnv.TASK_QUEUE_URL.variable(), "q", "LONGVQA_TDC_ENGINE", "djl"), new Properties()).tdcEngine())
                .isEqualTo(dev.longvqa.tdc.TdcEngine.DJL);
        Properties props = new Properties();
        props.setProperty(WorkerEnv.TDC_ENGINE.property(), "onnxruntime");
        assertThat(WorkerEnv.TDC_ENGINE.property()).isEqualTo("longvqa.tdc.engine");
        assertThat(WorkerConfig.from(base, props).tdcEngine()).isEqualTo(dev.longvqa.tdc.TdcEngine.ONNXRUNTIME);
        assertThatThrownBy(() -> WorkerConfig.from(Map.of(WorkerEnv.TASK_QUEUE_URL.variable(), "q", "LONGVQA_TDC_ENGINE", "tensorrt"), new Properties()))
                .isInstanceOfSatisfying(dev.longvqa.error.LongVqaException.class,
                        e -> assertThat(e.code()).isEqualTo(dev.longvqa.error.ErrorCode.BAD_REQUEST))
                .hasMessageContaining("LONGVQA_TDC_ENGINE").hasMessageContaining("tensorrt");
    }

    @Test
    void longvqaTdcNamesTheTdcDirectoryAndTdcBudgetItsBudget() {
        WorkerConfig plain = WorkerConfig.from(Map.of(WorkerEnv.TASK_QUEUE_URL.variable(), "q"), new Properties());
        assertThat(plain.tdcDir()).as("unset: frames as images").isNull();
        assertThat(plain.tdcBudget()).isEqualTo(8192);

        WorkerConfig tdc = WorkerConfig.from(Map.of(WorkerEnv.TASK_QUEUE_URL.variable(), "q", "LONGVQA_TDC", "/models/tdc", "TDC_BUDGET", "16K",
                "LONGVQA_LLM", "runtime:/models/qwen2"), new Properties());
        assertThat(tdc.tdcDir()).isEqualTo(Path.of("/models/tdc"));
        assertThat(tdc.tdcBudget()).isEqualTo(16384);
        Properties props = new Properties();
        props.setProperty("longvqa.tdc.budget", "6000");
        assertThat(WorkerConfig.from(Map.of(WorkerEnv.TASK_QUEUE_URL.variable(), "q", "TDC_BUDGET", "16K"), props).tdcBudget()).isEqualTo(6000);
        assertThatThrownBy(() -> WorkerConfig.from(Map.of(WorkerEnv.TASK_QUEUE_URL.variable(), "q", "TDC_BUDGET", "lots"), new Properties()))
                .isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> WorkerConfig.from(Map.of(WorkerEnv.TASK_QUEUE_URL.variable(), "q", "TDC_BUDGET", "100"), new Properties()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TDC_BUDGET").hasMessageContaining("256");
    }

    @Test
    void theOldLlmVariablesBecomeAnOpenAiSpecAndLongvqaLlmWins() {
        WorkerConfig plain = WorkerConfig.from(Map.of(WorkerEnv.TASK_QUEUE_URL.variable(), "q"), new Properties());
        assertThat(plain.modelSpec()).isEqualTo("openai:http://localhost:8000/v1");
        assertThat(plain.llmModel()).as("unset: the server's first model").isNull();
        assertThat(plain.maxImagesPerPass()).isEqualTo(8);
        assertThat(plain.maxTokens()).isEqualTo(256);
        assertThat(plain.llmStartupWait()).isEqualTo(Duration.ofMinutes(10));

        WorkerConfig old = WorkerConfig.from(Map.of(WorkerEnv.TASK_QUEUE_URL.variable(), "q", "LLM_BASE_URL", "https://llm.example/v1",
                "LLM_MODEL", "Qwen2-VL", "LLM_API_KEY", "sk-1", "LLM_RETRIES", "2", "LLM_TIMEOUT_SECONDS", "30",
                "LLM_MAX_TOKENS", "96", "WORKER_MAX_FRAMES", "4", "LLM_STARTUP_WAIT_SECONDS", "0"), new Properties());
        assertThat(old.modelSpec()).isEqualTo("openai:https://llm.example/v1");
        assertThat(old.llmStartupWait()).isZero();
        assertThat(ModelServerWait.httpBase(old.modelSpec())).isEqualTo(java.net.URI.create("https://llm.example/v1"));
        assertThat(ModelServerWait.httpBase("openai-embeds:http://h:1/v1")).isEqualTo(java.net.URI.create("http://h:1/v1"));
        assertThat(ModelServerWait.httpBase("runtime:smolvlm-256m")).as("nothing to wait for").isNull();
        var options = WorkerModel.options(old).build();
        assertThat(options.model()).isEqualTo("Qwen2-VL");
        assertThat(options.apiKey()).isEqualTo("sk-1");
        assertThat(options.retry().maxAttempts()).isEqualTo(2);
        assertThat(options.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
        var settings = WorkerModel.settings(old);
        assertThat(settings.segmentMaxTokens()).isEqualTo(96);
        assertThat(settings.answerMaxTokens()).isEqualTo(96);
        assertThat(settings.maxImagesPerPass()).isEqualTo(4);

        Properties props = new Properties();
        props.setProperty(WorkerEnv.LLM.property(), "bedrock:anthropic.claude-3-haiku");
        assertThat(WorkerConfig.from(Map.of(WorkerEnv.TASK_QUEUE_URL.variable(), "q", "LONGVQA_LLM", "runtime:smolvlm-256m",
                "LLM_BASE_URL", "http://ignored/v1"), new Properties()).modelSpec()).isEqualTo("runtime:smolvlm-256m");
        assertThat(WorkerConfig.from(Map.of(WorkerEnv.TASK_QUEUE_URL.variable(), "q", "LONGVQA_LLM", "runtime:x"), props).modelSpec())
                .isEqualTo("bedrock:anthropic.claude-3-haiku");
        assertThatThrownBy(() -> WorkerConfig.of(Map.of(WorkerEnv.TASK_QUEUE_URL, "q", WorkerEnv.MAX_FRAMES, "-1")))
                .hasMessageContaining("maxImagesPerPass");
    }

    @Test
    void oneSlotPerVisibleGpuByDefault(@TempDir Path dir) throws Exception {
        Path procGpus = dir.resolve("gpus");
        assertThat(Gpus.visible(null, procGpus)).isZero(); // no driver: CPU fallback
        Files.createDirectories(procGpus.resolve("0000:17:00.0"));
        Files.createDirectories(procGpus.resolve("0000:65:00.0"));
        assertThat(Gpus.visible("all", procGpus)).isEqualTo(2);
        assertThat(Gpus.visible(null, procGpus)).isEqualTo(2);
        assertThat(Gpus.visible("GPU-a1,GPU-b2,GPU-c3", procGpus)).isEqualTo(3);
        assertThat(Gpus.visible("void", procGpus)).isZero();
        assertThat(Gpus.resolve(WorkerConfig.Device.AUTO, 0)).isEqualTo(WorkerConfig.Device.CPU);
        assertThat(Gpus.resolve(WorkerConfig.Device.AUTO, 2)).isEqualTo(WorkerConfig.Device.GPU);
        assertThat(Gpus.resolve(WorkerConfig.Device.CPU, 2)).isEqualTo(WorkerConfig.Device.CPU);
        assertThat(WorkerConfig.defaultConcurrency(WorkerConfig.Device.AUTO, 4)).isEqualTo(4);
        assertThat(WorkerConfig.defaultConcurrency(WorkerConfig.Device.CPU, 4)).isEqualTo(1);
        assertThat(WorkerConfig.defaultConcurrency(WorkerConfig.Device.GPU, 0)).isEqualTo(1);
        assertThat(WorkerConfig.from(Map.of(WorkerEnv.TASK_QUEUE_URL.variable(), "q", "NVIDIA_VISIBLE_DEVICES", "0,1"), new Properties()).concurrency()).isEqualTo(2);
    }

    @Test
    void rejectsSettingsThatWouldBreakTheTaskLoop() {
        assertThatThrownBy(() -> WorkerConfig.from(Map.of(), new Properties())).hasMessageContaining(WorkerEnv.TASK_QUEUE_URL.variable());
        assertThatThrownBy(() -> WorkerConfig.of(Map.of(WorkerEnv.TASK_QUEUE_URL, "q", WorkerEnv.HEARTBEAT_SECONDS, "30",
                WorkerEnv.VISIBILITY_SECONDS, "30"))).hasMessageContaining("visibilityExtension");
        assertThatThrownBy(() -> WorkerConfig.of(Map.of(WorkerEnv.TASK_QUEUE_URL, "q", WorkerEnv.WAIT_SECONDS, "21")))
                .hasMessageContaining("waitTimeSeconds");
    }

    @Test
    void explicitEndpointsOverrideTheSharedOne() {
        WorkerConfig c = WorkerConfig.of(Map.of(WorkerEnv.TASK_QUEUE_URL, "q", WorkerEnv.AWS_ENDPOINT, "http://all",
                WorkerEnv.SFN_ENDPOINT, "http://sfn"));
        assertThat(c.endpointFor("sfn")).isEqualTo(URI.create("http://sfn"));
        assertThat(c.endpointFor("sqs")).isEqualTo(URI.create("http://all"));
    }

    @Test
    void failureFieldsAreCutToTheApiLimits() {
        assertThat(SfnTaskCallbacks.truncate("x".repeat(300), SfnTaskCallbacks.MAX_ERROR)).hasSize(256).endsWith("…");
        assertThat(SfnTaskCallbacks.truncate("short", 256)).isEqualTo("short");
        assertThat(SfnTaskCallbacks.truncate(null, 256)).isEmpty();
    }
}
