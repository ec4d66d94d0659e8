package dev.longvqa.reason.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import dev.longvqa.reason.Capabilities;
import dev.longvqa.reason.Completion;
import dev.longvqa.reason.EmbeddingBlock;
import dev.longvqa.runtime.llm.ChatFormat;
import dev.longvqa.runtime.llm.ChatMessage;
import dev.longvqa.runtime.llm.PromptPart;
import dev.longvqa.reason.DecodingSettings;
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
final class OpenAiEmbedsModel implements LanguageModel {
    private final OpenAiHttp http;
    private final BackendOptions options;
    private final TokenEmbedder embedder;
    private final ChatFormat template;

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
        String format = embedder.chatFormat().map(dev.longvqa.runtime.llm.ChatFormat::id).orElse(template.id());
        return "openai-embeds:" + modelName() + ":" + embedder.id() + ":" + format + ":" + options.embedsDtype();
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
        for (Object piece : templated(prompt)) {
            if (piece instanceof String s) n += embedder.count(s);
        }
        return java.util.OptionalInt.of(n);
    }

    /** The full templated prompt as one (seq_len × hidden) block. */
    public EmbeddingBlock embedPrompt(Prompt prompt) {
        List<EmbeddingBlock> blocks = new ArrayList<>();
        for (Object piece : templated(prompt)) {
            if (piece instanceof EmbeddingBlock b) {
                if (b.hidden() != embedder.hidden()) {
                    throw new IllegalArgumentException("video embeddings have hidden size " + b.hidden() + ", the model " + embedder.hidden());
                }
                blocks.add(b);
            } else {
                blocks.add(embedder.embed((String) piece));
            }
        }
        return EmbeddingBlock.concat(blocks);
    }

    /**
     * The prompt templated: texts (each tokenised on its own) and embedding blocks in order. The
     * checkpoint's own chat template when the tokenizer's directory has one, else
     * {@link BackendOptions#chatTemplate()}.
     */
    private List<Object> templated(Prompt prompt) {
        List<Object> out = new ArrayList<>();
        ChatFormat format = embedder.chatFormat().orElse(template);
        List<PromptPart> content = new ArrayList<>();
        for (Part part : prompt.parts()) {
            switch (part) {
                case Part.Text t -> content.add(PromptPart.text(t.text()));
                case Part.Embeddings e -> content.add(new PromptPart.InputEmbeddings(e.block().values(), e.block().tokens(), e.block().hidden()));
                case Part.Image i -> throw new IllegalArgumentException("prompt_embeds takes no images; give the segment a TDC embedding block");
            }
        }
        List<ChatMessage> messages = new ArrayList<>();
        if (prompt.system() != null) messages.add(ChatMessage.system(prompt.system()));
        messages.add(ChatMessage.user(content.toArray(PromptPart[]::new)));
        for (PromptPart p : format.apply(messages, true)) {
            switch (p) {
                case PromptPart.Untokenized t -> out.add(t.text());
                case PromptPart.InputEmbeddings e -> out.add(new EmbeddingBlock(e.rows(), e.dim(), e.data()));
                case PromptPart.TokenIds t -> throw new IllegalStateException("a chat template gave token ids");
            }
        }
        return out;
    }


    @Override
    public Completion complete(Prompt prompt, DecodingSettings generation) {
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
