package dev.longvqa.local.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed and checked state machine (or a Map's sub-machine). Parsing collects every
 * structural problem it finds (unknown Next targets, missing Resource, a state that neither ends
 * nor continues…) and reports them together.
 */
record StateMachineDefinition(String startAt, Map<String, StateSpec> states, Integer timeoutSeconds) {

    /** The state types the interpreter runs; Parallel is refused at load (the project's definition has none). */
    private static final Set<String> TYPES = Set.of("Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Map");

    public StateMachineDefinition {
        states = Map.copyOf(states);
    }

    /** Thrown for a definition that cannot run; the message lists every problem. */
    public static final class InvalidDefinitionException extends IllegalArgumentException {
        private final List<String> problems;

        InvalidDefinitionException(List<String> problems) {
            super("invalid state machine definition:\n  - " + String.join("\n  - ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    public static StateMachineDefinition parse(JsonNode json) {
        List<String> problems = new ArrayList<>();
        StateMachineDefinition d = parse(json, "", problems);
        if (!problems.isEmpty()) throw new InvalidDefinitionException(problems);
        return d;
    }

    private static StateMachineDefinition parse(JsonNode json, String where, List<String> problems) {
        if (json.has("QueryLanguage") && !"JSONPath".equals(json.get("QueryLanguage").asText())) {
            problems.add(where + "QueryLanguage " + json.get("QueryLanguage").asText() + " is not supported (JSONPath only)");
        }
        String startAt = json.path("StartAt").asText(null);
        JsonNode statesJson = json.get("States");
        Map<String, StateSpec> states = new LinkedHashMap<>();
        if (startAt == null) problems.add(where + "StartAt is missing");
        if (statesJson == null || !statesJson.isObject() || statesJson.isEmpty()) {
            problems.add(where + "States is missing or empty");
            return new StateMachineDefinition(startAt, states, null);
        }
        for (Map.Entry<String, JsonNode> e : statesJson.properties()) {
            states.put(e.getKey(), parseState(e.getKey(), e.getValue(), where, problems));
        }
        if (startAt != null && !states.containsKey(startAt)) problems.add(where + "StartAt '" + startAt + "' is not a state");
        for (StateSpec s : states.values()) checkTransitions(s, states.keySet(), where, problems);
        Integer timeout = json.has("TimeoutSeconds") ? json.get("TimeoutSeconds").asInt() : null;
        return new StateMachineDefinition(startAt, states, timeout);
    }

    private static StateSpec parseState(String name, JsonNode json, String where, List<String> problems) {
        String at = where + "state '" + name + "': ";
        if (!(json instanceof ObjectNode obj)) {
            problems.add(at + "not an object");
            return new StateSpec(name, "?", null, List.of(), List.of(), null);
        }
        String type = obj.path("Type").asText("");
        if (!TYPES.contains(type)) problems.add(at + "Type '" + type + "' is not supported (supported: " + new java.util.TreeSet<>(TYPES) + ")");
        List<Retrier> retry = new ArrayList<>();
        obj.path("Retry").forEach(r -> retry.add(Retrier.parse(r)));
        List<Catcher> catchers = new ArrayList<>();
        obj.path("Catch").forEach(c -> catchers.add(Catcher.parse(c)));
        StateMachineDefinition processor = null;
        switch (type) {
            case "Task" -> {
                if (!obj.path("Resource").isTextual()) problems.add(at + "Task without Resource");
            }
            case "Map" -> {
                JsonNode p = obj.has("ItemProcessor") ? obj.get("ItemProcessor") : obj.get("Iterator");
                if (p == null) problems.add(at + "Map without ItemProcessor");
                else {
                    String mode = p.path("ProcessorConfig").path("Mode").asText("INLINE");
                    if (!mode.equals("INLINE")) problems.add(at + "only INLINE Map is supported, not " + mode);
                    processor = parse(p, at + "ItemProcessor: ", problems);
                }
                if (obj.has("ItemReader")) problems.add(at + "ItemReader (distributed Map) is not supported");
            }
            case "Choice" -> {
                if (!obj.path("Choices").isArray() || obj.get("Choices").isEmpty()) problems.add(at + "Choice without Choices");
            }
            default -> { }
        }
        rejectIntrinsics(obj, at, problems);
        if (!retry.isEmpty() && !Set.of("Task", "Map").contains(type)) problems.add(at + "Retry is only allowed on Task and Map");
        if (!catchers.isEmpty() && !Set.of("Task", "Map").contains(type)) problems.add(at + "Catch is only allowed on Task and Map");
        for (Retrier r : retry) {
            if (r.errorEquals().isEmpty()) problems.add(at + "Retry entry without ErrorEquals");
            if (r.errorEquals().contains(StatesError.WellKnown.ALL) && r.errorEquals().size() > 1) problems.add(at + "States.ALL must appear alone");
        }
        return new StateSpec(name, type, obj, retry, catchers, processor);
    }

    /**
     * Intrinsic functions are parsed here, at load: one the interpreter does not implement
     * ({@link Intrinsics#SUPPORTED}), in a field that takes none (a {@code …Path}), or with bad
     * syntax refuses the definition rather than failing at the state that reaches it. Nested state
     * machines are checked on their own.
     */
    private static void rejectIntrinsics(JsonNode node, String at, List<String> problems) {
        node.properties().forEach(e -> {
            String key = e.getKey();
            JsonNode v = e.getValue();
            if (key.equals("ItemProcessor") || key.equals("Iterator")) return;
            if ((key.endsWith(".$") || key.endsWith("Path")) && v.isTextual() && Intrinsics.isCall(v.asText())) {
                if (!key.endsWith(".$")) {
                    problems.add(at + "field '" + key + "' takes a path, not an intrinsic function (" + v.asText() + ")");
                } else {
                    try {
                        Intrinsics.parse(v.asText());
                    } catch (IllegalArgumentException ex) {
                        problems.add(at + "field '" + key + "' uses an intrinsic function the local interpreter cannot run ("
                                + v.asText() + "): " + ex.getMessage());
                    }
                }
            } else if (v.isObject()) {
                rejectIntrinsics(v, at, problems);
            } else if (v.isArray()) {
                for (JsonNode item : v) if (item.isObject()) rejectIntrinsics(item, at, problems);
            }
        });
    }

    private static void checkTransitions(StateSpec s, Set<String> names, String where, List<String> problems) {
        String at = where + "state '" + s.name() + "': ";
        if (s.json() == null) return;
        boolean terminal = Set.of("Choice", "Succeed", "Fail").contains(s.type());
        if (!terminal) {
            if (s.next() == null && !s.isEnd()) problems.add(at + "needs Next or End");
            if (s.next() != null && s.isEnd()) problems.add(at + "has both Next and End");
        }
        List<String> targets = new ArrayList<>();
        if (s.next() != null) targets.add(s.next());
        s.catchers().forEach(c -> targets.add(c.next()));
        if (s.type().equals("Choice")) {
            s.json().path("Choices").forEach(c -> targets.add(c.path("Next").asText(null)));
            if (s.has("Default")) targets.add(s.get("Default").asText());
        }
        for (String t : targets) {
            if (t == null || !names.contains(t)) problems.add(at + "transition to unknown state '" + t + "'");
        }
    }
}
