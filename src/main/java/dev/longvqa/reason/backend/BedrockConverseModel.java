package dev.longvqa.reason.backend;

import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import dev.longvqa.reason.Capabilities;
import dev.longvqa.reason.Completion;
import dev.longvqa.reason.DecodingSettings;
import dev.longvqa.reason.LanguageModel;
import dev.longvqa.reason.Part;
import dev.longvqa.reason.Prompt;

import java.util.ArrayList;
import java.util.List;

/**
 * Amazon Bedrock Converse over a {@link ConverseTransport}: frames as JPEG image blocks (Converse
 * takes at most 20 images per request), retries and error mapping as for the HTTP backends.
 */
final class BedrockConverseModel implements LanguageModel {
    static final int CONVERSE_MAX_IMAGES = 20;

    private final String modelId;
    private final ConverseTransport transport;
    private final BackendOptions options;

    public BedrockConverseModel(String modelId, ConverseTransport transport, BackendOptions options) {
        this.modelId = modelId;
        this.transport = transport;
        this.options = options;
    }

    @Override
    public String id() {
        return "bedrock:" + modelId;
    }

    @Override
    public String cacheId() {
        return "bedrock:" + modelId + ":jpeg" + options.jpegQuality();
    }

    @Override
    public Capabilities capabilities() {
        return Capabilities.images(Math.min(CONVERSE_MAX_IMAGES, options.maxImages()));
    }

    @Override
    public Completion complete(Prompt prompt, DecodingSettings generation) {
        List<ConverseTransport.Block> blocks = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (Part part : prompt.parts()) {
            switch (part) {
                case Part.Text t -> text.append(t.text());
                case Part.Image img -> {
                    if (!text.isEmpty()) blocks.add(new ConverseTransport.TextBlock(text.toString()));
                    text.setLength(0);
                    blocks.add(new ConverseTransport.ImageBlock("jpeg", Jpeg.encode(img.image(), options.jpegQuality())));
                }
                case Part.Embeddings e -> throw new IllegalArgumentException("Bedrock takes no input embeddings");
            }
        }
        if (!text.isEmpty()) blocks.add(new ConverseTransport.TextBlock(text.toString()));
        ConverseTransport.Request call = new ConverseTransport.Request(modelId, prompt.system(), blocks, generation.maxTokens(), generation.temperature());
        ConverseTransport.Reply reply = Retrying.call(options.retry(), "Bedrock Converse " + modelId, () -> {
            try {
                return transport.converse(call);
            } catch (ConverseTransport.Fault f) {
                switch (f.kind()) {
                    case THROTTLED -> throw new Retrying.RetryableFault(ErrorCode.THROTTLED, f.getMessage(), null, f);
                    case TRANSIENT -> throw new Retrying.RetryableFault(ErrorCode.TRANSIENT, f.getMessage(), null, f);
                    case UNAVAILABLE -> throw new LongVqaException(ErrorCode.MODEL_UNAVAILABLE, "Bedrock model " + modelId + " is not available: " + f.getMessage(), f);
                    case REJECTED -> throw new LongVqaException(ErrorCode.INTERNAL, "Bedrock rejected the request for " + modelId + ": " + f.getMessage(), f);
                }
                throw new IllegalStateException("unreachable");
            }
        });
        return new Completion(reply.text(), modelId, reply.inputTokens(), reply.outputTokens(), reply.stopReason());
    }
}
