package dev.longvqa.local.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One state of a definition: its raw JSON (fields are read where they are used) plus the parts
 * parsed up front so that mistakes surface when the definition is loaded, not mid-run.
 *
 * @param processor the Map state's ItemProcessor (or legacy Iterator); null otherwise
 */
record StateSpec(String name, String type, ObjectNode json, List<Retrier> retry, List<Catcher> catchers,
                        StateMachineDefinition processor) {

    public StateSpec {
        retry = List.copyOf(retry);
        catchers = List.copyOf(catchers);
    }

    /** The Next state, or null for End / terminal states. */
    public String next() {
        JsonNode n = json.get("Next");
        return n == null ? null : n.asText();
    }

    public boolean isEnd() {
        return json.path("End").asBoolean(false);
    }

    public boolean has(String field) {
        return json.has(field);
    }

    public JsonNode get(String field) {
        return json.get(field);
    }
}
