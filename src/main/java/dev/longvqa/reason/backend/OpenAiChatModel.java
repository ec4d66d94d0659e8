package dev.longvqa.reason.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import dev.longvqa.reason.Capabilities;
import dev.longvqa.reason.Completion;
import dev.longvqa.reason.DecodingSettings;
import dev.longvqa.reason.LanguageModel;
import dev.longvqa.reason.Part;
import dev.longvqa.reason.Prompt;

import java.net.URI;
import java.util.Base64;

/**
 * {@code POST {base}/chat/completions} on an OpenAI-compatible server (vLLM, SGLang, llama.cpp
 * server, Ollama). Frames go as {@code image_url} parts with JPEG data URLs; a server without a
 * vision model rejects them with 4xx (INTERNAL), so pick a multimodal model there.
 */
final class OpenAiChatModel implements LanguageModel {
    private final OpenAiHttp http;
    private final BackendOptions options;

    public OpenAiChatModel(URI base, BackendOptions options) {
        this.http = new OpenAiHttp(base, options);
        this.options = options;
    }

    /** The served model (see {@link OpenAiHttp#model()}). */
    public String modelName() {
        return http.model();
    }

    @Override
    public String id() {
        return http.describe("openai");
    }

    @Override
    public String cacheId() {
        return "openai-chat:" + modelName() + ":jpeg" + options.jpegQuality();
    }

    @Override
    public Capabilities capabilities() {
        return Capabilities.images(options.maxImages());
    }

    @Override
    public Completion complete(Prompt prompt, DecodingSettings generation) {
        ObjectNode body = OpenAiHttp.JSON.createObjectNode();
        body.put("model", modelName());
        ArrayNode messages = body.putArray("messages");
        if (prompt.system() != null) messages.addObject().put("role", "system").put("content", prompt.system());
        ObjectNode user = messages.addObject().put("role", "user");
        ArrayNode content = user.putArray("content");
        StringBuilder text = new StringBuilder();
        for (Part part : prompt.parts()) {
            switch (part) {
                // adjacent text parts become one item: fewer, larger items, same tokens
                case Part.Text t -> text.append(t.text());
                case Part.Image img -> {
                    flush(content, text);
                    String b64 = Base64.getEncoder().encodeToString(Jpeg.encode(img.image(), options.jpegQuality()));
                    content.addObject().put("type", "image_url").putObject("image_url").put("url", "data:image/jpeg;base64," + b64);
                }
                case Part.Embeddings e -> throw new IllegalArgumentException("chat completions cannot take input embeddings; use openai-embeds:");
            }
        }
        flush(content, text);
        body.put("max_tokens", generation.maxTokens());
        body.put("temperature", generation.temperature());
        byte[] bytes;
        try {
            bytes = OpenAiHttp.JSON.writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        JsonNode reply = http.post("/chat/completions", bytes);
        JsonNode choice = reply.path("choices").path(0);
        if (choice.isMissingNode()) {
            throw new LongVqaException(ErrorCode.INTERNAL, "chat completion without choices from " + http.base() + ": " + OpenAiHttp.snippet(reply.toString()));
        }
        JsonNode usage = reply.path("usage");
        return new Completion(choice.path("message").path("content").asText(""), reply.path("model").asText(modelName()),
                OpenAiHttp.intOr(usage.get("prompt_tokens"), -1), OpenAiHttp.intOr(usage.get("completion_tokens"), -1),
                choice.path("finish_reason").asText(null));
    }

    private static void flush(ArrayNode content, StringBuilder text) {
        if (!text.isEmpty()) {
            content.addObject().put("type", "text").put("text", text.toString());
            text.setLength(0);
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
