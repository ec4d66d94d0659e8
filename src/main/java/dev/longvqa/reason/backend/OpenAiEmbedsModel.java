package dev.longvqa.reason.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longvqa.pipeline.ErrorCode;
import dev.longvqa.pipeline.LongVqaException;
import dev.longvqa.reason.Capabilities;
import dev.longvqa.reason.Completion;
import dev.longvqa.reason.EmbeddingBlock;
import dev.longvqa.reason.Generation;
import dev.longvqa.reason.LanguageModel;
import dev.longvqa.reason.Part;
import dev.longvqa.reason.Prompt;

import java.net.URI;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * vLLM started with {@code --enable-prompt-embeds}: {@code POST {base}/completions} with
 * {@code prompt_embeds} = base64 of a {@code torch.save} tensor (seq_len × hidden). This is how
 * the TDC context (compressed video tokens already in the LLM's embedding space) reaches a stock
 * vLLM. The Completions API applies no chat template to embeddings, so we template and embed the
 * whole prompt here: template text and user text through the {@link TokenEmbedder}, video blocks
 * spliced in as they are. {@code prompt} is left out so vLLM returns exactly one choice.
 */
public final class OpenAiEmbedsModel implements LanguageModel {
    private final OpenAiHttp http;
    private final BackendOptions options;
    private final TokenEmbedder embedder;
    private final ChatTemplate template;

    public OpenAiEmbedsModel(URI base, BackendOptions options) {
        this.embedder = Objects.requireNonNull(options.tokenEmbedder(), "tokenEmbedder");
        this.template = Objects.requireNonNull(options.chatTemplate(), "chatTemplate");
        this.http = new OpenAiHttp(base, options);
        this.options = options;
    }

    /** The served model (see {@link OpenAiHttp#model()}). */
    public String modelName() {
        return http.model();
    }

    @Override
    public String id() {
        return http.describe("openai-embeds");
    }

    @Override
    public String cacheId() {
        return "openai-embeds:" + modelName() + ":" + embedder.id() + ":" + template.id() + ":" + options.embedsDtype();
    }

    @Override
    public Capabilities capabilities() {
        return Capabilities.embeddingsOnly();
    }

    @Override
    public java.util.OptionalInt embeddingWidth() {
        return java.util.OptionalInt.of(embedder.hidden());
    }

    @Override
    public java.util.OptionalInt textTokens(Prompt prompt) {
        int n = 0;
        StringBuilder text = new StringBuilder(template.before(prompt.system()));
        for (Part part : prompt.parts()) {
            if (part instanceof Part.Text t) {
                text.append(t.text());
            } else {
                n += text.isEmpty() ? 0 : embedder.count(text.toString());
                text.setLength(0);
            }
        }
        text.append(template.suffix());
        return java.util.OptionalInt.of(n + embedder.count(text.toString()));
    }

    /** The full templated prompt as one (seq_len × hidden) block. */
    public EmbeddingBlock embedPrompt(Prompt prompt) {
        List<EmbeddingBlock> blocks = new ArrayList<>();
        StringBuilder text = new StringBuilder(template.before(prompt.system()));
        for (Part part : prompt.parts()) {
            switch (part) {
                case Part.Text t -> text.append(t.text());
                case Part.Embeddings e -> {
                    if (e.block().hidden() != embedder.hidden()) {
                        throw new IllegalArgumentException("video embeddings have hidden size " + e.block().hidden() + ", the model " + embedder.hidden());
                    }
                    flush(blocks, text);
                    blocks.add(e.block());
                }
                case Part.Image i -> throw new IllegalArgumentException("prompt_embeds takes no images; give the segment a TDC embedding block");
            }
        }
        text.append(template.suffix());
        flush(blocks, text);
        return EmbeddingBlock.concat(blocks);
    }

    private void flush(List<EmbeddingBlock> blocks, StringBuilder text) {
        if (!text.isEmpty()) {
            blocks.add(embedder.embed(text.toString()));
            text.setLength(0);
        }
    }

    @Override
    public Completion complete(Prompt prompt, Generation generation) {
        EmbeddingBlock seq = embedPrompt(prompt);
        byte[] tensor = TorchSave.write(seq.values(), new long[]{seq.tokens(), seq.hidden()}, options.embedsDtype());
        ObjectNode body = OpenAiHttp.JSON.createObjectNode();
        body.put("model", modelName());
        body.put("prompt_embeds", Base64.getEncoder().encodeToString(tensor));
        body.put("max_tokens", generation.maxTokens());
        body.put("temperature", generation.temperature());
        byte[] bytes;
        try {
            bytes = OpenAiHttp.JSON.writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        JsonNode reply = http.post("/completions", bytes);
        JsonNode choice = reply.path("choices").path(0);
        if (choice.isMissingNode()) {
            throw new LongVqaException(ErrorCode.INTERNAL, "completion without choices from " + http.base() + ": " + OpenAiHttp.snippet(reply.toString()));
        }
        JsonNode usage = reply.path("usage");
        return new Completion(choice.path("text").asText(""), reply.path("model").asText(modelName()),
                OpenAiHttp.intOr(usage.get("prompt_tokens"), seq.tokens()), OpenAiHttp.intOr(usage.get("completion_tokens"), -1),
                choice.path("finish_reason").asText(null));
    }

    @Override
    public void close() {
        http.close();
    }
}
