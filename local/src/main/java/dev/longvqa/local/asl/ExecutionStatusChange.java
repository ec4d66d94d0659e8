package dev.longvqa.local.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.UUID;

/**
 * The EventBridge event AWS Step Functions sends to the default bus when an execution changes
 * status ({@code source} {@code aws.states}, {@code detail-type} "Step Functions Execution Status
 * Change"): {@code detail} has executionArn, stateMachineArn, name, status, startDate and stopDate
 * (epoch milliseconds), input and output as JSON text, error and cause (null where there are none).
 */
public final class ExecutionStatusChange {
    public static final String SOURCE = "aws.states";
    public static final String DETAIL_TYPE = "Step Functions Execution Status Change";

    private ExecutionStatusChange() {}

    public static ObjectNode event(ExecutionResult r, String stateMachineArn, String region, String accountId) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode e = f.objectNode();
        e.put("version", "0");
        e.put("id", UUID.randomUUID().toString());
        e.put("detail-type", DETAIL_TYPE);
        e.put("source", SOURCE);
        e.put("account", accountId);
        e.put("time", (r.stopDate() != null ? r.stopDate() : r.startDate()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        e.put("region", region);
        e.putArray("resources").add(r.executionArn());
        ObjectNode d = e.putObject("detail");
        d.put("executionArn", r.executionArn());
        d.put("stateMachineArn", stateMachineArn);
        d.put("name", r.name());
        d.put("status", r.status().name());
        d.put("startDate", r.startDate().toEpochMilli());
        if (r.stopDate() != null) d.put("stopDate", r.stopDate().toEpochMilli()); else d.putNull("stopDate");
        d.put("input", text(r.input()));
        d.putObject("inputDetails").put("included", true);
        d.put("output", text(r.output()));
        if (r.output() != null) d.putObject("outputDetails").put("included", true); else d.putNull("outputDetails");
        d.put("error", r.error());
        d.put("cause", r.cause());
        return e;
    }

    private static String text(JsonNode json) {
        return json == null ? null : json.toString();
    }
}
