package dev.longvqa.runtime.llm;

import dev.longvqa.contract.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The chat formats of the supported families, written out in Java instead of evaluating the
 * checkpoint's Jinja template: there are three, they are short, and content here is not only
 * text (embedding blocks sit inside user turns), which a string template cannot carry.
 */
public enum ChatTemplate implements ChatFormat {
    /** Qwen2 ChatML: {@code <|im_start|>role\ncontent<|im_end|>\n}, default system prompt. */
    CHATML("<|im_end|>") {
        @Override
        void render(List<ChatMessage> messages, boolean generationPrompt, List<PromptPart> out) {
            if (messages.isEmpty() || messages.getFirst().role() != ChatMessage.Role.SYSTEM) {
                out.add(PromptPart.text("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"));
            }
            for (ChatMessage m : messages) {
                out.add(PromptPart.text("<|im_start|>" + m.role().id() + "\n"));
                out.addAll(m.content());
                out.add(PromptPart.text("<|im_end|>\n"));
            }
            if (generationPrompt) out.add(PromptPart.text("<|im_start|>assistant\n"));
        }
    },
    /** Llama 3: header-delimited turns ending in {@code <|eot_id|>}, contents trimmed. */
    LLAMA3("<|eot_id|>") {
        @Override
        void render(List<ChatMessage> messages, boolean generationPrompt, List<PromptPart> out) {
            out.add(PromptPart.text("<|begin_of_text|>"));
            for (ChatMessage m : messages) {
                out.add(PromptPart.text("<|start_header_id|>" + m.role().id() + "<|end_header_id|>\n\n"));
                out.addAll(trimmed(m.content()));
                out.add(PromptPart.text("<|eot_id|>"));
            }
            if (generationPrompt) out.add(PromptPart.text("<|start_header_id|>assistant<|end_header_id|>\n\n"));
        }
    },
    /** Idefics3 / SmolVLM: {@code <|im_start|>User: ...<end_of_utterance>\nAssistant:}. */
    IDEFICS3("<end_of_utterance>") {
        @Override
        void render(List<ChatMessage> messages, boolean generationPrompt, List<PromptPart> out) {
            out.add(PromptPart.text("<|im_start|>"));
            for (ChatMessage m : messages) {
                String role = m.role().id();
                boolean startsWithImage = !m.content().isEmpty() && m.content().getFirst() instanceof PromptPart.InputEmbeddings;
                out.add(PromptPart.text(Character.toUpperCase(role.charAt(0)) + role.substring(1) + (startsWithImage ? ":" : ": ")));
                out.addAll(m.content());
                out.add(PromptPart.text("<end_of_utterance>\n"));
            }
            if (generationPrompt) out.add(PromptPart.text("Assistant:"));
        }
    };

    private final String endOfTurn;

    ChatTemplate(String endOfTurn) {
        this.endOfTurn = endOfTurn;
    }

    /** The token that ends an assistant turn: generation stops on it. */
    @Override
    public String endOfTurn() {
        return endOfTurn;
    }

    @Override
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    abstract void render(List<ChatMessage> messages, boolean generationPrompt, List<PromptPart> out);

    /** The prompt for {@code messages}, ending with the assistant's header when {@code generationPrompt}. */
    @Override
    public List<PromptPart> apply(List<ChatMessage> messages, boolean generationPrompt) {
        List<PromptPart> out = new ArrayList<>();
        render(messages, generationPrompt, out);
        return merge(out);
    }

    /** Adjacent text parts joined, so the tokenizer sees the text as the Jinja template would render it. */
    private static List<PromptPart> merge(List<PromptPart> parts) {
        List<PromptPart> out = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (PromptPart p : parts) {
            if (p instanceof PromptPart.Untokenized t) {
                text.append(t.text());
                continue;
            }
            if (!text.isEmpty()) {
                out.add(PromptPart.text(text.toString()));
                text.setLength(0);
            }
            out.add(p);
        }
        if (!text.isEmpty()) out.add(PromptPart.text(text.toString()));
        return List.copyOf(out);
    }

    private static List<PromptPart> trimmed(List<PromptPart> content) {
        List<PromptPart> out = new ArrayList<>(content);
        if (!out.isEmpty() && out.getFirst() instanceof PromptPart.Untokenized t) out.set(0, PromptPart.text(t.text().stripLeading()));
        int last = out.size() - 1;
        if (last >= 0 && out.get(last) instanceof PromptPart.Untokenized t) out.set(last, PromptPart.text(t.text().stripTrailing()));
        return out;
    }

    /**
     * How a checkpoint frames prompts: its own Jinja template where it has one that takes string
     * content ({@link JinjaChatTemplate}), else the hand-written format of its family.
     */
    public static ChatFormat forCheckpoint(Path dir, LlmConfig config) {
        ChatTemplate family = detect(dir, config);
        if (family == IDEFICS3) return family;
        return JinjaChatTemplate.fromCheckpoint(dir, family.endOfTurn()).<ChatFormat>map(t -> t).orElse(family);
    }

    /**
     * The template a checkpoint uses: recognised from the Jinja source in
     * {@code tokenizer_config.json} / {@code chat_template.json} by its delimiters, else the
     * family's default.
     */
    public static ChatTemplate detect(Path dir, LlmConfig config) {
        String jinja = "";
        ObjectMapper json = Json.mapper();
        for (String file : new String[]{"chat_template.json", "tokenizer_config.json"}) {
            Path p = dir.resolve(file);
            if (!Files.isRegularFile(p)) continue;
            try {
                JsonNode t = json.readTree(p.toFile()).path("chat_template");
                jinja += t.isArray() ? t.toString() : t.asText("");
            } catch (IOException e) {
                // An unreadable side file only loses the hint; the family default still applies.
            }
        }
        if (jinja.contains("<end_of_utterance>")) return IDEFICS3;
        if (jinja.contains("<|start_header_id|>")) return LLAMA3;
        if (jinja.contains("<|im_start|>")) return CHATML;
        if (config.modelType().startsWith("idefics") || config.modelType().contains("smolvlm")) return IDEFICS3;
        return config.family() == LlmConfig.Family.QWEN2 ? CHATML : LLAMA3;
    }
}
