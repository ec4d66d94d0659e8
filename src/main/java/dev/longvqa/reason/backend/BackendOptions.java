package dev.longvqa.reason.backend;

import dev.longvqa.runtime.llm.ChatFormat;
import dev.longvqa.runtime.llm.ChatTemplate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything a backend may need besides its spec string. Unused fields are ignored by backends
 * that do not need them.
 *
 * @param model          model name for HTTP backends; null = first of {@code GET /models}
 * @param apiKey         bearer token for OpenAI-compatible servers; null = none
 * @param tokenEmbedder  text → input embeddings, required by {@code openai-embeds:}
 * @param chatTemplate   how {@code openai-embeds:} frames a prompt (the server applies none)
 * @param converse       Bedrock Converse transport (the cloud modules supply it)
 * @param providers      extra backends ({@code runtime:}, {@code gguf:}) besides ServiceLoader's
 */
public record BackendOptions(String model, String apiKey, Duration connectTimeout, Duration requestTimeout,
                             RetryPolicy retry, int maxImages, float jpegQuality, TokenEmbedder tokenEmbedder,
                             ChatFormat chatTemplate, TorchSave.ElementType embedsDtype, ConverseTransport converse,
                             List<LanguageModelProvider> providers) {
    public BackendOptions {
        providers = List.copyOf(providers);
    }

    public static BackendOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private String model;
        private String apiKey;
        private Duration connectTimeout = Duration.ofSeconds(5);
        // a 7B model writing 512 tokens on a busy server takes a while; 5 min bounds a hung one
        private Duration requestTimeout = Duration.ofMinutes(5);
        private RetryPolicy retry = RetryPolicy.defaults();
        private int maxImages = 32;
        private float jpegQuality = 0.85f;
        private TokenEmbedder tokenEmbedder;
        private ChatFormat chatTemplate = ChatTemplate.CHATML;
        private TorchSave.ElementType embedsDtype = TorchSave.ElementType.BFLOAT16;
        private ConverseTransport converse;
        private final List<LanguageModelProvider> providers = new ArrayList<>();

        public Builder model(String v) { model = v; return this; }
        public Builder apiKey(String v) { apiKey = v; return this; }
        public Builder connectTimeout(Duration v) { connectTimeout = v; return this; }
        public Builder requestTimeout(Duration v) { requestTimeout = v; return this; }
        public Builder retry(RetryPolicy v) { retry = v; return this; }
        public Builder maxImages(int v) { maxImages = v; return this; }
        public Builder jpegQuality(float v) { jpegQuality = v; return this; }
        public Builder tokenEmbedder(TokenEmbedder v) { tokenEmbedder = v; return this; }
        public Builder chatTemplate(ChatFormat v) { chatTemplate = v; return this; }
        public Builder embedsDtype(TorchSave.ElementType v) { embedsDtype = v; return this; }
        public Builder converse(ConverseTransport v) { converse = v; return this; }
        public Builder provider(LanguageModelProvider v) { providers.add(v); return this; }

        public BackendOptions build() {
            return new BackendOptions(model, apiKey, connectTimeout, requestTimeout, retry, maxImages, jpegQuality,
                    tokenEmbedder, chatTemplate, embedsDtype, converse, providers);
        }
    }
}
