package dev.longvqa.local.asl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * One execution history event, shaped like the service's: {@code type} is a HistoryEventType name
 * (TaskStateEntered, TaskScheduled, MapIterationStarted, ExecutionSucceeded…) and {@code details}
 * is what the API puts under {@link #detailsKey()}.
 */
public record HistoryEvent(long id, long previousEventId, Instant timestamp, String type, ObjectNode details) {

    /** The API field that holds the details, e.g. {@code stateEnteredEventDetails}. */
    public String detailsKey() {
        if (type.endsWith("StateEntered")) return "stateEnteredEventDetails";
        if (type.endsWith("StateExited")) return "stateExitedEventDetails";
        return Character.toLowerCase(type.charAt(0)) + type.substring(1) + "EventDetails";
    }

    /** The state name for state events and map iterations, else null. */
    public String stateName() {
        return details == null || !details.has("name") ? null : details.get("name").asText();
    }
}
