package dev.longvqa.local.web;

import dev.longvqa.contract.api.ApiPaths;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code longvqa local web} as a user starts it: LocalCli's real main in its own JVM, the caller's
 * credentials from the environment (as the SDK's default chain reads them), against the stand-in
 * API that checks signatures. The emulator stand-in credentials the other local commands set must
 * not reach it: with them the signature would not hold.
 */
class LocalWebProcessTest {
    private static final AwsBasicCredentials KEYS = AwsBasicCredentials.create("AKIDPROCESS00000TEST", "process/secret/key+for+the+test");

    @Test
    void theCommandSignsWithTheCallersCredentialsAndSaysSo() throws Exception {
        try (SigV4CheckingUpstream upstream = new SigV4CheckingUpstream(KEYS, "us-west-2")) {
            Path log = Files.createTempFile("local-web", ".log");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                    "dev.longvqa.local.LocalCli", "web", "--api", upstream.endpoint().toString(), "--region", "us-west-2", "--port", "0")
                    .redirectError(log.toFile());
            builder.environment().put("AWS_ACCESS_KEY_ID", KEYS.accessKeyId());
            builder.environment().put("AWS_SECRET_ACCESS_KEY", KEYS.secretAccessKey());
            builder.environment().remove("AWS_SESSION_TOKEN");
            builder.environment().remove("AWS_PROFILE");
            Process web = builder.start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(web.getInputStream(), StandardCharsets.UTF_8));
                List<String> banner = new ArrayList<>();
                for (String line; banner.size() < 3 && (line = out.readLine()) != null; ) banner.add(line);
                assertThat(banner).as(() -> "stderr: " + read(log)).hasSize(3);
                assertThat(banner.get(0)).startsWith("The web page: http://127.0.0.1:");
                assertThat(banner.get(1)).contains(upstream.endpoint().toString()).contains("us-west-2")
                        .contains("AKID…TEST").doesNotContain(KEYS.secretAccessKey());
                assertThat(banner.get(2)).contains("owned by that IAM principal").contains("127.0.0.1 only");

                URI page = URI.create(banner.get(0).substring("The web page: ".length()));
                HttpClient browser = HttpClient.newHttpClient();
                HttpResponse<String> jobs = browser.send(HttpRequest.newBuilder(page.resolve(ApiPaths.JOBS.substring(1) + "?limit=3")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(upstream.received).singleElement().satisfies(r -> assertThat(r.verified()).isTrue());
                assertThat(jobs.statusCode()).isEqualTo(200);
            } finally {
                web.destroy();
                if (!web.waitFor(10, TimeUnit.SECONDS)) web.destroyForcibly();
                Files.deleteIfExists(log);
            }
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
