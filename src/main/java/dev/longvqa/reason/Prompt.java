package dev.longvqa.reason;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A single-turn request: optional system text and the user message's parts.
 *
 * @param system null to keep the server's/template's default system prompt
 */
public record Prompt(String system, List<Part> parts) {
    public Prompt {
        parts = List.copyOf(parts);
        if (parts.isEmpty()) throw new IllegalArgumentException("empty prompt");
    }

    /** All text parts joined; what a text-only backend sends. */
    public String text() {
        return parts.stream().filter(p -> p instanceof Part.Text).map(p -> ((Part.Text) p).text()).collect(Collectors.joining());
    }

    public long imageCount() {
        return parts.stream().filter(p -> p instanceof Part.Image).count();
    }
}
