package dev.longvqa.runtime.llm;

import java.util.List;

/**
 * How a checkpoint frames a conversation: its own Jinja {@code chat_template}
 * ({@link JinjaChatTemplate}) or, where it has none or its content is not plain text, the
 * hand-written {@link ChatTemplate} of its family.
 */
public sealed interface ChatFormat permits ChatTemplate, JinjaChatTemplate {
    /** The prompt for {@code messages}, ending with the assistant's header when {@code generationPrompt}; adjacent texts merged. */
    List<PromptPart> apply(List<ChatMessage> messages, boolean generationPrompt);

    /** The token that ends an assistant turn: generation stops on it. */
    String endOfTurn();

    /** Short name for cache keys and `models info`. */
    String id();
}
