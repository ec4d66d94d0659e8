package dev.longvqa.functions;

import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.net.URI;
import java.util.Optional;

/**
 * Builds the SDK clients. The URL-connection HTTP client keeps the zip small and starts fast.
 * Endpoints: an explicit one (emulators) wins; otherwise the SDK's own resolution applies, which
 * honours {@code AWS_ENDPOINT_URL[_S3|_DYNAMODB]} (SDK >= 2.28). The presigner is the exception:
 * it must sign for the same endpoint the client uses, so it is given the variable explicitly.
 */
public final class Clients {
    private Clients() {}

    public static S3Client s3(Optional<URI> endpoint, boolean pathStyle) {
        var b = S3Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).forcePathStyle(pathStyle);
        endpoint.ifPresent(b::endpointOverride);
        return b.build();
    }

    public static DynamoDbClient dynamoDb(Optional<URI> endpoint) {
        var b = DynamoDbClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder());
        endpoint.ifPresent(b::endpointOverride);
        return b.build();
    }

    public static S3Presigner presigner(Optional<URI> endpoint, boolean pathStyle) {
        var b = S3Presigner.builder()
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(pathStyle).build());
        endpoint.or(Clients::s3EndpointFromEnvironment).ifPresent(b::endpointOverride);
        return b.build();
    }

    static Optional<URI> s3EndpointFromEnvironment() {
        for (String name : new String[]{"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"}) {
            String v = System.getenv(name);
            if (v != null && !v.isBlank()) return Optional.of(URI.create(v.strip()));
        }
        return Optional.empty();
    }
}
