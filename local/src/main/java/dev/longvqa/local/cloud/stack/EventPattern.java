package dev.longvqa.local.cloud.stack;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * An EventBridge event pattern, matched as EventBridge matches it: every field the pattern names
 * must be present in the event and match one of the listed values; nested objects match
 * recursively; fields the pattern does not name are ignored. Content filters supported:
 * {@code prefix}, {@code suffix}, {@code equals-ignore-case}, {@code exists}, {@code anything-but}, {@code numeric}
 * (a value or a list). Any other filter is rejected when the pattern is loaded, never half-applied.
 */
public record EventPattern(JsonNode pattern) {
    private static final Set<String> FILTERS = Set.of("prefix", "suffix", "equals-ignore-case", "exists", "anything-but", "numeric");

    public EventPattern {
        if (pattern == null || !pattern.isObject()) throw new IllegalArgumentException("an event pattern is a JSON object: " + pattern);
        check(pattern, "");
    }

    private static void check(JsonNode node, String path) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            String at = path + "/" + f.getKey();
            JsonNode v = f.getValue();
            if (v.isObject()) {
                check(v, at);
            } else if (v.isArray()) {
                for (JsonNode m : v) {
                    if (!m.isObject()) continue;
                    if (m.size() != 1 || !FILTERS.contains(m.fieldNames().next())) {
                        throw new IllegalArgumentException("event pattern filter at " + at + " is not supported locally: " + m);
                    }
                }
            } else {
                throw new IllegalArgumentException("event pattern value at " + at + " must be an array or an object: " + v);
            }
        }
    }

    public boolean matches(JsonNode event) {
        return matches(pattern, event);
    }

    private static boolean matches(JsonNode pattern, JsonNode event) {
        for (Iterator<Map.Entry<String, JsonNode>> it = pattern.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            JsonNode value = event == null ? null : event.get(f.getKey());
            if (f.getValue().isObject()) {
                if (value == null || !value.isObject() || !matches(f.getValue(), value)) return false;
            } else if (!anyMatches(f.getValue(), value)) {
                return false;
            }
        }
        return true;
    }

    /** A list in the pattern: one of its entries must match the value (or, for an array value, one of its elements). */
    private static boolean anyMatches(JsonNode matchers, JsonNode value) {
        for (JsonNode m : matchers) {
            if (m.isObject() && m.has("exists")) {
                if (m.get("exists").asBoolean() == (value != null && !value.isNull())) return true;
                continue;
            }
            if (value == null) continue;
            if (value.isArray()) {
                for (JsonNode v : value) if (one(m, v)) return true;
            } else if (one(m, value)) {
                return true;
            }
        }
        return false;
    }

    /** {@code [">", 0]}, {@code [">=", 1, "<", 5]}: every comparison holds (the user guide's numeric matching). */
    private static boolean numeric(JsonNode comparisons, java.math.BigDecimal v) {
        for (int i = 0; i + 1 < comparisons.size(); i += 2) {
            int c = v.compareTo(comparisons.get(i + 1).decimalValue());
            boolean holds = switch (comparisons.get(i).asText()) {
                case ">" -> c > 0;
                case ">=" -> c >= 0;
                case "<" -> c < 0;
                case "<=" -> c <= 0;
                case "=" -> c == 0;
                default -> throw new IllegalArgumentException("numeric operator " + comparisons.get(i) + " is not EventBridge's");
            };
            if (!holds) return false;
        }
        return true;
    }

    private static boolean one(JsonNode m, JsonNode v) {
        if (!m.isObject()) return m.isNumber() && v.isNumber() ? m.decimalValue().compareTo(v.decimalValue()) == 0 : m.equals(v);
        Map.Entry<String, JsonNode> filter = m.fields().next();
        JsonNode arg = filter.getValue();
        return switch (filter.getKey()) {
            case "prefix" -> v.isTextual() && v.asText().startsWith(arg.asText());
            case "suffix" -> v.isTextual() && v.asText().endsWith(arg.asText());
            case "equals-ignore-case" -> v.isTextual() && v.asText().equalsIgnoreCase(arg.asText());
            case "anything-but" -> {
                if (arg.isArray()) {
                    for (JsonNode a : arg) if (a.equals(v)) yield false;
                    yield true;
                }
                yield !arg.equals(v);
            }
            case "numeric" -> v.isNumber() && numeric(arg, v.decimalValue());
            default -> throw new IllegalStateException("unchecked filter " + filter.getKey());
        };
    }
}
