package dev.longvqa.local.cloud;

import dev.longvqa.contract.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A job as the user sees it: its DynamoDB row, with the pointers it holds (scenes, large answer
 * sets) followed into S3, and its transcript. What {@code local upload --json}, {@code status} and {@code answer} print.
 */
final class StatusView {
    private static final ObjectMapper JSON = Json.mapper();

    private StatusView() {}

    public static Optional<Map<String, AttributeValue>> row(LocalCloud.EmulatorClients c, String jobId) {
        Map<String, AttributeValue> item = c.dynamo().getItem(r -> r.tableName(c.endpoints().table())
                .key(Map.of("jobId", AttributeValue.fromS(jobId))).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
    }

    public static String status(Map<String, AttributeValue> row) {
        AttributeValue s = row.get("status");
        return s == null ? "UNKNOWN" : s.s();
    }

    public static boolean terminal(Map<String, AttributeValue> row) {
        String s = status(row);
        return s.equals("SUCCEEDED") || s.equals("FAILED");
    }

    /** The row as JSON, plus {@code scenes}/{@code cutsSec} from scenes.json and {@code answers} from S3 when only pointed to. */
    public static ObjectNode render(LocalCloud.EmulatorClients c, Map<String, AttributeValue> row) {
        ObjectNode out = (ObjectNode) toJson(AttributeValue.fromM(row));
        s3Json(c, text(row, "scenesKey")).ifPresent(scenes -> {
            out.set("scenes", scenes.path("scenes"));
            out.set("cutsSec", scenes.path("cutsSec"));
            if (!out.has("durationSec") && scenes.has("durationSec")) out.set("durationSec", scenes.get("durationSec"));
        });
        if (!out.has("answers")) {
            s3Json(c, text(row, "answersKey")).ifPresent(doc -> out.set("answers", doc.path("answers")));
        }
        // the timed transcript the passes read (the worker's recogniser or Amazon Transcribe), when there is one
        String jobId = text(row, "jobId");
        if (jobId != null) s3Json(c, dev.longvqa.contract.S3Layout.transcript(jobId)).ifPresent(t -> out.set("transcript", t));
        JsonNode answers = out.path("answers");
        if (answers.isArray() && !answers.isEmpty()) out.put("answer", answers.get(0).path("answer").asText());
        return out;
    }

    private static String text(Map<String, AttributeValue> row, String name) {
        AttributeValue v = row.get(name);
        return v == null ? null : v.s();
    }

    private static Optional<JsonNode> s3Json(LocalCloud.EmulatorClients c, String key) {
        if (key == null) return Optional.empty();
        try {
            ResponseBytes<?> bytes = c.s3().getObjectAsBytes(r -> r.bucket(c.endpoints().bucket()).key(key));
            return Optional.of(JSON.readTree(bytes.asByteArray()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode toJson(AttributeValue v) {
        if (v.s() != null) return JSON.getNodeFactory().textNode(v.s());
        if (v.n() != null) return JSON.getNodeFactory().numberNode(new java.math.BigDecimal(v.n()));
        if (v.bool() != null) return JSON.getNodeFactory().booleanNode(v.bool());
        if (Boolean.TRUE.equals(v.nul())) return JSON.getNodeFactory().nullNode();
        if (v.hasM()) {
            ObjectNode o = JSON.createObjectNode();
            v.m().forEach((k, x) -> o.set(k, toJson(x)));
            return o;
        }
        if (v.hasL()) {
            ArrayNode a = JSON.createArrayNode();
            List<AttributeValue> l = v.l();
            l.forEach(x -> a.add(toJson(x)));
            return a;
        }
        if (v.hasSs()) {
            ArrayNode a = JSON.createArrayNode();
            v.ss().forEach(a::add);
            return a;
        }
        return JSON.getNodeFactory().nullNode();
    }
}
