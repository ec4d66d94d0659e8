package dev.longvqa.local.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * Parameters / ItemSelector / ResultSelector: a JSON template whose fields ending in {@code .$}
 * take their value from a path ($ on the data, $$ on the context object), with the suffix
 * dropped from the key, or from an intrinsic function ({@link Intrinsics}). Static values are copied as they are.
 */
final class PayloadTemplate {
    private PayloadTemplate() {}

    public static JsonNode apply(JsonNode template, JsonNode data, JsonNode context) {
        if (template instanceof ObjectNode obj) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (Map.Entry<String, JsonNode> e : obj.properties()) {
                String key = e.getKey();
                if (key.endsWith(".$")) {
                    String name = key.substring(0, key.length() - 2);
                    out.set(name, dynamic(key, e.getValue(), data, context));
                } else {
                    out.set(key, apply(e.getValue(), data, context));
                }
            }
            return out;
        }
        if (template instanceof ArrayNode arr) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            arr.forEach(n -> out.add(apply(n, data, context)));
            return out;
        }
        return template;
    }

    private static JsonNode dynamic(String key, JsonNode value, JsonNode data, JsonNode context) {
        if (!value.isTextual()) {
            throw StatesError.runtime("The value of field '" + key + "' must be a path, got " + value);
        }
        String text = value.asText();
        if (Intrinsics.isCall(text)) return Intrinsics.evaluate(text, data, context);
        JsonPath path = JsonPath.parse(text);
        if (path.isReference() && !path.exists(path.context() ? context : data)) {
            // same wording as the service, so a failing local run reads like the AWS console
            throw StatesError.runtime("The JSONPath '" + text + "' specified for the field '" + key
                    + "' could not be found in the input '" + (path.context() ? context : data) + "'");
        }
        return path.read(path.context() ? context : data);
    }
}
