package dev.longvqa.local.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.longvqa.contract.Json;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for the deployed API behind AWS_IAM: it checks each request's SigV4 signature as API
 * Gateway does, by signing the request it received again (same method, path, query, signed
 * headers and body; the known credentials; the clock at the request's X-Amz-Date) and comparing.
 * A request that passes is answered with an echo of what arrived, under a status and content type
 * of its own so that the test sees them pass back; one that fails gets 403.
 */
final class SigV4CheckingUpstream implements AutoCloseable {
    static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
    static final String ECHO_TYPE = "application/vnd.longvqa-echo+json; charset=utf-8";

    /** One request as it arrived and whether its signature held. */
    record Received(String method, String path, String query, String contentType, byte[] body, String signedHeaders, boolean verified) {}

    /** The echo body: what the upstream saw. */
    record Echo(String method, String path, String query, String contentType, String bodyBase64) {}

    private final HttpServer server;
    private final AwsBasicCredentials credentials;
    private final String region;
    final List<Received> received = new CopyOnWriteArrayList<>();

    SigV4CheckingUpstream(AwsBasicCredentials credentials, String region) throws IOException {
        this.credentials = credentials;
        this.region = region;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            URI uri = ex.getRequestURI();
            String auth = ex.getRequestHeaders().getFirst("authorization");
            String signedHeaders = auth == null ? null : field(auth, "SignedHeaders=");
            boolean verified = auth != null && auth.equals(expectedAuthorization(ex, uri, body, signedHeaders));
            String type = ex.getRequestHeaders().getFirst("content-type");
            received.add(new Received(ex.getRequestMethod(), uri.getRawPath(), uri.getRawQuery(), type, body, signedHeaders, verified));
            if (!verified) {
                respond(ex, 403, "application/json", "{\"message\":\"The request signature we calculated does not match the signature you provided.\"}"
                        .getBytes(StandardCharsets.UTF_8));
                return;
            }
            byte[] echo = Json.mapper().writeValueAsBytes(new Echo(ex.getRequestMethod(), uri.getRawPath(), uri.getRawQuery(), type,
                    Base64.getEncoder().encodeToString(body)));
            int status = uri.getRawPath().endsWith("/missing") ? 404 : ex.getRequestMethod().equals("POST") ? 201 : 200;
            respond(ex, status, ECHO_TYPE, echo);
        }
    }

    private String expectedAuthorization(HttpExchange ex, URI uri, byte[] body, String signedHeaders) {
        String amzDate = ex.getRequestHeaders().getFirst("x-amz-date");
        if (amzDate == null || signedHeaders == null) return null;
        Clock at = Clock.fixed(LocalDateTime.parse(amzDate, AMZ_DATE).toInstant(ZoneOffset.UTC), ZoneOffset.UTC);
        SdkHttpFullRequest.Builder request = SdkHttpFullRequest.builder().method(SdkHttpMethod.fromValue(ex.getRequestMethod()))
                .uri(URI.create(endpoint() + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())));
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : signedHeaders.split(";")) {
            String value = ex.getRequestHeaders().getFirst(name);
            if (value == null) return null; // a header said to be signed did not arrive
            headers.put(name, value);
        }
        headers.forEach(request::putHeader);
        return AwsV4HttpSigner.create().sign(r -> r.identity(credentials).request(request.build())
                        .payload(body.length == 0 ? null : ContentStreamProvider.fromByteArray(body))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "execute-api")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                        .putProperty(HttpSigner.SIGNING_CLOCK, at))
                .request().firstMatchingHeader("authorization").orElse(null);
    }

    /** {@code SignedHeaders=host;x-amz-date, Signature=…} → {@code host;x-amz-date}. */
    private static String field(String authorization, String name) {
        int start = authorization.indexOf(name);
        if (start < 0) return null;
        start += name.length();
        int end = authorization.indexOf(',', start);
        return authorization.substring(start, end < 0 ? authorization.length() : end).strip();
    }

    private static void respond(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("content-type", type);
        ex.getResponseHeaders().set("x-amzn-requestid", "stand-in");
        GatewayExchanges.write(ex, status, body);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
