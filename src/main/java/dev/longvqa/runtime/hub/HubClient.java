package dev.longvqa.runtime.hub;

import dev.longvqa.contract.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two things longvqa needs from the Hugging Face hub, over plain java.net.http: list a
 * repository's files ({@code /api/models/{repo}/tree/{rev}}, which carries LFS SHA-256s; the
 * older {@code /revision/{rev}} siblings list as a fallback) and download one file
 * ({@code /{repo}/resolve/{rev}/{path}}) into place, resuming an interrupted {@code .part} with an
 * HTTP Range request and checking the content against the hub's SHA-256.
 */
final class HubClient {
    private static final ObjectMapper JSON = Json.mapper();
    private static final Pattern SHA256 = Pattern.compile("\"?([0-9a-f]{64})\"?");
    private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>;\\s*rel=\"next\"");
    private static final int MAX_REDIRECTS = 5;

    private final HubSettings settings;
    private final HttpClient http;

    public HubClient(HubSettings settings) {
        this.settings = settings;
        // Redirects are followed by hand: the token must reach the hub only, never the CDN a
        // resolve URL redirects to (presigned URLs reject a second credential).
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(20)).build();
    }

    /** Every file of the repository at the revision. */
    public List<RemoteFile> listFiles(ModelRef ref) {
        try {
            return listTree(ref);
        } catch (NotFound e) {
            return listSiblings(ref);
        }
    }

    private List<RemoteFile> listTree(ModelRef ref) {
        List<RemoteFile> files = new ArrayList<>();
        URI next = hub("/api/models/" + ref.repo() + "/tree/" + encode(ref.revision()) + "?recursive=true");
        while (next != null) {
            HttpResponse<String> r = send(get(next), HttpResponse.BodyHandlers.ofString(), ref);
            for (JsonNode n : readJson(r.body(), ref)) {
                if (!"file".equals(n.path("type").asText("file"))) continue;
                JsonNode lfs = n.path("lfs");
                String sha = lfs.isObject() ? lfs.path("oid").asText(null) : null;
                files.add(new RemoteFile(n.path("path").asText(), n.path("size").asLong(-1), sha));
            }
            next = r.headers().firstValue("Link").map(NEXT_LINK::matcher).filter(Matcher::find)
                    .map(m -> settings.endpoint().resolve(m.group(1))).orElse(null);
        }
        return files;
    }

    /** The commit a revision (branch, tag) points at, when the hub says ({@code sha} of the revision API). */
    public java.util.Optional<String> commit(ModelRef ref) {
        URI uri = hub("/api/models/" + ref.repo() + "/revision/" + encode(ref.revision()));
        HttpResponse<String> r = send(get(uri), HttpResponse.BodyHandlers.ofString(), ref);
        String sha = readJson(r.body(), ref).path("sha").asText("");
        // (a mirror without the revision API fails in send like any other unreachable hub)
        return sha.matches("[0-9a-f]{40}") ? java.util.Optional.of(sha) : java.util.Optional.empty();
    }

    private List<RemoteFile> listSiblings(ModelRef ref) {
        URI uri = hub("/api/models/" + ref.repo() + "/revision/" + encode(ref.revision()));
        HttpResponse<String> r = send(get(uri), HttpResponse.BodyHandlers.ofString(), ref);
        List<RemoteFile> files = new ArrayList<>();
        for (JsonNode s : readJson(r.body(), ref).path("siblings")) {
            files.add(new RemoteFile(s.path("rfilename").asText(), s.path("size").asLong(-1), null));
        }
        return files;
    }

    /**
     * Downloads {@code file} to {@code target}. Bytes arrive in {@code target + ".part"}; an
     * existing part is resumed with {@code Range}. The part is renamed into place only after its
     * SHA-256 matched (from the listing, else the resolve response's {@code X-Linked-ETag}); a
     * mismatch deletes it, so the next attempt starts clean.
     */
    public void download(ModelRef ref, RemoteFile file, Path target, DownloadListener listener) {
        Path part = target.resolveSibling(target.getFileName() + ".part");
        try {
            Files.createDirectories(target.getParent());
            long have = Files.isRegularFile(part) ? Files.size(part) : 0;
            URI uri = hub("/" + ref.repo() + "/resolve/" + encode(ref.revision()) + "/" + encodePath(file.path()));
            HttpRequest.Builder req = request(uri);
            if (have > 0) req.header("Range", "bytes=" + have + "-");
            Exchange ex = open(req, uri, ref);
            HttpResponse<InputStream> r = ex.response();
            boolean append = have > 0 && r.statusCode() == 206 && contentRangeStart(r) == have;
            if (!append) have = 0;
            if (r.statusCode() == 416 && file.size() >= 0 && Files.size(part) == file.size()) {
                // The part is already complete (interrupted between the last byte and the rename).
                r.body().close();
                have = file.size();
                append = true;
            } else if (r.statusCode() == 416) {
                // The part does not fit the file any more (changed upstream?): start over next time.
                r.body().close();
                Files.deleteIfExists(part);
                throw new LongVqaException(ErrorCode.TRANSIENT, "the hub rejected resuming " + file.path() + " of " + ref
                        + " at byte " + have + "; the partial file was removed, run the pull again");
            } else if (r.statusCode() != 200 && r.statusCode() != 206) {
                r.body().close();
                throw failure(ref, r.statusCode(), file.path());
            }
            RemoteFile known = file.size() >= 0 ? file : new RemoteFile(file.path(),
                    r.headers().firstValueAsLong("Content-Length").orElse(-1) + have, file.sha256());
            listener.started(known, have);
            if (r.statusCode() != 416) {
                try (InputStream in = r.body();
                     OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                             append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
                    byte[] buf = new byte[1 << 16];
                    long total = have;
                    for (int n; (n = in.read(buf)) > 0; ) {
                        out.write(buf, 0, n);
                        total += n;
                        listener.progress(known, total);
                    }
                }
            }
            listener.finished(known);
            String expected = file.sha256() != null ? file.sha256() : ex.linkedEtag().orElse(null);
            long size = Files.size(part);
            if (file.size() >= 0 && size != file.size()) {
                throw new LongVqaException(ErrorCode.TRANSIENT, "download of " + file.path() + " from " + ref
                        + " stopped at " + size + " of " + file.size() + " bytes; run the pull again to resume");
            }
            if (expected != null) {
                String actual = sha256(part);
                if (!actual.equalsIgnoreCase(expected)) {
                    Files.deleteIfExists(part);
                    throw new LongVqaException(ErrorCode.MODEL_UNAVAILABLE, file.path() + " from " + ref
                            + " is corrupt: sha256 " + actual + ", the hub says " + expected + " (the partial file was removed)");
                }
            }
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new LongVqaException(ErrorCode.TRANSIENT, "download of " + file.path() + " from " + ref + " was interrupted ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + "); run the pull again to resume", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LongVqaException(ErrorCode.TRANSIENT, "download of " + file.path() + " interrupted", e);
        }
    }

    /** The response after following redirects, with the hub's checksum header seen on the way. */
    private record Exchange(HttpResponse<InputStream> response, Optional<String> linkedEtag) {
    }

    private Exchange open(HttpRequest.Builder first, URI uri, ModelRef ref) throws IOException, InterruptedException {
        HttpRequest req = first.build();
        Optional<String> etag = Optional.empty();
        for (int hop = 0; ; hop++) {
            HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            Optional<String> linked = r.headers().firstValue("X-Linked-ETag").map(SHA256::matcher)
                    .filter(Matcher::matches).map(m -> m.group(1));
            if (linked.isPresent()) etag = linked;
            int status = r.statusCode();
            if (status < 300 || status >= 400 || hop == MAX_REDIRECTS) return new Exchange(r, etag);
            r.body().close();
            URI location = req.uri().resolve(r.headers().firstValue("Location")
                    .orElseThrow(() -> new IOException("redirect without Location from " + uri)));
            HttpRequest.Builder next = sameHost(location) ? request(location) : HttpRequest.newBuilder(location).timeout(Duration.ofMinutes(10));
            req.headers().firstValue("Range").ifPresent(v -> next.header("Range", v));
            req = next.build();
        }
    }

    /** Endpoint + path, keeping any path prefix of the endpoint (mirrors often serve under one). */
    private URI hub(String path) {
        return URI.create(settings.endpoint() + path);
    }

    private boolean sameHost(URI uri) {
        return uri.getHost() != null && uri.getHost().equalsIgnoreCase(settings.endpoint().getHost())
                && uri.getPort() == settings.endpoint().getPort();
    }

    private static long contentRangeStart(HttpResponse<?> r) {
        // Content-Range: bytes 100-199/200
        return r.headers().firstValue("Content-Range").map(v -> {
            Matcher m = Pattern.compile("bytes (\\d+)-").matcher(v);
            return m.find() ? Long.parseLong(m.group(1)) : -1L;
        }).orElse(-1L);
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10)).header("User-Agent", "longvqa/0.1");
        if (settings.token() != null) b.header("Authorization", "Bearer " + settings.token());
        return b;
    }

    private HttpRequest get(URI uri) {
        return request(uri).timeout(Duration.ofSeconds(60)).GET().build();
    }

    private static final class NotFound extends RuntimeException {
        NotFound() {
            super(null, null, false, false);
        }
    }

    /** An I/O failure in words: the JDK's connect failures often carry no message at all. */
    static String why(IOException e) {
        String m = e.getMessage();
        if (e instanceof java.net.ConnectException) return m == null || m.isBlank() ? "connection refused or no route to the host" : m;
        if (e instanceof java.net.http.HttpTimeoutException) return "timed out";
        if (e instanceof java.net.UnknownHostException) return "unknown host " + m;
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private <T> HttpResponse<T> send(HttpRequest req, HttpResponse.BodyHandler<T> handler, ModelRef ref) {
        try {
            HttpResponse<T> r = http.send(req, handler);
            if (r.statusCode() == 404 && req.uri().getPath().contains("/tree/")) throw new NotFound();
            if (r.statusCode() != 200) throw failure(ref, r.statusCode(), req.uri().getPath());
            return r;
        } catch (IOException e) {
            throw new LongVqaException(ErrorCode.MODEL_UNAVAILABLE, "cannot reach the model hub at " + settings.endpoint()
                    + " for " + ref + " (" + why(e) + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LongVqaException(ErrorCode.TRANSIENT, "interrupted while asking the hub about " + ref, e);
        }
    }

    private LongVqaException failure(ModelRef ref, int status, String what) {
        return switch (status) {
            case 401, 403 -> new LongVqaException(ErrorCode.MODEL_UNAVAILABLE, "the hub refused " + what + " of " + ref + " (HTTP "
                    + status + "): the repository may be gated or private; set HF_TOKEN to a token with access");
            case 404 -> new LongVqaException(ErrorCode.MODEL_UNAVAILABLE, ref + " has no " + what + " on " + settings.endpoint() + " (HTTP 404)");
            case 429 -> new LongVqaException(ErrorCode.THROTTLED, "the hub throttled " + what + " of " + ref + " (HTTP 429)");
            default -> new LongVqaException(status >= 500 ? ErrorCode.TRANSIENT : ErrorCode.MODEL_UNAVAILABLE,
                    "the hub answered HTTP " + status + " for " + what + " of " + ref);
        };
    }

    private static JsonNode readJson(String body, ModelRef ref) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new LongVqaException(ErrorCode.MODEL_UNAVAILABLE, "the hub's file listing for " + ref + " is not JSON", e);
        }
    }

    static String sha256(Path file) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String encodePath(String path) {
        StringBuilder b = new StringBuilder();
        for (String seg : path.split("/")) {
            if (!b.isEmpty()) b.append('/');
            b.append(encode(seg));
        }
        return b.toString();
    }
}
