package dev.longvqa.local.asl;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * Evaluates one Choice rule (a Variable plus one comparison operator, or And / Or / Not) on the
 * state's effective input. Comparing values of the wrong type is simply false, as in the spec; a
 * Variable that names nothing is {@code States.Runtime} unless the operator is IsPresent.
 */
final class ChoiceRules {
    private ChoiceRules() {}

    static boolean matches(JsonNode rule, JsonNode data, JsonNode context) {
        if (rule.has("And")) {
            for (JsonNode r : rule.get("And")) if (!matches(r, data, context)) return false;
            return true;
        }
        if (rule.has("Or")) {
            for (JsonNode r : rule.get("Or")) if (matches(r, data, context)) return true;
            return false;
        }
        if (rule.has("Not")) return !matches(rule.get("Not"), data, context);

        JsonNode variableText = rule.get("Variable");
        if (variableText == null || !variableText.isTextual()) {
            throw StatesError.runtime("Choice rule without Variable: " + rule);
        }
        JsonPath variable = JsonPath.parse(variableText.asText());
        JsonNode root = variable.context() ? context : data;
        for (Map.Entry<String, JsonNode> e : rule.properties()) {
            String op = e.getKey();
            if (op.equals("Variable") || op.equals("Next") || op.equals("Comment")) continue;
            if (op.equals("IsPresent")) return variable.exists(root) == e.getValue().asBoolean();
            if (!variable.exists(root)) {
                throw StatesError.runtime("Invalid path '" + variable + "': the choice state's condition path references an invalid value");
            }
            JsonNode value = variable.read(root);
            JsonNode operand = e.getValue();
            if (op.endsWith("Path") && !op.startsWith("Is")) {
                JsonPath p = JsonPath.parse(operand.asText());
                operand = p.read(p.context() ? context : data);
                op = op.substring(0, op.length() - "Path".length());
            }
            return compare(op, value, operand);
        }
        throw StatesError.runtime("Choice rule without a comparison operator: " + rule);
    }

    private static boolean compare(String op, JsonNode v, JsonNode operand) {
        return switch (op) {
            case "IsNull" -> v.isNull() == operand.asBoolean();
            case "IsNumeric" -> v.isNumber() == operand.asBoolean();
            case "IsString" -> v.isTextual() == operand.asBoolean();
            case "IsBoolean" -> v.isBoolean() == operand.asBoolean();
            case "IsTimestamp" -> (timestamp(v) != null) == operand.asBoolean();
            case "StringEquals" -> v.isTextual() && operand.isTextual() && v.asText().equals(operand.asText());
            case "StringLessThan" -> strings(v, operand) && v.asText().compareTo(operand.asText()) < 0;
            case "StringGreaterThan" -> strings(v, operand) && v.asText().compareTo(operand.asText()) > 0;
            case "StringLessThanEquals" -> strings(v, operand) && v.asText().compareTo(operand.asText()) <= 0;
            case "StringGreaterThanEquals" -> strings(v, operand) && v.asText().compareTo(operand.asText()) >= 0;
            case "StringMatches" -> strings(v, operand) && wildcard(operand.asText(), v.asText());
            case "NumericEquals" -> numbers(v, operand) && v.decimalValue().compareTo(operand.decimalValue()) == 0;
            case "NumericLessThan" -> numbers(v, operand) && v.decimalValue().compareTo(operand.decimalValue()) < 0;
            case "NumericGreaterThan" -> numbers(v, operand) && v.decimalValue().compareTo(operand.decimalValue()) > 0;
            case "NumericLessThanEquals" -> numbers(v, operand) && v.decimalValue().compareTo(operand.decimalValue()) <= 0;
            case "NumericGreaterThanEquals" -> numbers(v, operand) && v.decimalValue().compareTo(operand.decimalValue()) >= 0;
            case "BooleanEquals" -> v.isBoolean() && operand.isBoolean() && v.booleanValue() == operand.booleanValue();
            case "TimestampEquals" -> timestamps(v, operand) == 0;
            case "TimestampLessThan" -> timestamps(v, operand) == -1;
            case "TimestampGreaterThan" -> timestamps(v, operand) == 1;
            case "TimestampLessThanEquals" -> { int c = timestamps(v, operand); yield c == -1 || c == 0; }
            case "TimestampGreaterThanEquals" -> { int c = timestamps(v, operand); yield c == 1 || c == 0; }
            default -> throw StatesError.runtime("Unknown Choice comparison operator " + op);
        };
    }

    private static boolean strings(JsonNode a, JsonNode b) {
        return a.isTextual() && b.isTextual();
    }

    private static boolean numbers(JsonNode a, JsonNode b) {
        return a.isNumber() && b.isNumber();
    }

    /** -1, 0, 1 as usual; 2 when either side is not an RFC 3339 timestamp (never matches). */
    private static int timestamps(JsonNode a, JsonNode b) {
        OffsetDateTime x = timestamp(a);
        OffsetDateTime y = timestamp(b);
        if (x == null || y == null) return 2;
        return Integer.signum(x.toInstant().compareTo(y.toInstant()));
    }

    static OffsetDateTime timestamp(JsonNode n) {
        if (!n.isTextual()) return null;
        try {
            return OffsetDateTime.parse(n.asText());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** StringMatches: '*' matches any run of characters; '\*' and '\\' are literal. */
    static boolean wildcard(String pattern, String s) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length()) {
                regex.append(java.util.regex.Pattern.quote(String.valueOf(pattern.charAt(++i))));
            } else if (c == '*') {
                regex.append(".*");
            } else {
                regex.append(java.util.regex.Pattern.quote(String.valueOf(c)));
            }
        }
        return java.util.regex.Pattern.compile(regex.toString(), java.util.regex.Pattern.DOTALL).matcher(s).matches();
    }
}
