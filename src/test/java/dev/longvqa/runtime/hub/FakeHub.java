package dev.longvqa.runtime.hub;

import dev.longvqa.contract.Json;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A local stand-in for the Hugging Face hub serving one repository: the tree API with LFS
 * SHA-256s, and resolve URLs that redirect LFS files to a "CDN" path and honour Range requests.
 * Faults are switched on per test: serve corrupt bytes, or drop the connection mid-file once.
 */
final class FakeHub implements AutoCloseable {
    record Request(String method, String path, String range, String authorization) {
    }

    static final String REPO = "acme/tiny-llm";

    final Map<String, byte[]> files = new LinkedHashMap<>();
    final Map<String, Boolean> lfs = new LinkedHashMap<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();
    final AtomicBoolean dropNextLargeDownload = new AtomicBoolean();
    volatile boolean corrupt;
    volatile boolean treeApi = true;
    volatile boolean linkedEtagOnly;
    /** The commit the revision API names for main ({@code sha}), or null to leave it out. */
    volatile String commit;
    private final HttpServer server;

    FakeHub() throws IOException {
        byte[] weights = new byte[300_000];
        new Random(7).nextBytes(weights);
        put("config.json", "{\"model_type\":\"llama\"}".getBytes(StandardCharsets.UTF_8), false);
        put("tokenizer.json", "{\"model\":{}}".getBytes(StandardCharsets.UTF_8), false);
        put("model.safetensors", weights, true);
        put("README.md", "# tiny".getBytes(StandardCharsets.UTF_8), false);
        put("onnx/model.onnx", new byte[1000], true);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Serves the files of a checkpoint directory instead (safetensors as LFS files). */
    FakeHub serving(java.nio.file.Path dir) throws IOException {
        files.clear();
        lfs.clear();
        try (var s = java.nio.file.Files.list(dir)) {
            for (java.nio.file.Path f : s.sorted().toList()) {
                String name = f.getFileName().toString();
                put(name, java.nio.file.Files.readAllBytes(f), name.endsWith(".safetensors"));
            }
        }
        return this;
    }

    private void put(String path, byte[] content, boolean isLfs) {
        files.put(path, content);
        lfs.put(path, isLfs);
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    List<Request> downloadsOf(String file) {
        return requests.stream().filter(r -> r.path().endsWith("/" + file) && !r.path().startsWith("/api/")).toList();
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        requests.add(new Request(ex.getRequestMethod(), path, ex.getRequestHeaders().getFirst("Range"),
                ex.getRequestHeaders().getFirst("Authorization")));
        try (ex) {
            if (path.equals("/api/models/" + REPO + "/tree/main")) {
                if (!treeApi) {
                    send(ex, 404, "{}".getBytes());
                    return;
                }
                List<Map<String, Object>> tree = new ArrayList<>();
                for (var e : files.entrySet()) {
                    Map<String, Object> n = new LinkedHashMap<>();
                    n.put("type", "file");
                    n.put("path", e.getKey());
                    n.put("size", e.getValue().length);
                    if (lfs.get(e.getKey()) && !linkedEtagOnly) n.put("lfs", Map.of("oid", sha256(e.getValue()), "size", e.getValue().length));
                    tree.add(n);
                }
                send(ex, 200, Json.mapper().writeValueAsBytes(tree));
            } else if (path.equals("/api/models/" + REPO + "/revision/main")) {
                List<Map<String, Object>> siblings = files.keySet().stream().map(f -> Map.<String, Object>of("rfilename", f)).toList();
                Map<String, Object> body = new java.util.LinkedHashMap<>(Map.of("id", REPO, "siblings", siblings));
                if (commit != null) body.put("sha", commit);
                send(ex, 200, Json.mapper().writeValueAsBytes(body));
            } else if (path.startsWith("/" + REPO + "/resolve/main/")) {
                String file = path.substring(("/" + REPO + "/resolve/main/").length());
                if (!files.containsKey(file)) {
                    send(ex, 404, new byte[0]);
                    return;
                }
                if (lfs.get(file)) {
                    // Like the hub: the checksum rides on the redirect, the bytes come from elsewhere.
                    ex.getResponseHeaders().add("X-Linked-ETag", "\"" + sha256(files.get(file)) + "\"");
                    ex.getResponseHeaders().add("Location", "/cdn/" + file);
                    ex.sendResponseHeaders(302, -1);
                    return;
                }
                serveBytes(ex, file);
            } else if (path.startsWith("/cdn/")) {
                serveBytes(ex, path.substring("/cdn/".length()));
            } else {
                send(ex, 404, new byte[0]);
            }
        }
    }

    private void serveBytes(HttpExchange ex, String file) throws IOException {
        byte[] content = files.get(file).clone();
        if (corrupt && lfs.get(file)) content[content.length / 2] ^= 0x5a;
        String range = ex.getRequestHeaders().getFirst("Range");
        int from = 0;
        if (range != null && range.startsWith("bytes=")) {
            from = Integer.parseInt(range.substring(6, range.indexOf('-')));
            ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (content.length - 1) + "/" + content.length);
        }
        int len = content.length - from;
        ex.sendResponseHeaders(from > 0 ? 206 : 200, len);
        OutputStream out = ex.getResponseBody();
        if (content.length > 100_000 && dropNextLargeDownload.getAndSet(false)) {
            out.write(content, from, len / 3);
            out.flush();
            // Closing a fixed-length exchange early makes the server drop the connection.
            throw new IOException("simulated connection drop");
        }
        out.write(content, from, len);
    }

    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) ex.getResponseBody().write(body);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
