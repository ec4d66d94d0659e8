package dev.longvqa.reason.backend;

import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import dev.longvqa.reason.Capabilities;
import dev.longvqa.reason.Completion;
import dev.longvqa.reason.DecodingSettings;
import dev.longvqa.reason.LanguageModel;
import dev.longvqa.reason.Prompt;
import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LanguageModelsTest {
    private static ErrorCode codeOf(Runnable r) {
        try {
            r.run();
        } catch (LongVqaException e) {
            return e.code();
        }
        throw new AssertionError("no exception");
    }

    @Test
    void specsPickBackends() {
        BackendOptions opts = BackendOptions.builder().model("m").build();
        assertThat(LanguageModels.fromSpec("openai:http://localhost:8000/v1", opts)).isInstanceOf(OpenAiChatModel.class)
                .satisfies(m -> assertThat(m.id()).isEqualTo("openai:http://localhost:8000/v1 m"));
        assertThat(LanguageModels.fromSpec("openai:http://localhost:8000/v1/", opts).id()).isEqualTo("openai:http://localhost:8000/v1 m");
        assertThat(LanguageModels.fromSpec("bedrock:amazon.nova-lite-v1:0",
                BackendOptions.builder().converse(call -> new ConverseTransport.Reply("", 0, 0, "end_turn")).build()).id())
                .isEqualTo("bedrock:amazon.nova-lite-v1:0");
    }

    @Test
    void missingOrBrokenSpecsSayWhat() {
        BackendOptions opts = BackendOptions.defaults();
        assertThat(codeOf(() -> LanguageModels.fromSpec(null, opts))).isEqualTo(ErrorCode.MODEL_UNAVAILABLE);
        assertThat(codeOf(() -> LanguageModels.fromSpec(" ", opts))).isEqualTo(ErrorCode.MODEL_UNAVAILABLE);
        assertThat(codeOf(() -> LanguageModels.fromSpec("bedrock:anthropic.claude", opts))).isEqualTo(ErrorCode.MODEL_UNAVAILABLE);
        assertThat(codeOf(() -> LanguageModels.fromSpec("openai-embeds:http://h:1/v1", opts))).isEqualTo(ErrorCode.MODEL_UNAVAILABLE);
        assertThat(codeOf(() -> LanguageModels.fromSpec("runtime:Qwen2-7B", opts))).isEqualTo(ErrorCode.MODEL_UNAVAILABLE);
        assertThat(codeOf(() -> LanguageModels.fromSpec("gguf:/models/x.gguf", opts))).isEqualTo(ErrorCode.MODEL_UNAVAILABLE);
        assertThat(codeOf(() -> LanguageModels.fromSpec("openai:localhost:8000", opts))).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(codeOf(() -> LanguageModels.fromSpec("foo:bar", opts))).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(codeOf(() -> LanguageModels.fromSpec("justaname", opts))).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThatThrownBy(() -> LanguageModels.fromSpec(null, opts)).hasMessageContaining("--model openai:URL");
    }

    @Test
    void runtimeProvidersPlugIn() {
        LanguageModelProvider runtime = new LanguageModelProvider() {
            @Override
            public String scheme() {
                return "runtime";
            }

            @Override
            public LanguageModel open(String target, BackendOptions options) {
                return new LanguageModel() {
                    @Override
                    public String id() {
                        return "runtime:" + target;
                    }

                    @Override
                    public String cacheId() {
                        return id();
                    }

                    @Override
                    public Capabilities capabilities() {
                        return Capabilities.embeddingsOnly();
                    }

                    @Override
                    public Completion complete(Prompt prompt, DecodingSettings generation) {
                        return new Completion("ok", target, 1, 1, "stop");
                    }
                };
            }
        };
        LanguageModel m = LanguageModels.fromSpec("runtime:Qwen2-0.5B", BackendOptions.builder().provider(runtime).build());
        assertThat(m.id()).isEqualTo("runtime:Qwen2-0.5B");
    }
}
