package dev.longvqa.local.asl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * One Retry entry. Defaults are the spec's: IntervalSeconds 1, MaxAttempts 3, BackoffRate 2.0.
 *
 * @param maxDelaySeconds caps the backoff (0 = no cap)
 * @param fullJitter      JitterStrategy FULL: each delay is drawn uniformly from [0, delay]
 */
record Retrier(List<String> errorEquals, double intervalSeconds, int maxAttempts, double backoffRate,
                      double maxDelaySeconds, boolean fullJitter) {

    public Retrier {
        errorEquals = List.copyOf(errorEquals);
    }

    static Retrier parse(JsonNode json) {
        return new Retrier(errorNames(json), json.path("IntervalSeconds").asDouble(1),
                json.path("MaxAttempts").asInt(3), json.path("BackoffRate").asDouble(2.0),
                json.path("MaxDelaySeconds").asDouble(0), "FULL".equals(json.path("JitterStrategy").asText("NONE")));
    }

    static List<String> errorNames(JsonNode json) {
        List<String> names = new ArrayList<>();
        json.path("ErrorEquals").forEach(n -> names.add(n.asText()));
        return names;
    }

    /** The delay before retry number {@code attempt} (0-based), before jitter and time scaling. */
    public double delaySeconds(int attempt) {
        double d = intervalSeconds * Math.pow(backoffRate, attempt);
        return maxDelaySeconds > 0 ? Math.min(d, maxDelaySeconds) : d;
    }

    boolean matches(String error) {
        return ErrorMatch.matches(errorEquals, error);
    }
}
