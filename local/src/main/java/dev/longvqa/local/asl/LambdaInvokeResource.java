package dev.longvqa.local.asl;

import dev.longvqa.contract.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longvqa.error.LongVqaException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * {@code arn:aws:states:::lambda:invoke} with in-process functions. Like the service integration
 * it reads {@code FunctionName} and {@code Payload} from the parameters and returns
 * {@code {"ExecutedVersion": "$LATEST", "Payload": <result>, "StatusCode": 200}}, so definitions
 * that unwrap with {@code ResultSelector {"x.$": "$.Payload"}} or {@code OutputPath "$.Payload"}
 * behave the same here.
 *
 * <p>Errors: a {@link LongVqaException} becomes {@code LongVqa.<CODE>} (what the Lambda adapters
 * report as errorType), a {@link NamedError} its own name, anything else the exception's class
 * name (the Java runtime's errorType); the Cause is the exception message. On AWS the Cause is
 * the Lambda error JSON ({@code {"errorMessage", "errorType", "stackTrace"}}) instead.
 */
public final class LambdaInvokeResource implements TaskResource {
    public static final String ARN = "arn:aws:states:::lambda:invoke";

    /** How a function's exception becomes the Cause. */
    public enum CauseFormat {
        /** the exception message */
        MESSAGE,
        /** {@code {"errorMessage", "errorType", "stackTrace"}} as a JSON string, like AWS Lambda */
        LAMBDA_JSON
    }

    private final Map<String, Function<JsonNode, JsonNode>> functions = new ConcurrentHashMap<>();
    private final CauseFormat causeFormat;

    public LambdaInvokeResource() {
        this(CauseFormat.MESSAGE);
    }

    public LambdaInvokeResource(CauseFormat causeFormat) {
        this.causeFormat = causeFormat;
    }

    public LambdaInvokeResource register(String name, Function<JsonNode, JsonNode> function) {
        functions.put(functionName(name), function);
        return this;
    }

    public Set<String> functionNames() {
        return Set.copyOf(functions.keySet());
    }

    @Override
    public JsonNode call(TaskRequest request) {
        JsonNode name = request.parameters().get("FunctionName");
        if (name == null || !name.isTextual()) {
            throw new StatesError("States.Runtime", "lambda:invoke needs Parameters.FunctionName");
        }
        JsonNode payload = request.parameters().has("Payload") ? request.parameters().get("Payload") : NullNode.getInstance();
        if (payload.isTextual()) payload = parseOrKeep(payload);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("ExecutedVersion", "$LATEST");
        out.set("Payload", invoke(name.asText(), payload));
        out.put("StatusCode", 200);
        return out;
    }

    /** The legacy Resource form (the function ARN itself): the result is the bare payload. */
    public TaskResource direct(String functionArn) {
        return request -> invoke(functionArn, request.parameters());
    }

    private JsonNode invoke(String functionName, JsonNode payload) {
        Function<JsonNode, JsonNode> f = functions.get(functionName(functionName));
        if (f == null) {
            throw new StatesError("Lambda.ResourceNotFoundException",
                    "Function not found: " + functionName + " (registered: " + functions.keySet() + ")");
        }
        try {
            // a copy: a real Lambda gets its own deserialised event and cannot alias state data
            JsonNode result = f.apply(payload.deepCopy());
            return result == null ? NullNode.getInstance() : result;
        } catch (RuntimeException e) {
            String error = e instanceof StatesError s ? s.error()
                    : e instanceof LongVqaException l ? l.code().aslName()
                    : e instanceof NamedError n ? n.errorName()
                    : e.getClass().getName();
            String message = e instanceof StatesError s ? s.cause() : e.getMessage() == null ? e.toString() : e.getMessage();
            throw new StatesError(error, causeFormat == CauseFormat.MESSAGE ? message : lambdaErrorJson(error, message, e));
        }
    }

    private static String lambdaErrorJson(String errorType, String message, Throwable e) {
        ObjectNode o = JsonNodeFactory.instance.objectNode().put("errorMessage", message).put("errorType", errorType);
        var trace = o.putArray("stackTrace");
        for (StackTraceElement el : e.getStackTrace()) trace.add(el.toString());
        return o.toString();
    }

    /** A string Payload that holds JSON is sent as that JSON, as the integration does. */
    private static JsonNode parseOrKeep(JsonNode text) {
        try {
            return Json.mapper().readTree(text.asText());
        } catch (Exception e) {
            return text;
        }
    }

    /** register, arn:aws:lambda:r:a:function:register, register:$LATEST and a:function:register alike. */
    static String functionName(String nameOrArn) {
        String s = nameOrArn;
        int fn = s.indexOf("function:");
        if (fn >= 0) s = s.substring(fn + "function:".length());
        int colon = s.indexOf(':');
        return colon >= 0 ? s.substring(0, colon) : s;
    }
}
