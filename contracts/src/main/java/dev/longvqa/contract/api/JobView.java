package dev.longvqa.contract.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/** {@code GET /jobs/{jobId}}: where a job is, what it found, what it cost, and every question's state. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobView(String jobId, String fileName, String key, Long sizeBytes, String status, String stage,
                      String createdAt, String updatedAt, Double durationSec, List<StageProgress> progress,
                      ScenesSummary scenes, List<AnswerView> questions, CostSummary costs, JobError error) {

    /** The workflow's stages in order, as {@link StageProgress#stage()} names them. */
    public static final List<String> STAGES = List.of("register", "plan", "decode", "segment", "reason", "answer");

    public enum StageState { PENDING, RUNNING, DONE, FAILED }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StageProgress(String stage, StageState state, Long millis) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ScenesSummary(Integer count, Integer frameCount, Integer segmentCount) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CostSummary(Long promptTokens, Long completionTokens, Long visualTokens, Map<String, Long> timingsMs) {}

    public record JobError(String type, String message) {}
}
