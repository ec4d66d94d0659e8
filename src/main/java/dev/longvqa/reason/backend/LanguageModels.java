package dev.longvqa.reason.backend;

import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import dev.longvqa.reason.LanguageModel;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Picks a backend from a spec string:
 * <ul>
 *   <li>{@code openai:URL} — OpenAI-compatible chat completions, frames as images
 *       (e.g. {@code openai:http://localhost:8000/v1})</li>
 *   <li>{@code openai-embeds:URL} — vLLM {@code --enable-prompt-embeds}, TDC embeddings</li>
 *   <li>{@code bedrock:MODEL_ID} — Amazon Bedrock Converse (transport from the cloud modules)</li>
 *   <li>{@code gguf:PATH} — a GGUF file run in-process by llama.cpp, text only</li>
 *   <li>{@code runtime:MODEL} — the Java-native runtime, plugged in as a {@link LanguageModelProvider}</li>
 * </ul>
 * Nothing is contacted here; the first request reports an unreachable server.
 */
public final class LanguageModels {
    public static final String HELP = "openai:URL | openai-embeds:URL | bedrock:MODEL_ID | runtime:MODEL | gguf:PATH";

    private LanguageModels() {}

    public static LanguageModel fromSpec(String spec, BackendOptions options) {
        if (spec == null || spec.isBlank()) {
            throw new LongVqaException(ErrorCode.MODEL_UNAVAILABLE, "no language model configured; pass --model " + HELP);
        }
        int colon = spec.indexOf(':');
        if (colon <= 0 || colon == spec.length() - 1) {
            throw LongVqaException.badInput(ErrorCode.BAD_REQUEST, "bad model spec '" + spec + "'; expected " + HELP);
        }
        String scheme = spec.substring(0, colon).strip();
        String target = spec.substring(colon + 1).strip();
        return switch (scheme) {
            case "openai" -> new OpenAiChatModel(httpBase(target), options);
            case "openai-embeds" -> {
                if (options.tokenEmbedder() == null) {
                    throw new LongVqaException(ErrorCode.MODEL_UNAVAILABLE,
                            "openai-embeds needs the model's token embedder (tokenizer + embedding table) to embed the prompt text; none configured");
                }
                yield new OpenAiEmbedsModel(httpBase(target), options);
            }
            case "bedrock" -> {
                if (options.converse() == null) {
                    throw new LongVqaException(ErrorCode.MODEL_UNAVAILABLE,
                            "bedrock:" + target + " needs the AWS Bedrock transport, which only the cloud modules provide");
                }
                yield new BedrockConverseModel(target, options.converse(), options);
            }
            case "gguf" -> LlamaCppModel.open(target, options);
            default -> fromProvider(scheme, target, options);
        };
    }

    private static LanguageModel fromProvider(String scheme, String target, BackendOptions options) {
        List<LanguageModelProvider> candidates = new ArrayList<>(options.providers());
        ServiceLoader.load(LanguageModelProvider.class).forEach(candidates::add);
        for (LanguageModelProvider p : candidates) {
            if (p.scheme().equals(scheme)) return p.open(target, options);
        }
        if (scheme.equals("runtime")) {
            throw new LongVqaException(ErrorCode.MODEL_UNAVAILABLE, "backend '" + scheme + "' is not available in this build (no provider registered)");
        }
        throw LongVqaException.badInput(ErrorCode.BAD_REQUEST, "unknown model backend '" + scheme + "'; expected " + HELP);
    }

    private static URI httpBase(String target) {
        URI uri;
        try {
            uri = URI.create(target);
        } catch (IllegalArgumentException e) {
            throw LongVqaException.badInput(ErrorCode.BAD_REQUEST, "bad model server URL '" + target + "'");
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw LongVqaException.badInput(ErrorCode.BAD_REQUEST, "model server URL must be http(s)://host[:port]/v1, got '" + target + "'");
        }
        return uri;
    }
}
