package dev.longvqa.worker;

import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;

/**
 * Start-up gate for an HTTP model server next to the worker (a vLLM sidecar loads a 7B model for
 * minutes): the worker takes no task until the server listens, so the first tasks do not fail
 * with "no server". Any HTTP answer to {@code GET <base>/models} counts as listening (auth and
 * model checks are the backend's business); only "connection refused" is waited out.
 */
final class ModelServerWait {
    private static final System.Logger LOG = System.getLogger(ModelServerWait.class.getName());

    private ModelServerWait() {}

    /** The base URL of an {@code openai:} / {@code openai-embeds:} spec, or null for any other backend. */
    static URI httpBase(String spec) {
        String s = spec.strip();
        int colon = s.indexOf(':');
        if (colon < 0) return null;
        String scheme = s.substring(0, colon).toLowerCase(Locale.ROOT);
        if (!scheme.equals("openai") && !scheme.equals("openai-embeds")) return null;
        String rest = s.substring(colon + 1);
        return rest.startsWith("http://") || rest.startsWith("https://") ? URI.create(rest) : null;
    }

    /**
     * Polls until the server answers or {@code wait} has passed.
     *
     * @throws LongVqaException MODEL_UNAVAILABLE when nothing listens within {@code wait}
     */
    static void await(URI base, Duration wait, Duration poll) throws InterruptedException {
        URI models = URI.create(base.toString().replaceAll("/+$", "") + "/models");
        long deadline = System.nanoTime() + wait.toNanos();
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            boolean logged = false;
            while (true) {
                try {
                    client.send(HttpRequest.newBuilder(models).timeout(Duration.ofSeconds(30)).GET().build(),
                            HttpResponse.BodyHandlers.discarding());
                    if (logged) LOG.log(System.Logger.Level.INFO, "model server at " + base + " is up");
                    return;
                } catch (ConnectException e) {
                    // nothing listening yet: the case this gate exists for
                } catch (IOException e) {
                    if (!(e.getCause() instanceof ConnectException)) return; // it listens; the backend reports the rest
                }
                if (System.nanoTime() >= deadline) {
                    throw new LongVqaException(ErrorCode.MODEL_UNAVAILABLE, "no model server listening at " + base
                            + " after " + wait.toSeconds() + " s (LLM_STARTUP_WAIT_SECONDS)");
                }
                if (!logged) {
                    LOG.log(System.Logger.Level.INFO, "waiting up to " + wait.toSeconds() + " s for the model server at " + base);
                    logged = true;
                }
                Thread.sleep(poll.toMillis());
            }
        }
    }
}
