package dev.longvqa.contract.api;

/** A question with its id; the id names its answer ({@code jobs/{jobId}/answers/{id}.json}). */
public record QuestionRef(String id, String text) {}
