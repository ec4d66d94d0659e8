package dev.longvqa.runtime.llm;

import java.util.List;

/** One turn of a conversation; content may mix text and embedding blocks. */
public record ChatMessage(Role role, List<PromptPart> content) {

    public enum Role {
        SYSTEM, USER, ASSISTANT;

        public String id() {
            return name().toLowerCase();
        }
    }

    public ChatMessage {
        content = List.copyOf(content);
    }

    public static ChatMessage system(String text) {
        return new ChatMessage(Role.SYSTEM, List.of(PromptPart.text(text)));
    }

    public static ChatMessage user(String text) {
        return new ChatMessage(Role.USER, List.of(PromptPart.text(text)));
    }

    public static ChatMessage user(PromptPart... parts) {
        return new ChatMessage(Role.USER, List.of(parts));
    }

    public static ChatMessage assistant(String text) {
        return new ChatMessage(Role.ASSISTANT, List.of(PromptPart.text(text)));
    }
}
