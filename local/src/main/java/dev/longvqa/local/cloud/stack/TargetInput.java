package dev.longvqa.local.cloud.stack;

import dev.longvqa.contract.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an EventBridge rule target receives for a matching event, as the target's {@code Input},
 * {@code InputPath} or {@code InputTransformer} says (none of them: the whole event). Semantics
 * follow the EventBridge user guide ("Amazon EventBridge input transformation"):
 * <ul>
 *   <li>{@code Input}: the constant JSON text, whatever the event.</li>
 *   <li>{@code InputPath}: the part of the event at a JSONPath (dot notation and array indices).</li>
 *   <li>{@code InputTransformer}: each {@code InputPathsMap} variable is read from the event; each
 *       {@code <name>} in {@code InputTemplate} is replaced. Outside a JSON string a string value is
 *       inserted JSON-quoted and any other value as JSON; inside a JSON string the value's text is
 *       inserted (escaped so the string stays valid). A path the event does not have gives
 *       {@code null} (empty text inside a string). The predefined variables
 *       {@code aws.events.rule-arn}, {@code aws.events.rule-name},
 *       {@code aws.events.event.ingestion-time}, {@code aws.events.event} (the event without
 *       {@code detail}) and {@code aws.events.event.json} (the whole event) are available.
 *       A template that is not JSON after substitution is delivered as a JSON string.</li>
 * </ul>
 * Paths EventBridge would not accept (bracket notation, filters) are refused when the template is
 * loaded, never half-applied.
 */
public sealed interface TargetInput {
    ObjectMapper JSON = Json.mapper();
    /** Trailing text after the JSON value is an error, not ignored. */
    com.fasterxml.jackson.databind.ObjectReader STRICT = JSON.reader().with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** The input the target gets for {@code event}, delivered by the rule {@code ruleArn}/{@code ruleName}. */
    JsonNode apply(JsonNode event, String ruleArn, String ruleName, Instant ingestionTime);

    /** No input setting: the matched event as it is. */
    record WholeEvent() implements TargetInput {
        @Override
        public JsonNode apply(JsonNode event, String ruleArn, String ruleName, Instant ingestionTime) {
            return event;
        }
    }

    /** {@code Input}: constant JSON. */
    record Constant(JsonNode value) implements TargetInput {
        @Override
        public JsonNode apply(JsonNode event, String ruleArn, String ruleName, Instant ingestionTime) {
            return value.deepCopy();
        }
    }

    /** {@code InputPath}: a part of the event ({@code null} if the event has nothing there). */
    record InputPath(String path) implements TargetInput {
        public InputPath {
            checkPath(path);
        }

        @Override
        public JsonNode apply(JsonNode event, String ruleArn, String ruleName, Instant ingestionTime) {
            JsonNode v = read(event, path);
            return v == null ? JsonNodeFactory.instance.nullNode() : v.deepCopy();
        }
    }

    /** {@code InputTransformer}: variables from the event placed into a template. */
    record Transformer(Map<String, String> paths, String template) implements TargetInput {
        private static final Pattern PLACEHOLDER = Pattern.compile("<([A-Za-z0-9_.\\-]+)>");
        private static final String RULE_ARN = "aws.events.rule-arn";
        private static final String RULE_NAME = "aws.events.rule-name";
        private static final String INGESTION_TIME = "aws.events.event.ingestion-time";
        private static final String EVENT = "aws.events.event";
        private static final String EVENT_JSON = "aws.events.event.json";

        public Transformer {
            paths = Map.copyOf(paths);
            if (template == null) throw new IllegalArgumentException("an InputTransformer needs an InputTemplate");
            for (Map.Entry<String, String> e : paths.entrySet()) {
                if (e.getKey().startsWith("aws.")) throw new IllegalArgumentException("InputPathsMap variable " + e.getKey() + " uses the reserved prefix aws.");
                checkPath(e.getValue());
            }
        }

        @Override
        public JsonNode apply(JsonNode event, String ruleArn, String ruleName, Instant ingestionTime) {
            Map<String, JsonNode> values = new LinkedHashMap<>();
            JsonNodeFactory f = JsonNodeFactory.instance;
            paths.forEach((name, path) -> values.put(name, read(event, path)));
            values.put(RULE_ARN, f.textNode(ruleArn));
            values.put(RULE_NAME, f.textNode(ruleName));
            values.put(INGESTION_TIME, f.textNode(ingestionTime.toString()));
            ObjectNode withoutDetail = event.deepCopy();
            withoutDetail.remove("detail");
            values.put(EVENT, withoutDetail);
            values.put(EVENT_JSON, event);

            String t = template.strip();
            if (!(t.startsWith("{") || t.startsWith("[") || t.startsWith("\""))) return f.textNode(plainText(values));
            StringBuilder out = new StringBuilder();
            boolean inString = false;
            Matcher m = PLACEHOLDER.matcher(template);
            int i = 0;
            while (i < template.length()) {
                char c = template.charAt(i);
                if (c == '<' && m.find(i) && m.start() == i && values.containsKey(m.group(1))) {
                    JsonNode v = values.get(m.group(1));
                    out.append(inString ? textIn(v) : jsonOf(v));
                    i = m.end();
                    continue;
                }
                if (c == '\\' && inString && i + 1 < template.length()) {
                    out.append(c).append(template.charAt(i + 1));
                    i += 2;
                    continue;
                }
                if (c == '"') inString = !inString;
                out.append(c);
                i++;
            }
            String text = out.toString();
            try {
                return STRICT.readTree(text);
            } catch (JsonProcessingException notJson) {
                throw new IllegalArgumentException("InputTemplate gave invalid JSON for this event: " + text, notJson);
            }
        }

        /** A template that is not JSON: plain text with each value's text in place. */
        private String plainText(Map<String, JsonNode> values) {
            Matcher m = PLACEHOLDER.matcher(template);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String replacement = m.group();
                if (values.containsKey(m.group(1))) {
                    JsonNode v = values.get(m.group(1));
                    replacement = v == null || v.isNull() ? "" : v.isTextual() ? v.asText() : v.toString();
                }
                m.appendReplacement(out, Matcher.quoteReplacement(replacement));
            }
            m.appendTail(out);
            return out.toString();
        }

        private static String jsonOf(JsonNode v) {
            return v == null ? "null" : v.toString();
        }

        /** The value's text, escaped to sit inside a JSON string. */
        private static String textIn(JsonNode v) {
            if (v == null || v.isNull()) return "";
            String quoted = JsonNodeFactory.instance.textNode(v.isTextual() ? v.asText() : v.toString()).toString();
            return quoted.substring(1, quoted.length() - 1);
        }
    }

    /** Reads a target's input settings as the template writes them (already resolved). */
    static TargetInput of(JsonNode target) {
        int set = (target.has("Input") ? 1 : 0) + (target.has("InputPath") ? 1 : 0) + (target.has("InputTransformer") ? 1 : 0);
        if (set > 1) throw new IllegalArgumentException("a target sets more than one of Input, InputPath, InputTransformer: " + target);
        if (target.has("Input")) {
            try {
                return new Constant(JSON.readTree(target.get("Input").asText()));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("target Input is not JSON: " + target.get("Input").asText(), e);
            }
        }
        if (target.has("InputPath")) return new InputPath(target.get("InputPath").asText());
        if (target.has("InputTransformer")) {
            JsonNode t = target.get("InputTransformer");
            Map<String, String> paths = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = t.path("InputPathsMap").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                paths.put(e.getKey(), e.getValue().asText());
            }
            return new Transformer(paths, t.path("InputTemplate").isMissingNode() ? null : t.get("InputTemplate").asText());
        }
        return new WholeEvent();
    }

    /** {@code $}, {@code $.a.b-c}, {@code $.a[0].b}: the JSONPath EventBridge evaluates. */
    Pattern PATH = Pattern.compile("\\$((\\.[A-Za-z0-9_\\-/]+)|(\\[[0-9]+]))*");

    private static void checkPath(String path) {
        if (path == null || !PATH.matcher(path).matches()) {
            throw new IllegalArgumentException("JSONPath " + path + " is not supported locally (dot notation and array indices only)");
        }
    }

    /** The value at {@code path}, or null where the event has nothing. */
    private static JsonNode read(JsonNode event, String path) {
        Matcher m = Pattern.compile("\\.([A-Za-z0-9_\\-/]+)|\\[([0-9]+)]").matcher(path.substring(1));
        JsonNode at = event;
        while (at != null && m.find()) {
            at = m.group(1) != null ? at.get(m.group(1)) : at.get(Integer.parseInt(m.group(2)));
        }
        return at;
    }
}
