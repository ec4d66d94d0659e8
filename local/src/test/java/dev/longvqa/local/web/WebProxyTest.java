package dev.longvqa.local.web;

import dev.longvqa.contract.Json;
import dev.longvqa.contract.api.ApiPaths;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code local web}'s proxy against a stand-in upstream that checks SigV4 signatures as API Gateway does. */
class WebProxyTest {
    private static final AwsBasicCredentials KEYS = AwsBasicCredentials.create("AKIDEXAMPLE0000TEST", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    private static final String REGION = "eu-west-1";

    private final HttpClient browser = HttpClient.newHttpClient();
    private SigV4CheckingUpstream upstream;
    private WebProxy proxy;

    private WebProxy start(AwsBasicCredentials signingKeys, String basePath) throws IOException {
        upstream = new SigV4CheckingUpstream(KEYS, REGION);
        proxy = WebProxy.builder().api(URI.create(upstream.endpoint() + basePath)).region(Region.of(REGION))
                .credentials(StaticCredentialsProvider.create(signingKeys)).port(0).start();
        return proxy;
    }

    @AfterEach
    void stop() {
        if (proxy != null) proxy.close();
        if (upstream != null) upstream.close();
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
        return browser.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static SigV4CheckingUpstream.Echo echo(HttpResponse<byte[]> r) throws IOException {
        return Json.mapper().readValue(r.body(), SigV4CheckingUpstream.Echo.class);
    }

    @Test
    void aGetIsSignedAndItsAnswerComesBackUnchanged() throws Exception {
        start(KEYS, "");
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(URI.create(proxy.endpoint() + "/jobs?limit=5&next=a%2Fb%3D%3D")).GET());

        assertThat(upstream.received).singleElement().satisfies(got -> {
            assertThat(got.verified()).isTrue();
            assertThat(got.signedHeaders()).contains("host").contains("x-amz-date");
            assertThat(got.path()).isEqualTo("/jobs");
        });
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).contains(SigV4CheckingUpstream.ECHO_TYPE);
        SigV4CheckingUpstream.Echo e = echo(r);
        assertThat(e.method()).isEqualTo("GET");
        assertThat(e.path()).isEqualTo("/jobs");
        assertThat(e.query()).contains("limit=5").contains("next=a%2Fb%3D%3D");
    }

    @Test
    void aPostCarriesItsBodyAndContentTypeUnderTheSignature() throws Exception {
        start(KEYS, "");
        String json = "{\"fileName\":\"cat \u00e9t\u00e9.mp4\",\"questions\":[\"What happens?\"]}";
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(URI.create(proxy.endpoint() + ApiPaths.VIDEOS))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)));

        assertThat(upstream.received).singleElement().satisfies(got -> {
            assertThat(got.verified()).isTrue();
            assertThat(got.method()).isEqualTo("POST");
            assertThat(got.contentType()).isEqualTo("application/json");
            assertThat(new String(got.body(), StandardCharsets.UTF_8)).isEqualTo(json);
        });
        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(new String(Base64.getDecoder().decode(echo(r).bodyBase64()), StandardCharsets.UTF_8)).isEqualTo(json);
    }

    @Test
    void binaryBodiesAndErrorStatusesPassThrough() throws Exception {
        start(KEYS, "");
        byte[] bytes = new byte[70_000];
        for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) (i * 31 + 7);
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(URI.create(proxy.endpoint() + "/jobs/missing"))
                .header("content-type", "application/octet-stream").method("PUT", HttpRequest.BodyPublishers.ofByteArray(bytes)));

        assertThat(upstream.received).singleElement().satisfies(got -> {
            assertThat(got.verified()).isTrue();
            assertThat(got.body()).isEqualTo(bytes);
        });
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(Base64.getDecoder().decode(echo(r).bodyBase64())).isEqualTo(bytes);
    }

    @Test
    void theApiUrlsPathIsKeptInFrontOfEachRequest() throws Exception {
        start(KEYS, "/prod/");
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(URI.create(proxy.endpoint() + ApiPaths.job("j1"))).GET());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(upstream.received).singleElement().satisfies(got -> {
            assertThat(got.verified()).isTrue();
            assertThat(got.path()).isEqualTo("/prod/jobs/j1");
        });
    }

    @Test
    void aWrongSecretFailsTheUpstreamCheck() throws Exception {
        start(AwsBasicCredentials.create(KEYS.accessKeyId(), "not-the-secret"), "");
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(URI.create(proxy.endpoint() + ApiPaths.JOBS)).GET());

        assertThat(upstream.received).singleElement().satisfies(got -> assertThat(got.verified()).isFalse());
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("signature");
    }

    @Test
    void thePageIsServedHereWithoutReachingTheApi() throws Exception {
        start(KEYS, "");
        HttpResponse<byte[]> page = send(HttpRequest.newBuilder(URI.create(proxy.endpoint() + "/")).GET());
        HttpResponse<byte[]> script = send(HttpRequest.newBuilder(URI.create(proxy.endpoint() + ApiPaths.STATIC_PREFIX + "app.js")).GET());

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.body()).isEqualTo(resource("index.html"));
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.body()).isEqualTo(resource("app.js"));
        assertThat(upstream.received).isEmpty();
    }

    @Test
    void anUnreachableApiIsA502WithAnErrorBody() throws Exception {
        start(KEYS, "");
        upstream.close();
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(URI.create(proxy.endpoint() + ApiPaths.JOBS)).GET());
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(Json.mapper().readTree(r.body()).at("/error/type").asText()).isEqualTo("TRANSIENT");
    }

    @Test
    void itListensOnLoopbackOnly() throws Exception {
        start(KEYS, "");
        assertThat(proxy.address().getAddress().isLoopbackAddress()).isTrue();
        Optional<InetAddress> external = NetworkInterface.networkInterfaces().filter(this::up)
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()).findFirst();
        dev.longvqa.RequiredTool.need(external.isPresent(), "this machine has no non-loopback IPv4 address to try");
        assertThatThrownBy(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(external.get(), proxy.address().getPort()), 2000);
            }
        }).isInstanceOf(ConnectException.class);
    }

    @Test
    void theRegionComesFromTheApisHostName() {
        assertThat(WebProxy.regionOf(URI.create("https://a1b2c3.execute-api.ap-south-1.amazonaws.com")))
                .contains(Region.AP_SOUTH_1);
        assertThat(WebProxy.regionOf(URI.create("https://api.example.com"))).isEmpty();
        assertThatThrownBy(() -> WebProxy.builder().api(URI.create("https://api.example.com"))
                .credentials(StaticCredentialsProvider.create(KEYS)).start())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--region");
    }

    private boolean up(NetworkInterface n) {
        try {
            return n.isUp();
        } catch (java.net.SocketException e) {
            return false;
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = WebProxyTest.class.getClassLoader().getResourceAsStream(ApiPaths.STATIC_RESOURCES + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

}
