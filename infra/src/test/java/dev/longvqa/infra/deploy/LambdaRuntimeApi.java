package dev.longvqa.infra.deploy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The Lambda Runtime API (2018-06-01) that the managed runtime's bootstrap polls, served on an
 * ephemeral local port: {@code invocation/next} hands out one queued event at a time,
 * {@code response} and {@code error} complete it, {@code init/error} reports a function that could
 * not start. Enough for the runtime interface client to run a handler exactly as Lambda does.
 */
final class LambdaRuntimeApi implements AutoCloseable {

  /** What the function answered: its output, or the error document Lambda would return. */
  record Outcome(boolean error, String body) {}

  private record Pending(String id, String event, CompletableFuture<Outcome> outcome) {}

  private final HttpServer server;
  private final String functionArn;
  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Map<String, Pending> inFlight = new ConcurrentHashMap<>();
  private final CompletableFuture<String> initError = new CompletableFuture<>();

  LambdaRuntimeApi(String functionArn) throws IOException {
    this.functionArn = functionArn;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "runtime-api");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/2018-06-01/runtime/", this::handle);
    server.start();
  }

  /** {@code host:port}, the value of {@code AWS_LAMBDA_RUNTIME_API}. */
  String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** Queues one event and waits for its outcome (or the function's init error). */
  Outcome invoke(String event, Duration timeout) throws Exception {
    Pending p = new Pending(UUID.randomUUID().toString(), event, new CompletableFuture<>());
    queue.add(p);
    CompletableFuture<Object> first = CompletableFuture.anyOf(p.outcome(), initError);
    Object result = first.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (result instanceof String init) return new Outcome(true, "init error: " + init);
    return (Outcome) result;
  }

  private void handle(HttpExchange x) throws IOException {
    String path = x.getRequestURI().getPath().substring("/2018-06-01/runtime/".length());
    try (x) {
      if (path.equals("invocation/next") && x.getRequestMethod().equals("GET")) {
        Pending p;
        try {
          p = queue.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        inFlight.put(p.id(), p);
        var h = x.getResponseHeaders();
        h.add("Lambda-Runtime-Aws-Request-Id", p.id());
        h.add("Lambda-Runtime-Deadline-Ms", Long.toString(System.currentTimeMillis() + 900_000));
        h.add("Lambda-Runtime-Invoked-Function-Arn", functionArn);
        h.add("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Sampled=0");
        h.add("Content-Type", "application/json");
        reply(x, 200, p.event());
      } else if (path.equals("init/error")) {
        initError.complete(read(x.getRequestBody()));
        reply(x, 202, "{}");
      } else if (path.startsWith("invocation/") && (path.endsWith("/response") || path.endsWith("/error"))) {
        String id = path.substring("invocation/".length(), path.lastIndexOf('/'));
        Pending p = inFlight.remove(id);
        String body = read(x.getRequestBody());
        if (p != null) p.outcome().complete(new Outcome(path.endsWith("/error"), body));
        reply(x, 202, "{}");
      } else {
        reply(x, 404, "{}");
      }
    }
  }

  private static String read(InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }

  private static void reply(HttpExchange x, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) x.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
