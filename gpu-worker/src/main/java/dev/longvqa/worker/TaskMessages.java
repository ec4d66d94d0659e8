package dev.longvqa.worker;

import dev.longvqa.contract.Json;
import dev.longvqa.contract.TaskMessage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;

/**
 * Reads task message bodies strictly into the contract's {@link TaskMessage} records (the one
 * mapper, {@link Json#mapper()}), keeping what was readable when they are bad: the task token and job
 * id of the {@link TaskMessage.Envelope}, read leniently, so that the waiting execution can be told.
 */
final class TaskMessages {
    private static final ObjectReader ENVELOPE = Json.mapper().readerFor(TaskMessage.Envelope.class)
            .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public TaskMessage parse(String body) throws BadMessageException {
        JsonNode root;
        try {
            root = Json.mapper().readTree(body == null ? "" : body);
        } catch (JsonProcessingException e) {
            throw new BadMessageException("body is not JSON: " + e.getOriginalMessage(), null, null);
        }
        if (root == null || !root.isObject()) throw new BadMessageException("body is not a JSON object", null, null);
        try {
            return Json.mapper().treeToValue(root, TaskMessage.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            TaskMessage.Envelope readable = envelope(root);
            throw new BadMessageException(reason(e), blankToNull(readable.jobId()), blankToNull(readable.taskToken()));
        }
    }

    private static TaskMessage.Envelope envelope(JsonNode root) {
        try {
            return ENVELOPE.readValue(root);
        } catch (java.io.IOException | RuntimeException e) {
            return new TaskMessage.Envelope(null, null); // e.g. a token that is an object
        }
    }

    /** The records' own validation message where there is one, else Jackson's, without its source location. */
    private static String reason(Exception e) {
        Throwable cause = e.getCause();
        if (cause instanceof IllegalArgumentException iae && iae.getMessage() != null) return iae.getMessage();
        if (e instanceof JsonMappingException m) return m.getOriginalMessage();
        return e.getMessage();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
