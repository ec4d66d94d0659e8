package dev.longvqa.local.web;

import dev.longvqa.contract.JobQuestion;
import dev.longvqa.contract.SegmentSummary;
import dev.longvqa.contract.ScenesDocument;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.longvqa.contract.Json;
import dev.longvqa.contract.api.AnswerView;
import dev.longvqa.contract.api.ApiError;
import dev.longvqa.contract.api.ApiPaths;
import dev.longvqa.contract.api.CompleteUploadRequest;
import dev.longvqa.contract.api.JobList;
import dev.longvqa.contract.api.JobView;
import dev.longvqa.contract.api.QuestionsAccepted;
import dev.longvqa.contract.api.QuestionsRequest;
import dev.longvqa.contract.api.ReportLink;
import dev.longvqa.contract.api.SceneDetail;
import dev.longvqa.contract.api.UploadCompleted;
import dev.longvqa.contract.api.UploadRequest;
import dev.longvqa.contract.api.UploadResponse;

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
 * document states (bodies are the contract's records, dev.longvqa.contract.api), the static files from the web module's classpath resources as the API serves
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

    // --- the API: the routes of docs/openapi.yaml, with the contract's records as bodies ---

    private void api(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath(), method = ex.getRequestMethod();
        calls.add(method + " " + path);
        try {
            String[] p = path.substring(1).split("/", -1);
            if (method.equals("GET") && path.equals("/")) {
                file(ex, "index.html");
            } else if (method.equals("GET") && path.startsWith(ApiPaths.STATIC_PREFIX) && p.length == 2) {
                file(ex, p[1]);
            } else if (method.equals("POST") && path.equals(ApiPaths.VIDEOS)) {
                json(ex, 201, createUpload(body(ex, UploadRequest.class)));
            } else if (method.equals("POST") && p.length == 3 && path.equals(ApiPaths.complete(p[1]))) {
                json(ex, 200, complete(p[1], body(ex, CompleteUploadRequest.class)));
            } else if (method.equals("GET") && path.equals(ApiPaths.JOBS)) {
                json(ex, 200, list());
            } else if (p.length >= 2 && path.startsWith(ApiPaths.JOBS + "/")) {
                Job j = job(p[1]);
                if (method.equals("GET") && path.equals(ApiPaths.job(j.id))) json(ex, 200, view(j));
                else if (method.equals("GET") && path.equals(ApiPaths.scenes(j.id))) json(ex, 200, scenes(j));
                else if (method.equals("POST") && path.equals(ApiPaths.questions(j.id))) json(ex, 202, ask(j, body(ex, QuestionsRequest.class)));
                else if (method.equals("GET") && p.length == 4 && path.equals(ApiPaths.answer(j.id, p[3]))) json(ex, 200, answer(j, p[3]));
                else if (method.equals("GET") && path.equals(ApiPaths.report(j.id))) json(ex, 200, report(j));
                else throw new Fault(404, "NOT_FOUND", "no route " + method + " " + path, null);
            } else {
                throw new Fault(404, "NOT_FOUND", "no route " + method + " " + path, null);
            }
        } catch (Fault f) {
            json(ex, f.http, ApiError.of(f.type, f.getMessage(), f.status));
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

    private UploadResponse createUpload(UploadRequest req) {
        String name = req.fileName() == null ? "" : req.fileName();
        if (name.isEmpty() || name.length() > 200) throw new Fault(400, "BAD_REQUEST", "fileName must be 1 to 200 characters", null);
        if (req.sizeBytes() == null || req.sizeBytes() < 1) throw new Fault(400, "BAD_REQUEST", "sizeBytes must be at least 1", null);
        List<String> qs = req.questions() == null || req.questions().isEmpty() ? List.of("What happens in the video?") : req.questions();
        validate(qs);
        byte[] id = new byte[16];
        new java.security.SecureRandom().nextBytes(id);
        Job j = new Job(HexFormat.of().formatHex(id), name.replaceAll("[^A-Za-z0-9 ._()-]", "_"), req.sizeBytes());
        List<JobQuestion> refs = new ArrayList<>();
        for (String q : qs) {
            String qid = "q" + (j.questions.size() + 1);
            j.questions.put(qid, new Question(qid, q, 0));
            refs.add(new JobQuestion(qid, q));
        }
        jobs.put(j.id, j);
        String expires = Instant.now().plusSeconds(900).toString();
        if (j.size < multipartThreshold) {
            return new UploadResponse(j.id, j.key, expires, multipartThreshold, storageUrl() + "bucket/" + j.key + "?X-Amz-Signature=stub",
                    null, null, null, null, refs);
        }
        List<UploadResponse.PartUrl> parts = new ArrayList<>();
        for (int n = 1; (long) (n - 1) * partSize < j.size; n++) {
            parts.add(new UploadResponse.PartUrl(n, storageUrl() + "bucket/" + j.key + "?partNumber=" + n + "&uploadId=up-" + j.id));
        }
        return new UploadResponse(j.id, j.key, expires, multipartThreshold, null, "up-" + j.id, partSize, parts,
                ApiPaths.complete(j.id), refs);
    }

    /** POST videos/{id}/complete: the parts become the object, in part order, and the job starts. */
    private UploadCompleted complete(String id, CompleteUploadRequest req) {
        Job j = jobs.get(id);
        if (j == null) throw new Fault(404, "NOT_FOUND", "no upload for job " + id, null);
        if (!j.key.equals(req.key()) || !("up-" + j.id).equals(req.uploadId())) {
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
        return new UploadCompleted(j.id, j.key);
    }

    private static void validate(List<String> qs) {
        if (qs.isEmpty() || qs.size() > 20) throw new Fault(400, "BAD_QUESTION", "ask 1 to 20 questions", null);
        for (String q : qs) {
            if (q == null || q.isBlank() || q.length() > 2000) throw new Fault(400, "BAD_QUESTION", "a question must be 1 to 2000 characters", null);
        }
    }

    private JobList list() {
        return new JobList(jobs.values().stream().filter(j -> j.object != null).sorted((a, b) -> b.created.compareTo(a.created))
                .map(j -> new JobList.JobSummary(j.id, j.fileName, status(j), STAGES.get(step(j)), j.created.toString(), null, null))
                .toList(), null);
    }

    private JobView view(Job j) {
        int s = step(j);
        boolean succeeded = STATUSES.get(s).equals("SUCCEEDED");
        List<JobView.StageProgress> progress = new ArrayList<>();
        for (int i = 0; i < STAGES.size(); i++) {
            progress.add(new JobView.StageProgress(STAGES.get(i), succeeded || i < s ? JobView.StageState.DONE
                    : i == s ? JobView.StageState.RUNNING : JobView.StageState.PENDING, succeeded || i < s ? stepMillis : null));
        }
        List<AnswerView> answers = j.questions.values().stream().map(q -> answerView(j, q)).toList();
        return new JobView(j.id, j.fileName, j.key, j.size, STATUSES.get(s), STAGES.get(s), j.created.toString(), null, 24.0, progress,
                s >= 3 ? new JobView.ScenesSummary(3, 24, 2) : null, answers,
                succeeded ? new JobView.CostSummary(550L, 55L, 0L, java.util.Map.of("decode", 1200L, "answer", 300L)) : null, null);
    }

    private AnswerView answerView(Job j, Question q) {
        boolean done = q.askedAt() == 0 ? status(j).equals("SUCCEEDED") : System.currentTimeMillis() - q.askedAt() > stepMillis;
        return done ? new AnswerView(q.id(), q.text(), AnswerView.State.ANSWERED, "stub answer to: " + q.text(), "stub-model", null)
                : new AnswerView(q.id(), q.text(), AnswerView.State.PENDING, null, null, null);
    }

    private SceneDetail scenes(Job j) {
        if (step(j) < 3) throw new Fault(409, "NOT_READY", "the job has no scenes yet", status(j));
        List<SceneDetail.SceneView> scenes = new ArrayList<>();
        for (int i = 0; i < 3; i++) scenes.add(new SceneDetail.SceneView(i, 8.0 * i, 8.0 * i + 8, 8.0 * i + 4));
        List<ScenesDocument.CurveEntry> curve = new ArrayList<>();
        for (int t = 1; t < 24; t++) curve.add(new ScenesDocument.CurveEntry(t, t % 8 == 0 ? 0.31 : 0.95 + 0.01 * (t % 3)));
        List<SegmentSummary> segs = step(j) < 4 ? List.of() : List.of(
                new SegmentSummary(0, 0, 12, "Shapes <b>bounce</b> & move."),
                new SegmentSummary(1, 12, 24, "Rings zoom.\nThen noise."));
        return new SceneDetail(j.id, 24.0, scenes, curve, segs);
    }

    private QuestionsAccepted ask(Job j, QuestionsRequest req) {
        List<String> qs = req.questions() == null ? List.of() : req.questions();
        validate(qs);
        if (!status(j).equals("SUCCEEDED")) throw new Fault(409, "NOT_READY", "the video is not processed yet", status(j));
        List<JobQuestion> refs = new ArrayList<>();
        synchronized (j) {
            for (String q : qs) {
                String qid = "q" + (j.questions.size() + 1);
                j.questions.put(qid, new Question(qid, q, System.currentTimeMillis()));
                refs.add(new JobQuestion(qid, q));
            }
        }
        return new QuestionsAccepted(j.id, refs, null);
    }

    private AnswerView answer(Job j, String qid) {
        Question q = j.questions.get(qid);
        if (q == null) throw new Fault(404, "NOT_FOUND", "no question " + qid, null);
        return answerView(j, q);
    }

    private ReportLink report(Job j) {
        if (!status(j).equals("SUCCEEDED")) throw new Fault(409, "NOT_READY", "no report yet", status(j));
        return new ReportLink(storageUrl() + "bucket/jobs/" + j.id + "/report.html?X-Amz-Signature=stub", Instant.now().plusSeconds(900).toString());
    }

    private void file(HttpExchange ex, String name) throws IOException {
        try (InputStream in = StubApiServer.class.getClassLoader().getResourceAsStream(ApiPaths.STATIC_RESOURCES + name)) {
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

    // --- plumbing ---

    private static <T> T body(HttpExchange ex, Class<T> type) throws IOException {
        byte[] b = ex.getRequestBody().readAllBytes();
        try {
            return Json.mapper().readValue(b, type);
        } catch (IOException e) {
            throw new Fault(400, "BAD_REQUEST", "the body is not a " + type.getSimpleName(), null);
        }
    }

    private static void json(HttpExchange ex, int status, Object body) throws IOException {
        byte[] b = Json.mapper().writeValueAsBytes(body);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }
}
