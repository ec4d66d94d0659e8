package dev.longvqa.local.asl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * ASL intrinsic functions ({@code States.Format('{} items', $.n)} and friends), parsed from the
 * value of a {@code "key.$"} field. Arguments are literals ('string' with \' \{ \} \\ escapes,
 * numbers, true/false/null), paths ($… on the state's data, $$… on the context object) or
 * nested calls. Any misuse is {@code States.IntrinsicFailure}, like the service.
 */
public final class Intrinsics {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ARRAY_RANGE = 1000;

    private Intrinsics() {}

    /** An argument or call in the parsed expression. */
    sealed interface Expr {}

    record Literal(JsonNode value) implements Expr {}

    record PathRef(JsonPath path) implements Expr {}

    record Call(String name, List<Expr> args) implements Expr {}

    public static boolean isIntrinsic(String text) {
        return text != null && text.startsWith("States.");
    }

    /** Parses and evaluates {@code expression} against the state's data and the context object. */
    public static JsonNode evaluate(String expression, JsonNode data, JsonNode context) {
        Parser p = new Parser(expression);
        Expr e = p.expr();
        p.skipSpace();
        if (!p.atEnd()) throw failure(expression, "trailing text at " + p.pos);
        if (!(e instanceof Call)) throw failure(expression, "not a function call");
        return eval(e, data, context);
    }

    private static StatesError failure(String expr, String why) {
        return new StatesError(StatesError.Errors.INTRINSIC_FAILURE, "Invalid intrinsic '" + expr + "': " + why);
    }

    private static JsonNode eval(Expr e, JsonNode data, JsonNode context) {
        return switch (e) {
            case Literal l -> l.value();
            case PathRef p -> p.path().read(p.path().context() ? context : data);
            case Call c -> {
                List<JsonNode> args = new ArrayList<>(c.args().size());
                for (Expr a : c.args()) {
                    JsonNode v = eval(a, data, context);
                    // only a Format template needs to tell an escaped \{ from a placeholder
                    boolean template = c.name().equals("States.Format") && args.isEmpty();
                    if (!template && a instanceof Literal && v.isTextual()) {
                        v = F.textNode(v.asText().replace(String.valueOf(PLACEHOLDER_ESCAPE), ""));
                    }
                    args.add(v);
                }
                yield call(c.name(), args);
            }
        };
    }

    private static JsonNode call(String name, List<JsonNode> a) {
        try {
            return switch (name) {
                case "States.Format" -> format(a);
                case "States.StringToJson" -> {
                    arity(name, a, 1);
                    yield JSON.readTree(text(name, a.get(0)));
                }
                case "States.JsonToString" -> {
                    arity(name, a, 1);
                    yield F.textNode(JSON.writeValueAsString(a.get(0)));
                }
                case "States.Array" -> {
                    ArrayNode out = F.arrayNode();
                    a.forEach(out::add);
                    yield out;
                }
                case "States.ArrayLength" -> {
                    arity(name, a, 1);
                    yield F.numberNode(array(name, a.get(0)).size());
                }
                case "States.ArrayGetItem" -> {
                    arity(name, a, 2);
                    ArrayNode arr = array(name, a.get(0));
                    int i = integer(name, a.get(1));
                    if (i < 0 || i >= arr.size()) throw new StatesError(StatesError.Errors.INTRINSIC_FAILURE,
                            name + ": index " + i + " is out of range for an array of " + arr.size());
                    yield arr.get(i);
                }
                case "States.ArrayContains" -> {
                    arity(name, a, 2);
                    boolean found = false;
                    for (JsonNode n : array(name, a.get(0))) found |= n.equals(a.get(1));
                    yield F.booleanNode(found);
                }
                case "States.ArrayRange" -> arrayRange(name, a);
                case "States.ArrayPartition" -> {
                    arity(name, a, 2);
                    ArrayNode arr = array(name, a.get(0));
                    int size = integer(name, a.get(1));
                    if (size <= 0) throw new StatesError(StatesError.Errors.INTRINSIC_FAILURE, name + ": chunk size must be > 0");
                    ArrayNode out = F.arrayNode();
                    ArrayNode chunk = null;
                    for (int i = 0; i < arr.size(); i++) {
                        if (i % size == 0) chunk = out.addArray();
                        chunk.add(arr.get(i));
                    }
                    yield out;
                }
                case "States.ArrayUnique" -> {
                    arity(name, a, 1);
                    Set<JsonNode> seen = new LinkedHashSet<>();
                    array(name, a.get(0)).forEach(seen::add);
                    ArrayNode out = F.arrayNode();
                    seen.forEach(out::add);
                    yield out;
                }
                case "States.MathAdd" -> {
                    arity(name, a, 2);
                    yield F.numberNode(integer(name, a.get(0)) + integer(name, a.get(1)));
                }
                case "States.MathRandom" -> {
                    if (a.size() < 2 || a.size() > 3) throw new StatesError(StatesError.Errors.INTRINSIC_FAILURE, name + " takes 2 or 3 arguments");
                    int lo = integer(name, a.get(0));
                    int hi = integer(name, a.get(1));
                    Random r = a.size() == 3 ? new Random(integer(name, a.get(2))) : ThreadLocalRandom.current();
                    yield F.numberNode(lo + r.nextInt(Math.max(1, hi - lo)));
                }
                case "States.UUID" -> {
                    arity(name, a, 0);
                    yield F.textNode(UUID.randomUUID().toString());
                }
                case "States.Hash" -> hash(name, a);
                case "States.Base64Encode" -> {
                    arity(name, a, 1);
                    yield F.textNode(Base64.getEncoder().encodeToString(text(name, a.get(0)).getBytes(StandardCharsets.UTF_8)));
                }
                case "States.Base64Decode" -> {
                    arity(name, a, 1);
                    yield F.textNode(new String(Base64.getDecoder().decode(text(name, a.get(0))), StandardCharsets.UTF_8));
                }
                case "States.StringSplit" -> {
                    arity(name, a, 2);
                    String s = text(name, a.get(0));
                    String delims = text(name, a.get(1));
                    ArrayNode out = F.arrayNode();
                    StringBuilder cur = new StringBuilder();
                    for (char ch : s.toCharArray()) {
                        if (delims.indexOf(ch) >= 0) {
                            if (!cur.isEmpty()) out.add(cur.toString());
                            cur.setLength(0);
                        } else {
                            cur.append(ch);
                        }
                    }
                    if (!cur.isEmpty()) out.add(cur.toString());
                    yield out;
                }
                case "States.JsonMerge" -> {
                    arity(name, a, 3);
                    if (!a.get(0).isObject() || !a.get(1).isObject()) {
                        throw new StatesError(StatesError.Errors.INTRINSIC_FAILURE, name + " merges two objects");
                    }
                    if (a.get(2).asBoolean(false)) {
                        throw new StatesError(StatesError.Errors.INTRINSIC_FAILURE, name + ": deep merge is not supported (as on AWS)");
                    }
                    ObjectNode out = ((ObjectNode) a.get(0)).deepCopy();
                    out.setAll((ObjectNode) a.get(1).deepCopy());
                    yield out;
                }
                default -> throw new StatesError(StatesError.Errors.INTRINSIC_FAILURE, "unknown intrinsic function " + name);
            };
        } catch (JsonProcessingException e) {
            throw new StatesError(StatesError.Errors.INTRINSIC_FAILURE, name + ": invalid JSON: " + e.getOriginalMessage());
        } catch (IllegalArgumentException e) {
            throw new StatesError(StatesError.Errors.INTRINSIC_FAILURE, name + ": " + e.getMessage());
        }
    }

    private static JsonNode format(List<JsonNode> a) {
        if (a.isEmpty()) throw new StatesError(StatesError.Errors.INTRINSIC_FAILURE, "States.Format needs a template");
        String template = text("States.Format", a.get(0));
        StringBuilder out = new StringBuilder();
        int next = 1;
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c == '{' && i + 1 < template.length() && template.charAt(i + 1) == '}') {
                if (next >= a.size()) {
                    throw new StatesError(StatesError.Errors.INTRINSIC_FAILURE, "States.Format: more {} than arguments");
                }
                JsonNode v = a.get(next++);
                if (v.isContainerNode()) {
                    throw new StatesError(StatesError.Errors.INTRINSIC_FAILURE, "States.Format: arguments must be strings, numbers, booleans or null");
                }
                out.append(v.isNull() ? "null" : v.asText());
                i++;
            } else if (c == PLACEHOLDER_ESCAPE) {
                // the parser turned escaped braces into this private-use marker + the brace
                out.append(template.charAt(++i));
            } else {
                out.append(c);
            }
        }
        if (next != a.size()) {
            throw new StatesError(StatesError.Errors.INTRINSIC_FAILURE, "States.Format: more arguments than {}");
        }
        return F.textNode(out.toString());
    }

    private static JsonNode arrayRange(String name, List<JsonNode> a) {
        arity(name, a, 3);
        int start = integer(name, a.get(0));
        int end = integer(name, a.get(1));
        int step = integer(name, a.get(2));
        if (step == 0) throw new StatesError(StatesError.Errors.INTRINSIC_FAILURE, name + ": step must not be 0");
        ArrayNode out = F.arrayNode();
        for (int v = start; step > 0 ? v <= end : v >= end; v += step) {
            out.add(v);
            if (out.size() > MAX_ARRAY_RANGE) {
                throw new StatesError(StatesError.Errors.INTRINSIC_FAILURE, name + ": more than " + MAX_ARRAY_RANGE + " items");
            }
        }
        return out;
    }

    private static JsonNode hash(String name, List<JsonNode> a) throws JsonProcessingException {
        arity(name, a, 2);
        String data = a.get(0).isTextual() ? a.get(0).asText() : JSON.writeValueAsString(a.get(0));
        String algorithm = text(name, a.get(1));
        if (!Set.of("MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512").contains(algorithm)) {
            throw new StatesError(StatesError.Errors.INTRINSIC_FAILURE, name + ": unsupported algorithm " + algorithm);
        }
        try {
            byte[] digest = MessageDigest.getInstance(algorithm).digest(data.getBytes(StandardCharsets.UTF_8));
            return F.textNode(HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void arity(String name, List<JsonNode> a, int n) {
        if (a.size() != n) {
            throw new StatesError(StatesError.Errors.INTRINSIC_FAILURE, name + " takes " + n + " argument(s), got " + a.size());
        }
    }

    private static String text(String name, JsonNode n) {
        if (!n.isTextual()) throw new StatesError(StatesError.Errors.INTRINSIC_FAILURE, name + ": expected a string, got " + n);
        return n.asText();
    }

    private static ArrayNode array(String name, JsonNode n) {
        if (!(n instanceof ArrayNode arr)) throw new StatesError(StatesError.Errors.INTRINSIC_FAILURE, name + ": expected an array, got " + n);
        return arr;
    }

    private static int integer(String name, JsonNode n) {
        if (!n.isNumber() || (n.isFloatingPointNumber() && n.decimalValue().stripTrailingZeros().scale() > 0)) {
            throw new StatesError(StatesError.Errors.INTRINSIC_FAILURE, name + ": expected an integer, got " + n);
        }
        return n.intValue();
    }

    /** Marks an escaped brace inside a parsed string literal so Format does not take it for {}. */
    private static final char PLACEHOLDER_ESCAPE = '\uE000';

    private static final class Parser {
        final String s;
        int pos;

        Parser(String s) {
            this.s = s;
        }

        boolean atEnd() {
            return pos >= s.length();
        }

        void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++;
        }

        Expr expr() {
            skipSpace();
            if (atEnd()) throw failure(s, "unexpected end");
            char c = s.charAt(pos);
            if (c == '\'') return new Literal(F.textNode(string()));
            if (c == '$') return new PathRef(JsonPath.parse(pathText()));
            if (s.startsWith("States.", pos)) return call();
            if (c == '-' || Character.isDigit(c)) return new Literal(number());
            for (String word : List.of("true", "false", "null")) {
                if (s.startsWith(word, pos)) {
                    pos += word.length();
                    return new Literal(word.equals("null") ? F.nullNode() : F.booleanNode(word.equals("true")));
                }
            }
            throw failure(s, "unexpected '" + c + "' at " + pos);
        }

        Call call() {
            int start = pos;
            while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '.')) pos++;
            String name = s.substring(start, pos);
            skipSpace();
            expect('(');
            List<Expr> args = new ArrayList<>();
            skipSpace();
            if (peek() == ')') {
                pos++;
                return new Call(name, args);
            }
            while (true) {
                args.add(expr());
                skipSpace();
                char c = peek();
                pos++;
                if (c == ')') return new Call(name, args);
                if (c != ',') throw failure(s, "expected , or ) at " + (pos - 1));
            }
        }

        char peek() {
            if (atEnd()) throw failure(s, "unexpected end");
            return s.charAt(pos);
        }

        void expect(char c) {
            if (peek() != c) throw failure(s, "expected '" + c + "' at " + pos);
            pos++;
        }

        String string() {
            expect('\'');
            StringBuilder out = new StringBuilder();
            while (true) {
                char c = peek();
                pos++;
                if (c == '\'') return out.toString();
                if (c == '\\') {
                    char e = peek();
                    pos++;
                    if (e == '{' || e == '}') out.append(PLACEHOLDER_ESCAPE);
                    out.append(e);
                } else {
                    out.append(c);
                }
            }
        }

        /** A path runs until the comma or parenthesis that ends the argument (outside brackets). */
        String pathText() {
            int start = pos;
            int depth = 0;
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == '[') depth++;
                else if (c == ']') depth--;
                else if (depth == 0 && (c == ',' || c == ')' || Character.isWhitespace(c))) break;
                pos++;
            }
            return s.substring(start, pos);
        }

        JsonNode number() {
            int start = pos;
            pos++;
            while (pos < s.length() && (Character.isDigit(s.charAt(pos)) || ".eE+-".indexOf(s.charAt(pos)) >= 0)) pos++;
            String t = s.substring(start, pos);
            try {
                // the JSON parser's own number nodes, so literals compare equal to input values
                JsonNode n = JSON.readTree(t);
                if (n == null || !n.isNumber()) throw failure(s, "bad number " + t);
                return n;
            } catch (JsonProcessingException e) {
                throw failure(s, "bad number " + t);
            }
        }
    }
}
