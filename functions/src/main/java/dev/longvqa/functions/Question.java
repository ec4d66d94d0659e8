package dev.longvqa.functions;

/** One question about a video; {@code id} names its answer object ({@code answers/{id}.json}). */
public record Question(String id, String text) {
}
