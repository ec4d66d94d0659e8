package dev.longvqa.local.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.longvqa.contract.Json;
import dev.longvqa.contract.api.ApiError;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.functions.api.StaticFiles;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.regions.Region;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code local web}: the web page on loopback in front of the deployed API. The deployed API
 * authorizes every route with AWS_IAM, which a browser cannot sign; this proxy serves the page's
 * files itself (the same {@link StaticFiles} the API function serves) and forwards every other
 * request (method, path, query, body, content type) to the API signed with SigV4 for
 * {@code execute-api} as the caller's AWS credentials. The answer's status, content type and body
 * come back unchanged. It listens on 127.0.0.1 only: whoever reaches it acts as those credentials.
 */
final class WebProxy implements AutoCloseable {
    /** The signing name of API Gateway. */
    public static final String SERVICE = "execute-api";
    /** Response headers that pass back; the rest (API Gateway's own, hop-by-hop) stay upstream. */
    private static final List<String> PASSED_BACK = List.of("content-type", "cache-control");

    private final HttpServer server;
    private final URI api;
    private final Region region;
    private final AwsCredentialsProvider credentials;
    private final SdkHttpClient http;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private final StaticFiles files = new StaticFiles();
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "local-web");
        t.setDaemon(true);
        return t;
    });

    private WebProxy(Builder b) throws IOException {
        this.api = b.api;
        this.region = b.region;
        this.credentials = b.credentials;
        this.http = Apache5HttpClient.builder().build();
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", b.port), 0);
        server.createContext("/", this::handle);
        server.setExecutor(pool);
        server.start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Where the page is: {@code http://127.0.0.1:PORT}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The socket it listens on (loopback). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    public URI api() {
        return api;
    }

    public Region region() {
        return region;
    }

    /**
     * The region of an API URL {@code https://ID.execute-api.REGION.amazonaws.com[.cn]}, or empty
     * for any other host (a custom domain): then --region or the SDK's region chain decides.
     */
    public static Optional<Region> regionOf(URI api) {
        String host = api.getHost();
        if (host == null) return Optional.empty();
        String[] labels = host.split("\\.");
        return labels.length >= 4 && labels[1].equals(SERVICE) ? Optional.of(Region.of(labels[2])) : Optional.empty();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            URI uri = exchange.getRequestURI();
            String method = exchange.getRequestMethod();
            if (StaticFiles.isPage(method, uri.getRawPath())) {
                // the page is the same in every deployment: served here, it needs no credentials
                GatewayExchanges.write(exchange, files.forPath(uri.getRawPath()));
                return;
            }
            byte[] body = exchange.getRequestBody().readNBytes(GatewayExchanges.MAX_BODY_BYTES + 1);
            if (body.length > GatewayExchanges.MAX_BODY_BYTES) {
                error(exchange, 413, ErrorCode.TOO_LARGE, "the body is larger than 10 MB");
                return;
            }
            forward(exchange, method, uri, body);
        }
    }

    private void forward(HttpExchange exchange, String method, URI uri, byte[] body) throws IOException {
        SdkHttpMethod sdkMethod;
        try {
            sdkMethod = SdkHttpMethod.fromValue(method);
        } catch (IllegalArgumentException e) {
            error(exchange, 405, ErrorCode.BAD_REQUEST, "method " + method + " is not forwarded");
            return;
        }
        String basePath = api.getRawPath() == null ? "" : api.getRawPath().replaceAll("/+$", "");
        URI target = URI.create(api.getScheme() + "://" + api.getRawAuthority() + basePath + uri.getRawPath()
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
        SdkHttpFullRequest.Builder request = SdkHttpFullRequest.builder().method(sdkMethod).uri(target);
        String type = exchange.getRequestHeaders().getFirst("content-type");
        if (type != null) request.putHeader("content-type", type);
        ContentStreamProvider payload = body.length == 0 ? null : ContentStreamProvider.fromByteArray(body);
        HttpExecuteResponse response;
        try {
            SignedRequest signed = signer.sign(r -> r.identity(credentials.resolveCredentials()).request(request.build())
                    .payload(payload)
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, SERVICE)
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region.id()));
            ExecutableHttpRequest call = http.prepareRequest(HttpExecuteRequest.builder()
                    .request(signed.request()).contentStreamProvider(signed.payload().orElse(null)).build());
            response = call.call();
        } catch (IOException | RuntimeException e) {
            // no credentials, or the API not reachable: the page shows this as any API error
            error(exchange, 502, ErrorCode.TRANSIENT, "could not reach " + api + ": " + e.getMessage());
            return;
        }
        byte[] answer;
        try (InputStream in = response.responseBody().map(InputStream.class::cast).orElse(InputStream.nullInputStream())) {
            answer = in.readAllBytes();
        }
        for (String name : PASSED_BACK) {
            response.httpResponse().firstMatchingHeader(name).ifPresent(v -> exchange.getResponseHeaders().set(name, v));
        }
        GatewayExchanges.write(exchange, response.httpResponse().statusCode(), answer);
    }

    private static void error(HttpExchange exchange, int status, ErrorCode code, String message) throws IOException {
        exchange.getResponseHeaders().set("content-type", "application/json");
        byte[] body;
        try {
            body = Json.mapper().writeValueAsBytes(ApiError.of(code.name(), message, null));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        GatewayExchanges.write(exchange, status, body);
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
        http.close();
    }

    public static final class Builder {
        private URI api;
        private Region region;
        private AwsCredentialsProvider credentials;
        private int port;

        /** The deployed API's URL (the stack's ApiUrl output). */
        public Builder api(URI v) {
            this.api = Objects.requireNonNull(v, "api");
            if (!"https".equals(v.getScheme()) && !"http".equals(v.getScheme()) || v.getHost() == null) {
                throw new IllegalArgumentException("not an http(s) URL: " + v);
            }
            if (v.getRawQuery() != null) throw new IllegalArgumentException("the API URL takes no query: " + v);
            return this;
        }

        /** The signing region; default: the one in the API's host name. */
        public Builder region(Region v) { this.region = v; return this; }

        public Builder credentials(AwsCredentialsProvider v) { this.credentials = v; return this; }

        /** 127.0.0.1:PORT; 0: a free port. */
        public Builder port(int v) { this.port = v; return this; }

        public WebProxy start() throws IOException {
            Objects.requireNonNull(api, "api");
            Objects.requireNonNull(credentials, "credentials");
            if (region == null) {
                region = regionOf(api).orElseThrow(() -> new IllegalArgumentException(
                        "no region in " + api.getHost() + ": pass --region"));
            }
            return new WebProxy(this);
        }
    }
}
