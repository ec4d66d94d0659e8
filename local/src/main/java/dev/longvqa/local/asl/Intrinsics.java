package dev.longvqa.local.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.longvqa.contract.Json;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The intrinsic functions the project's definition uses, in a {@code .$} field's value:
 * {@code States.Format('jobs/{}/x', $.jobId)}, {@code States.MathAdd($.n, 1)},
 * {@code States.Array(...)}, {@code States.StringToJson(...)}, {@code States.JsonToString(...)}.
 * Arguments are string literals (single quotes; {@code \'}, {@code \{}, {@code \}}, {@code \\}
 * escaped), numbers, {@code true}/{@code false}/{@code null}, paths ({@code $…}, {@code $$…}) and
 * nested calls, as the service parses them. Parsed once at load ({@link #parse}), so a definition
 * with a function the interpreter lacks is refused before it runs.
 */
public final class Intrinsics {
    public static final Set<String> SUPPORTED = Set.of("Format", "MathAdd", "Array", "StringToJson", "JsonToString");
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private Intrinsics() {}

    /** Whether a field value is an intrinsic call rather than a path. */
    public static boolean isCall(String text) {
        return text.strip().startsWith("States.");
    }

    /** One argument or the whole call. */
    sealed interface Expr permits Literal, Path, Call {}

    record Literal(JsonNode value) implements Expr {}

    record Path(JsonPath path) implements Expr {}

    record Call(String name, List<Expr> args) implements Expr {}

    /** @throws IllegalArgumentException for bad syntax or a function not in {@link #SUPPORTED} */
    public static Call parse(String text) {
        Parser p = new Parser(text.strip());
        Call c = p.call();
        p.skipSpace();
        if (p.i != p.s.length()) throw new IllegalArgumentException("unexpected text after the call at " + p.i + ": " + text);
        return c;
    }

    public static JsonNode evaluate(String text, JsonNode data, JsonNode context) {
        Call call;
        try {
            call = parse(text);
        } catch (IllegalArgumentException e) {
            throw StatesError.runtime("intrinsic function " + text + ": " + e.getMessage());
        }
        return eval(call, data, context);
    }

    private static JsonNode eval(Expr e, JsonNode data, JsonNode context) {
        return switch (e) {
            case Literal l -> l.value();
            case Path p -> {
                JsonNode root = p.path().context() ? context : data;
                if (p.path().isReference() && !p.path().exists(root)) {
                    throw StatesError.runtime("The JSONPath '" + p.path() + "' could not be found in the input '" + root + "'");
                }
                yield p.path().read(root);
            }
            case Call c -> call(c, c.args().stream().map(a -> eval(a, data, context)).toList());
        };
    }

    private static JsonNode call(Call c, List<JsonNode> args) {
        switch (c.name()) {
            case "Format" -> {
                if (args.isEmpty() || !args.getFirst().isTextual()) throw bad(c, "the first argument must be a string");
                String template = args.getFirst().asText();
                StringBuilder out = new StringBuilder();
                int used = 1;
                for (int i = 0; i < template.length(); i++) {
                    char ch = template.charAt(i);
                    if (ch == '\\' && i + 1 < template.length()) {
                        out.append(template.charAt(++i)); // \{ or \}: a literal brace
                    } else if (ch == '{' && i + 1 < template.length() && template.charAt(i + 1) == '}') {
                        if (used >= args.size()) throw bad(c, "more {} than arguments");
                        JsonNode v = args.get(used++);
                        out.append(v.isTextual() ? v.asText() : v.toString());
                        i++;
                    } else {
                        out.append(ch);
                    }
                }
                if (used != args.size()) throw bad(c, "more arguments than {}");
                return F.textNode(out.toString());
            }
            case "MathAdd" -> {
                if (args.size() != 2 || !args.get(0).isIntegralNumber() || !args.get(1).isIntegralNumber()) {
                    throw bad(c, "needs two integers");
                }
                long sum = args.get(0).asLong() + args.get(1).asLong();
                return sum == (int) sum ? F.numberNode((int) sum) : F.numberNode(sum); // as a JSON number, int when it fits
            }
            case "Array" -> {
                ArrayNode out = F.arrayNode();
                args.forEach(out::add);
                return out;
            }
            case "StringToJson" -> {
                if (args.size() != 1 || !args.getFirst().isTextual()) throw bad(c, "needs one string");
                try {
                    return Json.mapper().readTree(args.getFirst().asText());
                } catch (IOException ex) {
                    throw bad(c, "not JSON: " + ex.getMessage());
                }
            }
            case "JsonToString" -> {
                if (args.size() != 1) throw bad(c, "needs one argument");
                return F.textNode(args.getFirst().toString());
            }
            default -> throw bad(c, "not supported locally");
        }
    }

    private static StatesError bad(Call c, String why) {
        return StatesError.runtime("States." + c.name() + ": " + why);
    }

    private static final class Parser {
        final String s;
        int i;

        Parser(String s) {
            this.s = s;
        }

        Call call() {
            if (!s.startsWith("States.", i)) throw new IllegalArgumentException("expected States.<Name>( at " + i);
            i += "States.".length();
            int start = i;
            while (i < s.length() && Character.isLetter(s.charAt(i))) i++;
            String name = s.substring(start, i);
            if (!SUPPORTED.contains(name)) throw new IllegalArgumentException("States." + name + " is not supported; supported: " + SUPPORTED);
            expect('(');
            List<Expr> args = new ArrayList<>();
            skipSpace();
            if (peek() == ')') {
                i++;
                return new Call(name, args);
            }
            while (true) {
                args.add(arg());
                skipSpace();
                char c = next();
                if (c == ')') return new Call(name, args);
                if (c != ',') throw new IllegalArgumentException("expected , or ) at " + (i - 1));
            }
        }

        Expr arg() {
            skipSpace();
            char c = peek();
            if (c == '\'') return new Literal(F.textNode(string()));
            if (c == '$') {
                int start = i;
                int depth = 0;
                while (i < s.length()) {
                    char ch = s.charAt(i);
                    if (ch == '[') depth++;
                    if (ch == ']') depth--;
                    if (depth == 0 && (ch == ',' || ch == ')')) break;
                    i++;
                }
                return new Path(JsonPath.parse(s.substring(start, i).strip()));
            }
            if (s.startsWith("States.", i)) return call();
            int start = i;
            while (i < s.length() && s.charAt(i) != ',' && s.charAt(i) != ')') i++;
            String token = s.substring(start, i).strip();
            try {
                return new Literal(Json.mapper().readTree(token));
            } catch (IOException e) {
                throw new IllegalArgumentException("bad argument '" + token + "'");
            }
        }

        String string() {
            expect('\'');
            StringBuilder out = new StringBuilder();
            while (i < s.length()) {
                char c = s.charAt(i++);
                if (c == '\\' && i < s.length()) {
                    char escaped = s.charAt(i++);
                    // an escaped brace stays marked for Format, which must not read it as a placeholder
                    if (escaped == '{' || escaped == '}' || escaped == '\\') out.append('\\');
                    out.append(escaped);
                } else if (c == '\'') {
                    return out.toString();
                } else {
                    out.append(c);
                }
            }
            throw new IllegalArgumentException("unterminated string");
        }

        void skipSpace() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        }

        char peek() {
            if (i >= s.length()) throw new IllegalArgumentException("unexpected end");
            return s.charAt(i);
        }

        char next() {
            char c = peek();
            i++;
            return c;
        }

        void expect(char c) {
            skipSpace();
            if (next() != c) throw new IllegalArgumentException("expected " + c + " at " + (i - 1));
        }
    }
}
