package dev.longvqa.contract.api;

import java.util.List;

/** {@code POST /jobs/{jobId}/questions}. */
public record QuestionsRequest(List<String> questions) {}
