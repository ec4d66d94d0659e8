package dev.longvqa.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.List;

/** Parses task message bodies strictly, keeping what was readable when they are bad. */
public final class TaskMessages {
    private final ObjectMapper json;

    public TaskMessages(ObjectMapper json) {
        this.json = json;
    }

    public TaskMessage parse(String body) throws BadMessageException {
        JsonNode root;
        try {
            root = json.readTree(body == null ? "" : body);
        } catch (JsonProcessingException e) {
            throw new BadMessageException("body is not JSON: " + e.getOriginalMessage(), null, null);
        }
        if (root == null || !root.isObject()) throw new BadMessageException("body is not a JSON object", null, null);
        String jobId = text(root, "jobId");
        String token = text(root, "taskToken");
        try {
            if (token == null) throw new IllegalArgumentException("no taskToken");
            if (jobId == null) throw new IllegalArgumentException("no jobId");
            String type = text(root, "type");
            // the answer pass only needs the video for its bucket, which LONGVQA_BUCKET also gives
            VideoRef video = "answer".equals(type) && root.get("video") == null ? null : video(root.get("video"));
            if ("segment".equals(type)) {
                JsonNode s = root.get("segment");
                if (s == null || !s.isObject()) throw new IllegalArgumentException("segment task without segment");
                TaskMessage.Span span = new TaskMessage.Span(requireInt(s, "index"), s.path("count").asInt(0),
                        requireNumber(s, "startSec"), requireNumber(s, "endSec"));
                if (span.index() < 0 || !(span.endSec() >= span.startSec()) || span.startSec() < 0) {
                    throw new IllegalArgumentException("bad segment " + span);
                }
                return new TaskMessage.SegmentTask(token, jobId, video, text(root, "scenesKey"), span);
            }
            if ("answer".equals(type)) {
                List<String> keys = new ArrayList<>();
                JsonNode k = root.get("segmentKeys");
                if (k != null && !k.isNull()) {
                    if (!k.isArray()) throw new IllegalArgumentException("segmentKeys is not a list");
                    for (JsonNode n : k) keys.add(n.asText());
                }
                List<TaskMessage.QuestionRef> qs = new ArrayList<>();
                JsonNode q = root.get("questions");
                if (q == null || !q.isArray() || q.isEmpty()) throw new IllegalArgumentException("answer task without questions");
                for (JsonNode n : q) {
                    String id = text(n, "id");
                    String t = text(n, "text");
                    if (id == null || t == null) throw new IllegalArgumentException("question needs id and text");
                    qs.add(new TaskMessage.QuestionRef(id, t));
                }
                return new TaskMessage.AnswerTask(token, jobId, video, text(root, "scenesKey"), keys, qs);
            }
            throw new IllegalArgumentException("unknown task type " + type);
        } catch (IllegalArgumentException e) {
            throw new BadMessageException(e.getMessage(), jobId, token);
        }
    }

    private static VideoRef video(JsonNode v) {
        if (v == null || !v.isObject()) throw new IllegalArgumentException("no video");
        String bucket = text(v, "bucket");
        String key = text(v, "key");
        if (bucket == null || key == null) throw new IllegalArgumentException("video needs bucket and key");
        return new VideoRef(bucket, key, text(v, "versionId"), text(v, "etag"), v.path("sizeBytes").asLong(0));
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        if (v == null || v.isNull() || !v.isValueNode()) return null;
        String s = v.asText();
        return s.isBlank() ? null : s;
    }

    private static int requireInt(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.canConvertToInt()) throw new IllegalArgumentException("segment." + field + " missing");
        return v.asInt();
    }

    private static double requireNumber(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isNumber()) throw new IllegalArgumentException("segment." + field + " missing");
        return v.asDouble();
    }
}
