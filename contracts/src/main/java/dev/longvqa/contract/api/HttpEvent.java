package dev.longvqa.contract.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;

/**
 * The part of an API Gateway HTTP API payload v2 event the API Lambda reads. API Gateway sends it;
 * {@code local up} builds the same from a plain HTTP request. The caller is
 * {@code requestContext.authorizer.iam.userArn} (IAM authorization) or
 * {@code requestContext.authorizer.jwt.claims.sub} (a JWT authorizer).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record HttpEvent(String version, String routeKey, String rawPath, String rawQueryString,
                        Map<String, String> headers, Map<String, String> queryStringParameters,
                        RequestContext requestContext, String body, boolean isBase64Encoded) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RequestContext(String requestId, Http http, Authorizer authorizer) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Http(String method, String path, String sourceIp) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Authorizer(Iam iam, Jwt jwt) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Iam(String accountId, String userArn, String userId, String callerId) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Jwt(Map<String, Object> claims) {}

    /** An event as API Gateway sends it for {@code method path?query} by caller {@code userArn} (null: no authorizer). */
    public static HttpEvent of(String method, String path, String rawQuery, Map<String, String> headers, String body,
                               boolean base64, String userArn) {
        Map<String, String> query = new java.util.LinkedHashMap<>();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                String k = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), java.nio.charset.StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
                query.merge(k, v, (a, b) -> a + "," + b); // API Gateway joins repeated parameters with commas
            }
        }
        Authorizer auth = userArn == null ? null : new Authorizer(new Iam(null, userArn, null, null), null);
        return new HttpEvent("2.0", "$default", path, rawQuery == null ? "" : rawQuery, headers,
                query.isEmpty() ? null : query, new RequestContext(java.util.UUID.randomUUID().toString(),
                new Http(method, path, "127.0.0.1"), auth), body, base64);
    }

    public String method() {
        return requestContext == null || requestContext.http() == null ? null : requestContext.http().method();
    }

    public String path() {
        if (rawPath != null) return rawPath;
        return requestContext == null || requestContext.http() == null ? null : requestContext.http().path();
    }

    /** The caller's identity: the IAM principal ARN, else the JWT subject; null when the request carries none. */
    public String caller() {
        if (requestContext == null || requestContext.authorizer() == null) return null;
        Authorizer a = requestContext.authorizer();
        if (a.iam() != null && a.iam().userArn() != null && !a.iam().userArn().isBlank()) return a.iam().userArn();
        if (a.jwt() != null && a.jwt().claims() != null && a.jwt().claims().get("sub") instanceof String sub && !sub.isBlank()) {
            return "jwt:" + sub;
        }
        return null;
    }
}
