package dev.longvqa.reason.backend;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.args.LogFormat;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import dev.longvqa.reason.Capabilities;
import dev.longvqa.reason.Completion;
import dev.longvqa.reason.DecodingSettings;
import dev.longvqa.reason.LanguageModel;
import dev.longvqa.reason.Part;
import dev.longvqa.reason.Prompt;
import dev.longvqa.runtime.llm.ChatFormat;
import dev.longvqa.runtime.llm.ChatMessage;
import dev.longvqa.runtime.llm.PromptPart;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A GGUF model run in-process by llama.cpp ({@code de.kherud:llama}). Text only: that build has
 * no multimodal symbols and takes no input embeddings, so LVCoT gives it times, scene lists and
 * notes instead of frames. The prompt is templated here ({@link BackendOptions#chatTemplate()},
 * ChatML by default) so every GGUF sees the same layout regardless of its embedded template.
 * One generation at a time per model (llama.cpp contexts are not shared between requests here).
 */
final class LlamaCppModel implements LanguageModel {
    private final Path path;
    private final ChatFormat template;
    private final LlamaModel model;

    public LlamaCppModel(Path path, BackendOptions options, int contextSize, int threads) {
        if (!Files.isRegularFile(path)) {
            throw new LongVqaException(ErrorCode.MODEL_UNAVAILABLE, "no GGUF model file at " + path);
        }
        this.path = path;
        this.template = options.chatTemplate();
        try {
            // llama.cpp logs every load step to stderr; keep only what the callback passes on
            LlamaModel.setLogger(LogFormat.TEXT, (level, msg) -> {});
            this.model = new LlamaModel(new ModelParameters().setModel(path.toString()).setCtxSize(contextSize)
                    .setThreads(threads).setGpuLayers(0).skipWarmup());
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            // de.kherud.llama.LlamaException (package-private, a RuntimeException) lands here too
            throw new LongVqaException(ErrorCode.MODEL_UNAVAILABLE, "llama.cpp cannot load " + path + ": " + e.getMessage(), e);
        }
    }

    public static LlamaCppModel open(String target, BackendOptions options) {
        return new LlamaCppModel(Path.of(target), options, 4096, Math.max(1, Runtime.getRuntime().availableProcessors()));
    }

    @Override
    public String id() {
        return "gguf:" + path;
    }

    @Override
    public String cacheId() {
        // the file name names the weights; a different quantisation is a different file
        return "gguf:" + path.getFileName() + ":" + template.id();
    }

    @Override
    public Capabilities capabilities() {
        return Capabilities.TEXT_ONLY;
    }

    /** The exact text handed to llama.cpp. */
    public String render(Prompt prompt) {
        List<PromptPart> content = new ArrayList<>();
        for (Part p : prompt.parts()) {
            if (p instanceof Part.Text t) content.add(PromptPart.text(t.text()));
            else throw new IllegalArgumentException("llama.cpp backend is text-only, got " + p.getClass().getSimpleName());
        }
        List<ChatMessage> messages = new ArrayList<>();
        if (prompt.system() != null) messages.add(ChatMessage.system(prompt.system()));
        messages.add(ChatMessage.user(content.toArray(PromptPart[]::new)));
        StringBuilder text = new StringBuilder();
        for (PromptPart p : template.apply(messages, true)) {
            if (p instanceof PromptPart.Untokenized t) text.append(t.text());
            else throw new IllegalStateException("a chat template gave " + p.getClass().getSimpleName() + " for a text-only prompt");
        }
        return text.toString();
    }

    @Override
    public synchronized Completion complete(Prompt prompt, DecodingSettings generation) {
        String text = render(prompt);
        try {
            int promptTokens = model.encode(text).length;
            InferenceParameters params = new InferenceParameters(text).setNPredict(generation.maxTokens())
                    .setTemperature((float) generation.temperature()).setSeed(0).setCachePrompt(false);
            if (generation.temperature() == 0) params.setTopK(1); // greedy, whatever the sampler chain
            StringBuilder out = new StringBuilder();
            int tokens = 0;
            // one streamed output per token, then a closing output (stop) that usually carries no text
            var it = model.generate(params).iterator();
            while (it.hasNext()) {
                LlamaOutput o = it.next();
                out.append(o.text);
                if (it.hasNext() || !o.text.isEmpty()) tokens++;
            }
            String finish = tokens >= generation.maxTokens() ? "length" : "stop";
            return new Completion(out.toString(), path.getFileName().toString(), promptTokens, tokens, finish);
        } catch (RuntimeException e) {
            throw new LongVqaException(ErrorCode.INTERNAL, "llama.cpp generation failed on " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        model.close();
    }
}
