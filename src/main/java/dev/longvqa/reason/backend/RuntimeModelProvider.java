package dev.longvqa.reason.backend;

import dev.longvqa.contract.Json;
import ai.djl.Device;
import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.JsonNode;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import dev.longvqa.reason.Capabilities;
import dev.longvqa.reason.Completion;
import dev.longvqa.reason.DecodingSettings;
import dev.longvqa.reason.LanguageModel;
import dev.longvqa.reason.Part;
import dev.longvqa.reason.Prompt;
import dev.longvqa.runtime.hub.ModelStore;
import dev.longvqa.runtime.llm.CausalLm;
import dev.longvqa.runtime.llm.ChatMessage;
import dev.longvqa.runtime.llm.GenerationConfig;
import dev.longvqa.runtime.llm.PromptPart;
import dev.longvqa.runtime.vlm.SmolVlm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code runtime:MODEL}: the Java-native DJL runtime as a {@link LanguageModel}. A model id (or a
 * short name such as {@code smolvlm-256m}) is resolved through the {@link ModelStore} cache, or a
 * directory path is used as it is. Vision-language checkpoints (a {@code vision_config} in
 * {@code config.json}) see frames as images; every model takes TDC embedding blocks.
 */
public final class RuntimeModelProvider implements LanguageModelProvider {
    @Override
    public String scheme() {
        return "runtime";
    }

    @Override
    public LanguageModel open(String target, BackendOptions options) {
        Path dir;
        try {
            dir = Files.isDirectory(Path.of(target)) ? Path.of(target) : ModelStore.fromEnvironment().resolve(target);
        } catch (IllegalArgumentException e) {
            throw new LongVqaException(ErrorCode.MODEL_UNAVAILABLE, "runtime:" + target
                    + " is neither a model directory nor a hub id (owner/name): " + e.getMessage(), e);
        }
        Device device = Engine.getEngine("PyTorch").defaultDevice();
        try {
            JsonNode config = Json.mapper().readTree(dir.resolve("config.json").toFile());
            if (config.has("vision_config")) {
                SmolVlm vlm = SmolVlm.load(dir, device);
                return new RuntimeModel(target, vlm.language(), vlm);
            }
            return new RuntimeModel(target, CausalLm.load(dir, device), null);
        } catch (IOException e) {
            throw new LongVqaException(ErrorCode.MODEL_UNAVAILABLE, "cannot read " + dir.resolve("config.json") + ": " + e.getMessage(), e);
        }
    }

    /** Adapts prompts (text, images, embedding blocks) to the runtime's chat API. */
    static final class RuntimeModel implements LanguageModel {
        private final String name;
        private final CausalLm lm;
        private final SmolVlm vision;

        RuntimeModel(String name, CausalLm lm, SmolVlm vision) {
            this.name = name;
            this.lm = lm;
            this.vision = vision;
        }

        @Override
        public String id() {
            return "runtime:" + name;
        }

        @Override
        public String cacheId() {
            return "runtime:" + name;
        }

        @Override
        public Capabilities capabilities() {
            return new Capabilities(vision != null, vision != null ? 8 : 0, true);
        }

        @Override
        public java.util.OptionalInt embeddingWidth() {
            return java.util.OptionalInt.of(lm.config().hiddenSize());
        }

        @Override
        public java.util.OptionalInt textTokens(Prompt prompt) {
            int n = 0;
            for (PromptPart p : lm.chatTemplate().apply(messages(prompt), true)) {
                if (p instanceof PromptPart.Untokenized t) n += lm.encode(t.text()).length;
                else if (p instanceof PromptPart.TokenIds t) n += t.ids().length;
            }
            return java.util.OptionalInt.of(n);
        }

        @Override
        public synchronized Completion complete(Prompt prompt, DecodingSettings generation) {
            List<ChatMessage> messages = messages(prompt);
            GenerationConfig config = generation.temperature() == 0
                    ? GenerationConfig.greedy(generation.maxTokens())
                    : GenerationConfig.builder().maxNewTokens(generation.maxTokens()).temperature(generation.temperature()).build();
            dev.longvqa.runtime.llm.Generation g = lm.chat(messages, config);
            return new Completion(g.text(), name, g.promptTokens(), g.completionTokens(), g.finishReason().name().toLowerCase(java.util.Locale.ROOT));
        }

        /** The prompt as the runtime's chat messages: an optional system turn and one user turn. */
        private List<ChatMessage> messages(Prompt prompt) {
            List<PromptPart> parts = new ArrayList<>();
            for (Part p : prompt.parts()) {
                switch (p) {
                    case Part.Text t -> parts.add(PromptPart.text(t.text()));
                    case Part.Image i -> {
                        if (vision == null) continue; // a text-only checkpoint: the prompt's times and scenes remain
                        parts.addAll(vision.imagePrompt(i.image()));
                    }
                    case Part.Embeddings e -> parts.add(new PromptPart.InputEmbeddings(e.block().values(), e.block().tokens(), e.block().hidden()));
                }
            }
            List<ChatMessage> messages = new ArrayList<>();
            if (prompt.system() != null && !prompt.system().isBlank()) messages.add(ChatMessage.system(prompt.system()));
            messages.add(ChatMessage.user(parts.toArray(PromptPart[]::new)));
            return messages;
        }

        @Override
        public void close() {
            if (vision != null) vision.close();
            else lm.close();
        }
    }
}
