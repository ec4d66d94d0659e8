package dev.longvqa.local.asl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One Catch entry.
 *
 * @param resultPath the ResultPath text, "$" when absent, or null for {@code "ResultPath": null}
 *                   (keep the state's input, drop the error)
 */
record Catcher(List<String> errorEquals, String resultPath, String next) {

    public Catcher {
        errorEquals = List.copyOf(errorEquals);
    }

    static Catcher parse(JsonNode json) {
        JsonNode rp = json.get("ResultPath");
        return new Catcher(Retrier.errorNames(json), rp == null ? "$" : rp.isNull() ? null : rp.asText(),
                json.path("Next").asText(null));
    }

    boolean matches(String error) {
        return ErrorMatch.matches(errorEquals, error);
    }
}
