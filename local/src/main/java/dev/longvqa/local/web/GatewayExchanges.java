package dev.longvqa.local.web;

import com.sun.net.httpserver.HttpExchange;
import dev.longvqa.contract.api.HttpResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * What local/'s HTTP servers do as API Gateway would: its body limit, and an API Gateway payload v2
 * response written onto a JDK server exchange ({@code local up}'s API, {@code local web}'s page).
 */
public final class GatewayExchanges {
    /** API Gateway's payload limit; a larger body is refused as it would be there. */
    public static final int MAX_BODY_BYTES = 10 * 1024 * 1024;

    private GatewayExchanges() {}

    public static void write(HttpExchange exchange, HttpResponse response) throws IOException {
        byte[] body = response.body() == null ? new byte[0]
                : response.isBase64Encoded() ? Base64.getDecoder().decode(response.body()) : response.body().getBytes(StandardCharsets.UTF_8);
        if (response.headers() != null) response.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        write(exchange, response.statusCode(), body);
    }

    /** Status and body; the headers are already set. A HEAD answer or an empty body sends no body. */
    public static void write(HttpExchange exchange, int status, byte[] body) throws IOException {
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
