package dev.longvqa.local.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longvqa.contract.Json;
import dev.longvqa.report.Chromium;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One headless Chromium (the report tests' {@link Chromium#command}) driven over the DevTools
 * protocol: a page that runs its scripts, talks to a server, takes a file in its file input and
 * is measured and photographed at a chosen viewport. Only the handful of protocol methods the
 * page tests need: Page, Runtime, DOM.setFileInputFiles, Emulation.setDeviceMetricsOverride.
 *
 * <p>Everything the page throws or logs as an error, and every Content-Security-Policy violation,
 * is kept ({@link #pageErrors()}): a test asserts there is none, so a script error or a refused
 * load cannot hide behind a page that merely looks right. (HTTP error answers are not errors here:
 * the page meets 404s on purpose, e.g. for a job not registered yet.)
 */
public final class DevToolsBrowser implements AutoCloseable {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<String> pageErrors = new CopyOnWriteArrayList<>();

    private DevToolsBrowser(Process process, WebSocket socket) {
        this.process = process;
        this.socket = socket;
    }

    public static boolean available() {
        return Chromium.available();
    }

    /** Starts Chromium on a fresh profile under {@code work} with one blank page, and attaches to that page. */
    public static DevToolsBrowser start(Path work) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(work, "chromium-profile-");
        Process p = new ProcessBuilder(Chromium.command(profile, "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1",
                "--window-size=1280,900", "--hide-scrollbars", "about:blank")).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String browserWs = devToolsAddress(p);
            int port = URI.create(browserWs).getPort();
            HttpClient http = HttpClient.newHttpClient();
            String pageWs = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (pageWs == null && System.nanoTime() < deadline) {
                String list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                for (JsonNode t : Json.mapper().readTree(list)) {
                    if ("page".equals(t.path("type").asText())) pageWs = t.path("webSocketDebuggerUrl").asText();
                }
                if (pageWs == null) Thread.sleep(100);
            }
            if (pageWs == null) throw new IOException("chromium opened no page target");
            Listener listener = new Listener();
            WebSocket ws = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10)).buildAsync(URI.create(pageWs), listener)
                    .get(30, TimeUnit.SECONDS);
            DevToolsBrowser b = new DevToolsBrowser(p, ws);
            listener.onMessage = b::dispatch;
            b.call("Page.enable", Json.mapper().createObjectNode());
            b.call("Runtime.enable", Json.mapper().createObjectNode());
            b.call("DOM.enable", Json.mapper().createObjectNode());
            b.call("Log.enable", Json.mapper().createObjectNode());
            return b;
        } catch (Exception e) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            if (e instanceof IOException io) throw io;
            if (e instanceof InterruptedException ie) throw ie;
            throw new IOException("could not attach to chromium", e);
        }
    }

    /** Chromium prints "DevTools listening on ws://..." on stderr once it accepts connections. */
    private static String devToolsAddress(Process p) throws IOException {
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = err.readLine()) != null) {
            int at = line.indexOf("ws://");
            if (line.startsWith("DevTools listening on") && at >= 0) {
                // Keep draining stderr so a chatty Chromium never blocks on a full pipe.
                Thread.ofVirtual().start(() -> {
                    try {
                        err.transferTo(java.io.Writer.nullWriter());
                    } catch (IOException ignored) {
                        // the process ended
                    }
                });
                return line.substring(at).trim();
            }
            seen.append(line).append('\n');
        }
        throw new IOException("chromium ended before it listened: " + seen);
    }

    // --- page operations ---

    public void navigate(String url) {
        ObjectNode params = Json.mapper().createObjectNode().put("url", url);
        JsonNode r = call("Page.navigate", params);
        if (r.hasNonNull("errorText")) throw new IllegalStateException("navigation to " + url + " failed: " + r.get("errorText").asText());
        waitFor("document.readyState === 'complete'", Duration.ofSeconds(30));
    }

    /** The value of a JavaScript expression (awaited if it is a promise), as JSON. */
    public JsonNode eval(String expression) {
        ObjectNode params = Json.mapper().createObjectNode().put("expression", expression).put("returnByValue", true)
                .put("awaitPromise", true);
        JsonNode r = call("Runtime.evaluate", params);
        if (r.has("exceptionDetails")) {
            throw new IllegalStateException("page threw on `" + expression + "`: " + r.get("exceptionDetails").toPrettyString());
        }
        return r.path("result").path("value");
    }

    /** Polls a boolean expression until it is true; the failure message says what the page showed meanwhile. */
    public void waitFor(String expression, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (eval("!!(" + expression + ")").asBoolean()) return;
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + expression + "; page text:\n"
                        + eval("document.body ? document.body.innerText : ''").asText() + "\npage errors: " + pageErrors);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    /** Puts a file into an {@code <input type=file>} and fires its change event, as a user's file picker does. */
    public void setFile(String selector, Path file) {
        JsonNode doc = call("DOM.getDocument", Json.mapper().createObjectNode().put("depth", 0));
        JsonNode node = call("DOM.querySelector", Json.mapper().createObjectNode()
                .put("nodeId", doc.path("root").path("nodeId").asInt()).put("selector", selector));
        int nodeId = node.path("nodeId").asInt();
        if (nodeId == 0) throw new IllegalStateException("no element " + selector);
        ObjectNode params = Json.mapper().createObjectNode().put("nodeId", nodeId);
        params.putArray("files").add(file.toAbsolutePath().toString());
        call("DOM.setFileInputFiles", params);
    }

    /** The viewport a phone or a desktop window gives the page (CSS pixels, device scale 1). */
    public void viewport(int width, int height) {
        call("Emulation.setDeviceMetricsOverride", Json.mapper().createObjectNode().put("width", width).put("height", height)
                .put("deviceScaleFactor", 1).put("mobile", width < 600));
    }

    /**
     * A PNG of the whole page at its laid-out size, written to {@code png}: as wide as the content
     * (the viewport's width unless something overflows it), as tall as the page (up to 6000 px).
     */
    public Path screenshot(Path png) throws IOException {
        JsonNode size = call("Page.getLayoutMetrics", Json.mapper().createObjectNode()).get("cssContentSize");
        ObjectNode params = Json.mapper().createObjectNode().put("format", "png").put("captureBeyondViewport", true);
        params.putObject("clip").put("x", 0).put("y", 0).put("width", size.get("width").asDouble())
                .put("height", Math.min(6000, size.get("height").asDouble())).put("scale", 1);
        JsonNode r = call("Page.captureScreenshot", params);
        Files.createDirectories(png.toAbsolutePath().getParent());
        Files.write(png, Base64.getDecoder().decode(r.path("data").asText()));
        return png;
    }

    /** Uncaught exceptions and console errors the page produced so far. */
    public List<String> pageErrors() {
        return List.copyOf(pageErrors);
    }

    // --- protocol ---

    JsonNode call(String method, ObjectNode params) {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        ObjectNode msg = Json.mapper().createObjectNode().put("id", id).put("method", method);
        msg.set("params", params);
        try {
            socket.sendText(Json.mapper().writeValueAsString(msg), true).get(10, TimeUnit.SECONDS);
            JsonNode r = reply.get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (r.has("error")) throw new IllegalStateException(method + ": " + r.get("error"));
            return r.path("result");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(method + " interrupted", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException | IOException e) {
            throw new IllegalStateException(method + " failed", e);
        } finally {
            pending.remove(id);
        }
    }

    private void dispatch(String text) {
        JsonNode msg;
        try {
            msg = Json.mapper().readTree(text);
        } catch (IOException e) {
            return;
        }
        if (msg.has("id")) {
            CompletableFuture<JsonNode> f = pending.get(msg.get("id").asInt());
            if (f != null) f.complete(msg);
            return;
        }
        switch (msg.path("method").asText()) {
            case "Runtime.exceptionThrown" -> pageErrors.add(msg.path("params").path("exceptionDetails").toString());
            case "Runtime.consoleAPICalled" -> {
                if ("error".equals(msg.path("params").path("type").asText())) pageErrors.add("console.error " + msg.path("params").path("args"));
            }
            // A Content-Security-Policy violation (a script, style or fetch the page's policy refused).
            case "Log.entryAdded" -> {
                JsonNode entry = msg.path("params").path("entry");
                if ("security".equals(entry.path("source").asText())) pageErrors.add("security " + entry.path("text").asText());
            }
            default -> {
                // other events are not needed
            }
        }
    }

    @Override
    public void close() {
        socket.abort();
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
    }

    /** Reassembles fragmented text frames into whole protocol messages. */
    private static final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();
        volatile Consumer<String> onMessage = s -> {};

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String whole = partial.toString();
                partial.setLength(0);
                onMessage.accept(whole);
            }
            ws.request(1);
            return null;
        }
    }
}
