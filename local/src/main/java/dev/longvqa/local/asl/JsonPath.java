package dev.longvqa.local.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The JSONPath subset ASL definitions use: {@code $}, {@code $$} (the context object), dotted and
 * bracketed names, array indexes (negative counts from the end), slices {@code [a:b]} and the
 * wildcards {@code [*]} / {@code .*}. Filters and deep scan are left out on purpose: no state in
 * this project needs them, and an unsupported path fails loudly at parse time instead of matching
 * something else.
 *
 * <p>A path without wildcards or slices is a <em>reference path</em> (ASL's term): it names exactly
 * one node, and only reference paths may be written to ({@link #write}, used by ResultPath).
 */
record JsonPath(String text, boolean context, List<PathElement> segments) {

    /** One step of a path. */
    public sealed interface PathElement {}

    public record Field(String name) implements PathElement {}

    public record Index(int index) implements PathElement {}

    public record Slice(Integer from, Integer to) implements PathElement {}

    public record Wildcard() implements PathElement {}

    public JsonPath {
        Objects.requireNonNull(text, "text");
        segments = List.copyOf(segments);
    }

    /** Thrown for text that is not a supported path. */
    public static final class PathSyntaxException extends IllegalArgumentException {
        PathSyntaxException(String path, String why) {
            super("invalid path '" + path + "': " + why);
        }
    }

    public static JsonPath parse(String text) {
        if (text == null || !text.startsWith("$")) {
            throw new PathSyntaxException(String.valueOf(text), "must start with $");
        }
        boolean context = text.startsWith("$$");
        int i = context ? 2 : 1;
        List<PathElement> segments = new ArrayList<>();
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '.') {
                if (i + 1 < n && text.charAt(i + 1) == '.') {
                    throw new PathSyntaxException(text, "deep scan (..) is not supported");
                }
                int start = ++i;
                if (i < n && text.charAt(i) == '*') {
                    segments.add(new Wildcard());
                    i++;
                    continue;
                }
                while (i < n && text.charAt(i) != '.' && text.charAt(i) != '[') i++;
                if (i == start) throw new PathSyntaxException(text, "empty name at " + start);
                segments.add(new Field(text.substring(start, i)));
            } else if (c == '[') {
                int close = findClose(text, i);
                String inner = text.substring(i + 1, close).trim();
                segments.add(bracket(text, inner));
                i = close + 1;
            } else {
                throw new PathSyntaxException(text, "unexpected '" + c + "' at " + i);
            }
        }
        return new JsonPath(text, context, segments);
    }

    private static int findClose(String text, int open) {
        boolean quoted = false;
        char quote = 0;
        for (int j = open + 1; j < text.length(); j++) {
            char c = text.charAt(j);
            if (quoted) {
                if (c == '\\') j++;
                else if (c == quote) quoted = false;
            } else if (c == '\'' || c == '"') {
                quoted = true;
                quote = c;
            } else if (c == ']') {
                return j;
            }
        }
        throw new PathSyntaxException(text, "unclosed [");
    }

    private static PathElement bracket(String text, String inner) {
        if (inner.equals("*")) return new Wildcard();
        if (inner.length() >= 2 && (inner.charAt(0) == '\'' || inner.charAt(0) == '"')
                && inner.charAt(inner.length() - 1) == inner.charAt(0)) {
            String body = inner.substring(1, inner.length() - 1);
            return new Field(body.replace("\\'", "'").replace("\\\"", "\"").replace("\\\\", "\\"));
        }
        if (inner.startsWith("?") || inner.startsWith("(")) {
            throw new PathSyntaxException(text, "filter and script expressions are not supported");
        }
        try {
            int colon = inner.indexOf(':');
            if (colon >= 0) {
                String a = inner.substring(0, colon).trim();
                String b = inner.substring(colon + 1).trim();
                return new Slice(a.isEmpty() ? null : Integer.parseInt(a), b.isEmpty() ? null : Integer.parseInt(b));
            }
            return new Index(Integer.parseInt(inner));
        } catch (NumberFormatException e) {
            throw new PathSyntaxException(text, "bad subscript [" + inner + "]");
        }
    }

    /** True when the path names exactly one node (no wildcards or slices). */
    public boolean isReference() {
        return segments.stream().allMatch(s -> s instanceof Field || s instanceof Index);
    }

    /**
     * Evaluates the path against {@code root} (the state's data, or the context object for
     * {@code $$} paths, the caller picks). A reference path that names nothing throws
     * {@link StatesError} {@code States.Runtime}, as Step Functions does; a wildcard path returns
     * the array of whatever matched, possibly empty.
     */
    public JsonNode read(JsonNode root) {
        if (isReference()) {
            JsonNode node = root;
            for (PathElement s : segments) {
                node = step(node, s);
                if (node == null) {
                    throw StatesError.runtime("The JSONPath '" + text + "' could not be found in the input");
                }
            }
            return node;
        }
        List<JsonNode> current = List.of(root);
        for (PathElement s : segments) {
            List<JsonNode> next = new ArrayList<>();
            for (JsonNode node : current) {
                switch (s) {
                    case Wildcard w -> node.elements().forEachRemaining(next::add);
                    case Slice sl -> {
                        if (node.isArray()) {
                            int size = node.size();
                            int from = clamp(sl.from() == null ? 0 : sl.from(), size);
                            int to = clamp(sl.to() == null ? size : sl.to(), size);
                            for (int k = from; k < to; k++) next.add(node.get(k));
                        }
                    }
                    default -> {
                        JsonNode child = step(node, s);
                        if (child != null) next.add(child);
                    }
                }
            }
            current = next;
        }
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        current.forEach(out::add);
        return out;
    }

    /** Like {@link #read} but answers whether a reference path names something (Choice IsPresent). */
    public boolean exists(JsonNode root) {
        if (!isReference()) return read(root).size() > 0;
        JsonNode node = root;
        for (PathElement s : segments) {
            node = step(node, s);
            if (node == null) return false;
        }
        return true;
    }

    private static int clamp(int index, int size) {
        int i = index < 0 ? size + index : index;
        return Math.max(0, Math.min(size, i));
    }

    private static JsonNode step(JsonNode node, PathElement s) {
        if (node == null) return null;
        return switch (s) {
            case Field f -> node.isObject() ? node.get(f.name()) : null;
            case Index ix -> {
                if (!node.isArray()) yield null;
                int i = ix.index() < 0 ? node.size() + ix.index() : ix.index();
                yield i >= 0 && i < node.size() ? node.get(i) : null;
            }
            default -> null;
        };
    }

    /**
     * Returns a copy of {@code root} with {@code value} placed where this reference path points,
     * creating missing objects on the way (ResultPath semantics). {@code $} returns {@code value}
     * itself. A step through a non-object, or an index outside an existing array, is
     * {@code States.ResultPathMatchFailure}.
     */
    public JsonNode write(JsonNode root, JsonNode value) {
        if (context || !isReference()) {
            throw new PathSyntaxException(text, "only a reference path into the state's data can be written");
        }
        if (segments.isEmpty()) return value;
        JsonNode copy = root == null || root.isNull() || root.isMissingNode() ? JsonNodeFactory.instance.objectNode() : root.deepCopy();
        if (!copy.isContainerNode()) {
            throw new StatesError("States.ResultPathMatchFailure",
                    "Unable to apply ResultPath '" + text + "' to a non-object input " + copy);
        }
        JsonNode node = copy;
        for (int k = 0; k < segments.size(); k++) {
            PathElement s = segments.get(k);
            boolean last = k == segments.size() - 1;
            if (s instanceof Field f) {
                if (!(node instanceof ObjectNode obj)) {
                    throw new StatesError("States.ResultPathMatchFailure",
                            "Unable to apply ResultPath '" + text + "': '" + f.name() + "' is not inside an object");
                }
                if (last) {
                    obj.set(f.name(), value);
                } else {
                    JsonNode child = obj.get(f.name());
                    if (child == null || child.isNull()) {
                        child = segments.get(k + 1) instanceof Index ? obj.putArray(f.name()) : obj.putObject(f.name());
                    }
                    node = child;
                }
            } else if (s instanceof Index ix) {
                if (!(node instanceof ArrayNode arr)) {
                    throw new StatesError("States.ResultPathMatchFailure",
                            "Unable to apply ResultPath '" + text + "': index on a non-array");
                }
                int i = ix.index() < 0 ? arr.size() + ix.index() : ix.index();
                if (i < 0 || i > arr.size() || (!last && i == arr.size())) {
                    throw new StatesError("States.ResultPathMatchFailure",
                            "Unable to apply ResultPath '" + text + "': index " + ix.index() + " is out of range");
                }
                if (last) {
                    if (i == arr.size()) arr.add(value);
                    else arr.set(i, value);
                } else {
                    node = arr.get(i);
                }
            }
        }
        return copy;
    }

    @Override
    public String toString() {
        return text;
    }
}
