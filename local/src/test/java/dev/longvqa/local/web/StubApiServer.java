package dev.longvqa.local.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.longvqa.contract.Json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for the jobs and questions API of docs/openapi.yaml, for the page's tests while (or
 * where) the real one is not at hand: the routes, shapes, status codes and error bodies the
 * document states, the static files from the web module's classpath resources as the API serves
 * them, and presigned-style upload URLs on a second origin (as S3 is), with the CORS answers a
 * bucket configured for the page must give. A job moves through its statuses on a clock once its
 * object is complete; its scenes, curve and summaries are fixed made-up data.
 *
 * <p>The real API is the product; this is test scaffolding, and the page test that matters runs
 * against {@code local up} ({@link WebPageLocalUpTest}).
 */
final class StubApiServer implements AutoCloseable {
    static final List<String> STATUSES = List.of("RECEIVED", "DECODING", "SEGMENTING", "REASONING", "ANSWERING", "SUCCEEDED");
    static final List<String> STAGES = List.of("register", "plan", "decode", "segment", "reason", "answer");
    private static final String STATIC = "/dev/longvqa/web/static/";

    private final HttpServer api, storage;
    private final long multipartThreshold, partSize;
    private final long stepMillis;
    final Map<String, Job> jobs = new ConcurrentHashMap<>();
    /** Every API request as "METHOD path", for assertions on what the page called. */
    final List<String> calls = new CopyOnWriteArrayList<>();

    static final class Job {
        final String id, fileName, key;
        final long size;
        final Instant created = Instant.now();
        final Map<Integer, byte[]> parts = new ConcurrentHashMap<>();
        volatile byte[] object;
        volatile long completedAt;
        final Map<String, Question> questions = new LinkedHashMap<>();

        Job(String id, String fileName, long size) {
            this.id = id;
            this.fileName = fileName;
            this.size = size;
            this.key = "videos/" + id + "/" + fileName;
        }
    }

    record Question(String id, String text, long askedAt) {}

    StubApiServer(long multipartThreshold, long partSize, long stepMillis) throws IOException {
        this.multipartThreshold = multipartThreshold;
        this.partSize = partSize;
        this.stepMillis = stepMillis;
        api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        storage = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        api.createContext("/", this::api);
        storage.createContext("/", this::storage);
        api.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        storage.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        api.start();
        storage.start();
    }

    String url() {
        return "http://127.0.0.1:" + api.getAddress().getPort() + "/";
    }

    private String storageUrl() {
        return "http://127.0.0.1:" + storage.getAddress().getPort() + "/";
    }

    @Override
    public void close() {
        api.stop(0);
        storage.stop(0);
    }

    // --- the API ---

    private void api(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath(), method = ex.getRequestMethod();
        calls.add(method + " " + path);
        try {
            String[] p = path.substring(1).split("/", -1);
            if (method.equals("GET") && path.equals("/")) {
                file(ex, "index.html");
            } else if (method.equals("GET") && p[0].equals("static") && p.length == 2) {
                file(ex, p[1]);
            } else if (method.equals("POST") && path.equals("/videos")) {
                createUpload(ex);
            } else if (method.equals("POST") && p.length == 3 && p[0].equals("videos") && p[2].equals("complete")) {
                completeMultipart(ex, p[1]);
            } else if (method.equals("GET") && path.equals("/jobs")) {
                list(ex);
            } else if (p.length >= 2 && p[0].equals("jobs")) {
                Job j = job(p[1]);
                if (method.equals("GET") && p.length == 2) json(ex, 200, view(j));
                else if (method.equals("GET") && p.length == 3 && p[2].equals("scenes")) scenes(ex, j);
                else if (method.equals("POST") && p.length == 3 && p[2].equals("questions")) ask(ex, j);
                else if (method.equals("GET") && p.length == 4 && p[2].equals("answers")) answer(ex, j, p[3]);
                else if (method.equals("GET") && p.length == 3 && p[2].equals("report")) report(ex, j);
                else throw new Fault(404, "NOT_FOUND", "no route " + method + " " + path, null);
            } else {
                throw new Fault(404, "NOT_FOUND", "no route " + method + " " + path, null);
            }
        } catch (Fault f) {
            ObjectNode body = Json.mapper().createObjectNode();
            ObjectNode e = body.putObject("error").put("type", f.type).put("message", f.getMessage());
            if (f.status != null) e.put("status", f.status);
            json(ex, f.http, body);
        }
    }

    private static final class Fault extends RuntimeException {
        final int http;
        final String type, status;

        Fault(int http, String type, String message, String status) {
            super(message);
            this.http = http;
            this.type = type;
            this.status = status;
        }
    }

    private Job job(String id) {
        if (!id.matches("[0-9a-f]{32}")) throw new Fault(400, "BAD_REQUEST", "a job id is 32 hexadecimal digits", null);
        Job j = jobs.get(id);
        // Registered only once its object exists (the document: 404 until the upload is registered).
        if (j == null || j.object == null) throw new Fault(404, "NOT_FOUND", "no job " + id, null);
        return j;
    }

    private int step(Job j) {
        return (int) Math.min(STATUSES.size() - 1, (System.currentTimeMillis() - j.completedAt) / stepMillis);
    }

    private String status(Job j) {
        return STATUSES.get(step(j));
    }

    private void createUpload(HttpExchange ex) throws IOException {
        JsonNode req = body(ex);
        String name = req.path("fileName").asText("");
        long size = req.path("sizeBytes").asLong(0);
        if (name.isEmpty() || name.length() > 200) throw new Fault(400, "BAD_REQUEST", "fileName must be 1 to 200 characters", null);
        if (size < 1) throw new Fault(400, "BAD_REQUEST", "sizeBytes must be at least 1", null);
        List<String> qs = new ArrayList<>();
        for (JsonNode q : req.path("questions")) qs.add(q.asText());
        if (qs.isEmpty()) qs.add("What happens in the video?");
        validate(qs);
        byte[] id = new byte[16];
        new java.security.SecureRandom().nextBytes(id);
        Job j = new Job(HexFormat.of().formatHex(id), name.replaceAll("[^A-Za-z0-9 ._()-]", "_"), size);
        for (String q : qs) {
            String qid = "q" + (j.questions.size() + 1);
            j.questions.put(qid, new Question(qid, q, 0));
        }
        jobs.put(j.id, j);
        ObjectNode r = Json.mapper().createObjectNode().put("jobId", j.id).put("key", j.key)
                .put("expiresAt", Instant.now().plusSeconds(900).toString()).put("multipartThresholdBytes", multipartThreshold);
        if (size <= multipartThreshold) {
            r.put("url", storageUrl() + "bucket/" + j.key + "?X-Amz-Signature=stub");
        } else {
            r.put("uploadId", "up-" + j.id).put("partSizeBytes", partSize).put("completePath", "/videos/" + j.id + "/complete");
            ArrayNode parts = r.putArray("parts");
            for (int n = 1; (long) (n - 1) * partSize < size; n++) {
                parts.addObject().put("partNumber", n).put("url", storageUrl() + "bucket/" + j.key + "?partNumber=" + n + "&uploadId=up-" + j.id);
            }
        }
        ArrayNode qr = r.putArray("questions");
        j.questions.values().forEach(q -> qr.addObject().put("id", q.id()).put("text", q.text()));
        json(ex, 201, r);
    }

    private static void validate(List<String> qs) {
        if (qs.isEmpty() || qs.size() > 20) throw new Fault(400, "BAD_QUESTION", "ask 1 to 20 questions", null);
        for (String q : qs) {
            if (q.isBlank() || q.length() > 2000) throw new Fault(400, "BAD_QUESTION", "a question must be 1 to 2000 characters", null);
        }
    }

    private void list(HttpExchange ex) throws IOException {
        ObjectNode r = Json.mapper().createObjectNode();
        ArrayNode arr = r.putArray("jobs");
        jobs.values().stream().filter(j -> j.object != null).sorted((a, b) -> b.created.compareTo(a.created))
                .forEach(j -> arr.addObject().put("jobId", j.id).put("fileName", j.fileName).put("status", status(j))
                        .put("stage", STAGES.get(step(j))).put("createdAt", j.created.toString()));
        json(ex, 200, r);
    }

    private ObjectNode view(Job j) {
        int s = step(j);
        ObjectNode v = Json.mapper().createObjectNode().put("jobId", j.id).put("fileName", j.fileName).put("key", j.key)
                .put("sizeBytes", j.size).put("status", STATUSES.get(s)).put("stage", STAGES.get(s)).put("durationSec", 24.0);
        ArrayNode progress = v.putArray("progress");
        for (int i = 0; i < STAGES.size(); i++) {
            boolean done = STATUSES.get(s).equals("SUCCEEDED") || i < s;
            progress.addObject().put("stage", STAGES.get(i)).put("state", done ? "DONE" : i == s ? "RUNNING" : "PENDING");
        }
        if (s >= 3) v.putObject("scenes").put("count", 3).put("frameCount", 24).put("segmentCount", 2);
        ArrayNode qs = v.putArray("questions");
        for (Question q : j.questions.values()) qs.add(answerView(j, q));
        return v;
    }

    private ObjectNode answerView(Job j, Question q) {
        boolean done = q.askedAt() == 0 ? status(j).equals("SUCCEEDED") : System.currentTimeMillis() - q.askedAt() > stepMillis;
        ObjectNode a = Json.mapper().createObjectNode().put("questionId", q.id()).put("question", q.text())
                .put("state", done ? "ANSWERED" : "PENDING");
        if (done) a.put("answer", "stub answer to: " + q.text()).put("model", "stub-model");
        return a;
    }

    private void scenes(HttpExchange ex, Job j) throws IOException {
        if (step(j) < 3) throw new Fault(409, "NOT_READY", "the job has no scenes yet", status(j));
        ObjectNode r = Json.mapper().createObjectNode().put("jobId", j.id).put("durationSec", 24.0);
        ArrayNode scenes = r.putArray("scenes"), curve = r.putArray("curve"), segs = r.putArray("segments");
        for (int i = 0; i < 3; i++) {
            scenes.addObject().put("index", i).put("startSec", 8.0 * i).put("endSec", 8.0 * i + 8).put("representativeSec", 8.0 * i + 4);
        }
        for (int t = 1; t < 24; t++) curve.addObject().put("timeSec", (double) t).put("similarity", t % 8 == 0 ? 0.31 : 0.95 + 0.01 * (t % 3));
        if (step(j) >= 4) {
            segs.addObject().put("index", 0).put("startSec", 0.0).put("endSec", 12.0).put("summary", "Shapes <b>bounce</b> & move.");
            segs.addObject().put("index", 1).put("startSec", 12.0).put("endSec", 24.0).put("summary", "Rings zoom.\nThen noise.");
        }
        json(ex, 200, r);
    }

    private void ask(HttpExchange ex, Job j) throws IOException {
        JsonNode req = body(ex);
        List<String> qs = new ArrayList<>();
        for (JsonNode q : req.path("questions")) qs.add(q.asText());
        validate(qs);
        if (!status(j).equals("SUCCEEDED")) throw new Fault(409, "NOT_READY", "the video is not processed yet", status(j));
        ObjectNode r = Json.mapper().createObjectNode().put("jobId", j.id);
        ArrayNode arr = r.putArray("questions");
        synchronized (j) {
            for (String q : qs) {
                String qid = "q" + (j.questions.size() + 1);
                j.questions.put(qid, new Question(qid, q, System.currentTimeMillis()));
                arr.addObject().put("id", qid).put("text", q);
            }
        }
        json(ex, 202, r);
    }

    private void answer(HttpExchange ex, Job j, String qid) throws IOException {
        Question q = j.questions.get(qid);
        if (q == null) throw new Fault(404, "NOT_FOUND", "no question " + qid, null);
        json(ex, 200, answerView(j, q));
    }

    private void report(HttpExchange ex, Job j) throws IOException {
        if (!status(j).equals("SUCCEEDED")) throw new Fault(409, "NOT_READY", "no report yet", status(j));
        json(ex, 200, Json.mapper().createObjectNode().put("url", storageUrl() + "bucket/jobs/" + j.id + "/report.html?X-Amz-Signature=stub")
                .put("expiresAt", Instant.now().plusSeconds(900).toString()));
    }

    private void file(HttpExchange ex, String name) throws IOException {
        try (InputStream in = StubApiServer.class.getResourceAsStream(STATIC + name)) {
            if (in == null || name.contains("..")) throw new Fault(404, "NOT_FOUND", "no file " + name, null);
            byte[] b = in.readAllBytes();
            String type = name.endsWith(".html") ? "text/html; charset=utf-8" : name.endsWith(".css") ? "text/css; charset=utf-8"
                    : name.endsWith(".js") ? "text/javascript; charset=utf-8" : "application/octet-stream";
            ex.getResponseHeaders().add("Content-Type", type);
            ex.getResponseHeaders().add("X-Content-Type-Options", "nosniff");
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
        }
        ex.close();
    }

    // --- the storage origin (what presigned S3 URLs point at) ---

    private void storage(HttpExchange ex) throws IOException {
        // A bucket configured for the page: any origin may PUT, and may read the ETag back.
        ex.getResponseHeaders().add("Access-Control-Allow-Origin", "*");
        ex.getResponseHeaders().add("Access-Control-Expose-Headers", "ETag");
        if (ex.getRequestMethod().equals("OPTIONS")) {
            ex.getResponseHeaders().add("Access-Control-Allow-Methods", "PUT, GET");
            ex.getResponseHeaders().add("Access-Control-Allow-Headers", "*");
            ex.sendResponseHeaders(204, -1);
            ex.close();
            return;
        }
        URI uri = ex.getRequestURI();
        String key = uri.getPath().substring("/bucket/".length());
        Job j = jobs.values().stream().filter(x -> x.key.equals(key)).findFirst().orElse(null);
        if (!ex.getRequestMethod().equals("PUT") || j == null) {
            byte[] b = "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(404, b.length);
            ex.getResponseBody().write(b);
            ex.close();
            return;
        }
        byte[] bytes = ex.getRequestBody().readAllBytes();
        String query = uri.getQuery() == null ? "" : uri.getQuery();
        if (query.startsWith("partNumber=")) {
            j.parts.put(Integer.parseInt(query.substring("partNumber=".length(), query.indexOf('&'))), bytes);
        } else {
            j.object = bytes;
            j.completedAt = System.currentTimeMillis();
        }
        ex.getResponseHeaders().add("ETag", "\"" + HexFormat.of().formatHex(bytes, 0, Math.min(8, bytes.length)) + "\"");
        ex.sendResponseHeaders(200, -1);
        ex.close();
    }

    /** POST videos/{id}/complete: the parts become the object, in part order, and the job starts. */
    private void completeMultipart(HttpExchange ex, String id) throws IOException {
        Job j = jobs.get(id);
        if (j == null) throw new Fault(404, "NOT_FOUND", "no upload for job " + id, null);
        JsonNode req = body(ex);
        if (!req.path("key").asText().equals(j.key) || !req.path("uploadId").asText().equals("up-" + j.id)) {
            throw new Fault(400, "BAD_REQUEST", "key and uploadId do not name this upload", null);
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int n = 1; n <= j.parts.size(); n++) {
            byte[] part = j.parts.get(n);
            if (part == null) throw new Fault(400, "BAD_REQUEST", "part " + n + " is missing", null);
            all.writeBytes(part);
        }
        j.object = all.toByteArray();
        j.completedAt = System.currentTimeMillis();
        json(ex, 200, Json.mapper().createObjectNode().put("jobId", j.id).put("key", j.key));
    }

    // --- plumbing ---

    private static JsonNode body(HttpExchange ex) throws IOException {
        byte[] b = ex.getRequestBody().readAllBytes();
        try {
            return Json.mapper().readTree(b);
        } catch (IOException e) {
            throw new Fault(400, "BAD_REQUEST", "the body is not JSON", null);
        }
    }

    private static void json(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] b = Json.mapper().writeValueAsBytes(body);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }
}
