package dev.longvqa.functions.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.longvqa.contract.Json;
import dev.longvqa.contract.api.ApiError;
import dev.longvqa.contract.api.CompleteUploadRequest;
import dev.longvqa.contract.api.HttpEvent;
import dev.longvqa.contract.api.HttpResponse;
import dev.longvqa.contract.api.QuestionsRequest;
import dev.longvqa.contract.api.UploadRequest;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import dev.longvqa.functions.AwsFaults;
import dev.longvqa.pipeline.JobId;
import software.amazon.awssdk.core.exception.SdkException;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The HTTP API (docs/openapi.yaml) over one API Gateway payload v2 event: routes it, checks the
 * caller, maps every failure to {@code {"error": {type, message}}} with its status. The Quarkus
 * handler ({@link ApiHandler}) and {@code local up} call this same method.
 */
public final class ApiService {
    private static final System.Logger LOG = System.getLogger(ApiService.class.getName());
    private static final Map<String, String> JSON_HEADERS = Map.of("content-type", "application/json", "cache-control", "no-store");

    private final Uploads uploads;
    private final JobQueries queries;
    private final FollowUps followUps;
    private final StaticFiles files;

    public ApiService(ApiDeps deps) {
        this.uploads = new Uploads(deps);
        this.queries = new JobQueries(deps);
        this.followUps = new FollowUps(deps);
        this.files = new StaticFiles();
    }

    public HttpResponse handle(HttpEvent event) {
        try {
            return route(event);
        } catch (ApiException e) {
            return error(e.httpStatus, e.type, e.getMessage(), e.jobStatus);
        } catch (LongVqaException e) {
            int status = switch (e.code().kind()) {
                case BAD_INPUT -> e.code() == ErrorCode.NOT_FOUND ? 404 : 400;
                case TRANSIENT -> e.code() == ErrorCode.THROTTLED ? 429 : 503;
                case MODEL_UNAVAILABLE -> 503;
                case INTERNAL -> 500;
            };
            if (status >= 500) LOG.log(System.Logger.Level.ERROR, "api " + event.method() + " " + event.path() + ": " + e.getMessage(), e);
            return error(status, e.code().name(), e.getMessage(), null);
        } catch (SdkException e) {
            LongVqaException c = AwsFaults.classify(e, "api");
            LOG.log(System.Logger.Level.ERROR, "api " + event.method() + " " + event.path() + ": " + e.getMessage(), e);
            return error(c.code().retryable() ? 503 : 500, c.code().name(), "a dependency failed; try again", null);
        } catch (RuntimeException e) {
            // never a stack trace to the caller: it is in the log, under the request
            LOG.log(System.Logger.Level.ERROR, "api " + event.method() + " " + event.path() + " failed", e);
            return error(500, ErrorCode.INTERNAL.name(), "internal error", null);
        }
    }

    private HttpResponse route(HttpEvent e) {
        String method = e.method();
        String path = e.path();
        if (method == null || path == null) throw ApiException.badRequest("not an HTTP API payload v2 event");
        // the page and its files: no identity needed to read them (the stack still signs every route)
        if (StaticFiles.isPage(method, path)) return files.forPath(path);
        List<String> parts = segments(path);
        String caller = e.caller();
        if (caller == null) {
            return error(403, ErrorCode.BAD_REQUEST.name(), "the request carries no caller identity (IAM or JWT authorizer)", null);
        }
        String route = method + " " + shape(parts);
        return switch (route) {
            case "POST /videos" -> json(201, uploads.create(caller, body(e, UploadRequest.class)));
            case "POST /videos/*/complete" -> json(200, uploads.complete(caller, jobId(parts.get(1)), body(e, CompleteUploadRequest.class)));
            case "GET /jobs" -> json(200, queries.list(caller, query(e, "limit"), query(e, "next")));
            case "GET /jobs/*" -> json(200, queries.get(caller, jobId(parts.get(1))));
            case "GET /jobs/*/scenes" -> json(200, queries.scenes(caller, jobId(parts.get(1))));
            case "GET /jobs/*/report" -> json(200, queries.report(caller, jobId(parts.get(1))));
            case "GET /jobs/*/answers/*" -> json(200, queries.answer(caller, jobId(parts.get(1)), parts.get(3)));
            case "POST /jobs/*/questions" -> json(202, followUps.ask(caller, jobId(parts.get(1)), body(e, QuestionsRequest.class)));
            default -> error(404, ErrorCode.NOT_FOUND.name(), "no route " + method + " " + path, null);
        };
    }

    /** {@code /jobs/abc/answers/q1} → [jobs, abc, answers, q1]; a trailing slash is ignored. */
    private static List<String> segments(String path) {
        return java.util.Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
    }

    /** The route with its variables as {@code *}: jobs and videos keep their literal words. */
    private static String shape(List<String> parts) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < parts.size(); i++) {
            String p = parts.get(i);
            boolean literal = i % 2 == 0 || (i == 2 && (p.equals("complete") || p.equals("scenes") || p.equals("report")
                    || p.equals("questions") || p.equals("answers")));
            b.append('/').append(literal ? p : "*");
        }
        return b.isEmpty() ? "/" : b.toString();
    }

    private static String jobId(String text) {
        try {
            return new JobId(text).value();
        } catch (RuntimeException e) {
            throw ApiException.badRequest("not a job id: " + (text.length() > 64 ? text.substring(0, 64) + "…" : text));
        }
    }

    private static String query(HttpEvent e, String name) {
        return e.queryStringParameters() == null ? null : e.queryStringParameters().get(name);
    }

    private static <T> T body(HttpEvent e, Class<T> type) {
        String text = e.body();
        if (text == null || text.isBlank()) throw ApiException.badRequest("a JSON body is required");
        if (e.isBase64Encoded()) text = new String(Base64.getDecoder().decode(text), StandardCharsets.UTF_8);
        try {
            T value = Json.mapper().readValue(text, type);
            if (value == null) throw ApiException.badRequest("a JSON body is required");
            return value;
        } catch (JsonProcessingException ex) {
            throw ApiException.badRequest("the body is not a " + type.getSimpleName() + ": " + ex.getOriginalMessage());
        }
    }

    static HttpResponse json(int status, Object value) {
        try {
            return new HttpResponse(status, JSON_HEADERS, Json.mapper().writeValueAsString(value), false);
        } catch (JsonProcessingException e) {
            throw new LongVqaException(ErrorCode.INTERNAL, "cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    static HttpResponse error(int status, String type, String message, String jobStatus) {
        return json(status, ApiError.of(type, message, jobStatus));
    }
}
