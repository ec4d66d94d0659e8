package dev.longvqa.local.sfn;

import dev.longvqa.contract.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.longvqa.local.asl.AslExecutor;
import dev.longvqa.local.asl.Execution;
import dev.longvqa.local.asl.ExecutionResult;
import dev.longvqa.local.asl.ExecutionStatus;
import dev.longvqa.local.asl.HistoryEvent;
import dev.longvqa.local.asl.TaskTokens;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The Step Functions API over HTTP (AWS JSON 1.0: {@code POST /}, {@code X-Amz-Target:
 * AWSStepFunctions.<Operation>}) for a few local executors, so the real worker's SDK
 * {@code SfnClient} works with only an endpoint override ({@code AWS_ENDPOINT_URL_SFN}).
 * Request signatures are not checked. Operations: StartExecution, DescribeExecution,
 * ListExecutions, GetExecutionHistory, StopExecution, SendTaskSuccess, SendTaskFailure,
 * SendTaskHeartbeat; anything else answers UnknownOperationException.
 */
public final class StepFunctionsApiServer implements AutoCloseable {
    private static final ObjectMapper JSON = Json.mapper();
    private static final String TARGET_PREFIX = "AWSStepFunctions.";

    private final HttpServer server;
    private final Map<String, AslExecutor> executors = new LinkedHashMap<>();
    private final Set<TaskTokens> tokens = new LinkedHashSet<>();
    private final ExecutorService pool = Executors.newCachedThreadPool(Thread.ofPlatform().daemon().name("sfn-api-", 0).factory());

    private StepFunctionsApiServer(HttpServer server, List<AslExecutor> executors) {
        this.server = server;
        for (AslExecutor e : executors) {
            this.executors.put(e.stateMachineArn(), e);
            this.tokens.add(e.taskTokens());
        }
    }

    /** Starts on 127.0.0.1:{@code port} (0 picks a free port). */
    public static StepFunctionsApiServer start(AslExecutor executor, int port) throws IOException {
        return start(List.of(executor), port);
    }

    public static StepFunctionsApiServer start(List<AslExecutor> executors, int port) throws IOException {
        if (executors.isEmpty()) throw new IllegalArgumentException("at least one executor");
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        StepFunctionsApiServer s = new StepFunctionsApiServer(http, executors);
        http.createContext("/", s::handle);
        // platform threads: callbacks must be served even while CPU-bound handlers occupy every
        // virtual-thread carrier; requests are short and few, a cached pool is plenty
        http.setExecutor(s.pool);
        http.start();
        return s;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** http://127.0.0.1:PORT — the value for endpointOverride / AWS_ENDPOINT_URL_SFN. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port());
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }

    /** An API error: {@code type} is the exception name the SDK maps to its exception class. */
    static final class SfnApiException extends RuntimeException {
        final String type;
        final int status;

        SfnApiException(String type, String message) {
            this(type, 400, message);
        }

        SfnApiException(String type, int status, String message) {
            super(message, null, false, false);
            this.type = type;
            this.status = status;
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            int status = 200;
            JsonNode response;
            try {
                if (!"POST".equals(exchange.getRequestMethod())) {
                    throw new SfnApiException("UnknownOperationException", 404, "only POST / is served");
                }
                String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
                if (target == null || !target.startsWith(TARGET_PREFIX)) {
                    throw new SfnApiException("UnknownOperationException", "missing or foreign X-Amz-Target: " + target);
                }
                JsonNode body;
                try (InputStream in = exchange.getRequestBody()) {
                    byte[] bytes = in.readAllBytes();
                    body = bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
                } catch (JsonProcessingException e) {
                    throw new SfnApiException("SerializationException", "request body is not JSON");
                }
                response = dispatch(target.substring(TARGET_PREFIX.length()), body);
            } catch (SfnApiException e) {
                status = e.status;
                exchange.getResponseHeaders().add("x-amzn-ErrorType", e.type);
                response = JSON.createObjectNode().put("__type", e.type).put("message", e.getMessage());
            } catch (TaskTokens.TokenException e) {
                status = 400;
                exchange.getResponseHeaders().add("x-amzn-ErrorType", e.errorCode());
                response = JSON.createObjectNode().put("__type", e.errorCode()).put("message", e.getMessage());
            } catch (RuntimeException e) {
                status = 500;
                exchange.getResponseHeaders().add("x-amzn-ErrorType", "InternalFailure");
                response = JSON.createObjectNode().put("__type", "InternalFailure").put("message", e.toString());
            }
            byte[] out = JSON.writeValueAsBytes(response);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
            exchange.getResponseHeaders().add("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
            exchange.sendResponseHeaders(status, out.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(out);
            }
        }
    }

    JsonNode dispatch(String operation, JsonNode req) {
        return switch (operation) {
            case "SendTaskSuccess" -> {
                String token = required(req, "taskToken");
                JsonNode output;
                try {
                    output = JSON.readTree(required(req, "output"));
                } catch (JsonProcessingException e) {
                    throw new SfnApiException("InvalidOutput", "output is not valid JSON");
                }
                tokensFor(token).sendSuccess(token, output);
                yield JSON.createObjectNode();
            }
            case "SendTaskFailure" -> {
                String token = required(req, "taskToken");
                tokensFor(token).sendFailure(token, req.path("error").asText(null), req.path("cause").asText(null));
                yield JSON.createObjectNode();
            }
            case "SendTaskHeartbeat" -> {
                String token = required(req, "taskToken");
                tokensFor(token).sendHeartbeat(token);
                yield JSON.createObjectNode();
            }
            case "StartExecution" -> {
                AslExecutor ex = executor(required(req, "stateMachineArn"));
                JsonNode input;
                try {
                    input = req.hasNonNull("input") ? JSON.readTree(req.get("input").asText()) : JSON.createObjectNode();
                } catch (JsonProcessingException e) {
                    throw new SfnApiException("InvalidExecutionInput", "input is not valid JSON");
                }
                if (input == null || input.isMissingNode()) input = JSON.createObjectNode();
                try {
                    Execution e = ex.start(req.path("name").asText(null), input);
                    yield JSON.createObjectNode().put("executionArn", e.arn()).put("startDate", epoch(e.startDate()));
                } catch (AslExecutor.ExecutionAlreadyExistsException e) {
                    throw new SfnApiException("ExecutionAlreadyExists", e.getMessage());
                }
            }
            case "DescribeExecution" -> describe(execution(required(req, "executionArn")));
            case "StopExecution" -> {
                Execution e = execution(required(req, "executionArn"));
                e.stop(req.path("error").asText(null), req.path("cause").asText(null));
                Instant stop = e.describe().stopDate();
                yield JSON.createObjectNode().put("stopDate", epoch(stop == null ? Instant.now() : stop));
            }
            case "ListExecutions" -> listExecutions(req);
            case "GetExecutionHistory" -> history(req);
            default -> throw new SfnApiException("UnknownOperationException", "operation " + operation + " is not served locally");
        };
    }

    private static String required(JsonNode req, String field) {
        JsonNode v = req.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new SfnApiException("ValidationException", "1 validation error detected: '" + field + "' must not be null");
        }
        return v.asText();
    }

    private TaskTokens tokensFor(String token) {
        for (TaskTokens t : tokens) if (t.isOpen(token)) return t;
        // not open anywhere: let the first registry classify it (invalid, timed out, unknown)
        return tokens.iterator().next();
    }

    private AslExecutor executor(String stateMachineArn) {
        AslExecutor e = executors.get(stateMachineArn);
        if (e == null) throw new SfnApiException("StateMachineDoesNotExist", "State Machine Does Not Exist: '" + stateMachineArn + "'");
        return e;
    }

    private Execution execution(String arn) {
        for (AslExecutor ex : executors.values()) {
            Execution e = ex.execution(arn);
            if (e != null) return e;
        }
        if (!arn.startsWith("arn:aws:states:")) throw new SfnApiException("InvalidArn", "Invalid Arn: '" + arn + "'");
        throw new SfnApiException("ExecutionDoesNotExist", "Execution Does Not Exist: '" + arn + "'");
    }

    private static double epoch(Instant t) {
        return t.getEpochSecond() + t.getNano() / 1e9;
    }

    private ObjectNode describe(Execution e) {
        ExecutionResult r = e.describe();
        ObjectNode out = JSON.createObjectNode();
        out.put("executionArn", r.executionArn()).put("stateMachineArn", e.stateMachineArn()).put("name", r.name())
                .put("status", r.status().name()).put("startDate", epoch(r.startDate())).put("input", r.input().toString());
        if (r.stopDate() != null) out.put("stopDate", epoch(r.stopDate()));
        if (r.output() != null) out.put("output", r.output().toString());
        if (r.error() != null) out.put("error", r.error());
        if (r.cause() != null) out.put("cause", r.cause());
        return out;
    }

    private JsonNode listExecutions(JsonNode req) {
        AslExecutor ex = executor(required(req, "stateMachineArn"));
        ExecutionStatus filter = null;
        if (req.hasNonNull("statusFilter")) {
            try {
                filter = ExecutionStatus.valueOf(req.get("statusFilter").asText());
            } catch (IllegalArgumentException e) {
                throw new SfnApiException("ValidationException", "bad statusFilter " + req.get("statusFilter"));
            }
        }
        List<Execution> all = new ArrayList<>();
        for (Execution e : ex.executions()) if (filter == null || e.status() == filter) all.add(e);
        ObjectNode out = JSON.createObjectNode();
        ArrayNode list = out.putArray("executions");
        Page page = page(req, all.size());
        for (int i = page.from; i < page.to; i++) {
            ExecutionResult r = all.get(i).describe();
            ObjectNode item = list.addObject().put("executionArn", r.executionArn()).put("stateMachineArn", ex.stateMachineArn())
                    .put("name", r.name()).put("status", r.status().name()).put("startDate", epoch(r.startDate()));
            if (r.stopDate() != null) item.put("stopDate", epoch(r.stopDate()));
        }
        if (page.nextToken != null) out.put("nextToken", page.nextToken);
        return out;
    }

    private JsonNode history(JsonNode req) {
        Execution e = execution(required(req, "executionArn"));
        List<HistoryEvent> events = new ArrayList<>(e.history());
        if (req.path("reverseOrder").asBoolean(false)) java.util.Collections.reverse(events);
        boolean includeData = req.path("includeExecutionData").asBoolean(true);
        Page page = page(req, events.size());
        ObjectNode out = JSON.createObjectNode();
        ArrayNode list = out.putArray("events");
        for (int i = page.from; i < page.to; i++) {
            HistoryEvent h = events.get(i);
            ObjectNode item = list.addObject().put("timestamp", epoch(h.timestamp())).put("type", h.type())
                    .put("id", h.id()).put("previousEventId", h.previousEventId());
            ObjectNode details = h.details().deepCopy();
            if (!includeData) details.remove(List.of("input", "output"));
            item.set(h.detailsKey(), details);
        }
        if (page.nextToken != null) out.put("nextToken", page.nextToken);
        return out;
    }

    /** Pagination: nextToken is simply the offset of the next item. */
    private record Page(int from, int to, String nextToken) {}

    private static Page page(JsonNode req, int size) {
        int max = req.path("maxResults").asInt(0);
        if (max <= 0) max = 1000;
        int from = 0;
        if (req.hasNonNull("nextToken")) {
            try {
                from = Integer.parseInt(req.get("nextToken").asText());
            } catch (NumberFormatException e) {
                throw new SfnApiException("InvalidToken", "Invalid pagination token");
            }
        }
        from = Math.max(0, Math.min(from, size));
        int to = Math.min(size, from + max);
        return new Page(from, to, to < size ? Integer.toString(to) : null);
    }
}
