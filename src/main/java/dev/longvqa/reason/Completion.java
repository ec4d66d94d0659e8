package dev.longvqa.reason;

/**
 * A model's reply and what it cost, as the backend reported it ({@code -1} where it reported
 * nothing).
 */
public record Completion(String text, String model, int promptTokens, int completionTokens, String finishReason) {
    public Completion {
        text = text == null ? "" : text;
    }
}
