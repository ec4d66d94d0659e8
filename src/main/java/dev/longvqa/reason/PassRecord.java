package dev.longvqa.reason;

/**
 * One LVCoT pass as it happened: {@code kind} is "segment" or "answer"; {@code index} the segment
 * index or question position; {@code cached} passes made no request.
 */
public record PassRecord(String kind, int index, boolean cached, int promptTokens, int completionTokens, long millis) {}
