package dev.longvqa.emulators;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * S3Mock (an S3-compatible server) as a child process. It is a Spring Boot application: running
 * it in-process would drag Spring into our class path, so it gets a JVM of its own, started from
 * the {@code s3mock-*-exec.jar} the build copies next to our classes.
 */
public final class S3Mock implements AutoCloseable {
    private final Process process;
    private final int port;

    private S3Mock(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts S3Mock on a free loopback port, storing objects under {@code root}; waits until it
     * answers. {@code extraArgs} go to S3Mock as they are (e.g. {@code --com.adobe.testing.s3mock.store.initial-buckets=b}).
     */
    public static S3Mock start(Path execJar, Path root, Duration timeout, String... extraArgs) throws IOException, InterruptedException {
        if (!Files.isRegularFile(execJar)) throw new IOException("S3Mock jar not found at " + execJar + " (run ./longvqa build)");
        int port = freePort();
        int tlsPort = freePort();
        Files.createDirectories(root);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-XX:+UseSerialGC", "-jar", execJar.toString(),
                "--server.address=127.0.0.1", "--server.port=" + tlsPort, "--http.port=" + port,
                "--com.adobe.testing.s3mock.store.root=" + root.toAbsolutePath(),
                "--com.adobe.testing.s3mock.store.retain-files-on-exit=true",
                "--logging.level.root=WARN", "--spring.main.banner-mode=off"));
        cmd.addAll(List.of(extraArgs));
        Path log = root.resolve("s3mock.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        S3Mock s3 = new S3Mock(p, port);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) throw new IOException("S3Mock exited with " + p.exitValue() + "; see " + log);
            if (s3.answers()) return s3;
            Thread.sleep(200);
        }
        s3.close();
        throw new IOException("S3Mock did not start within " + timeout.toSeconds() + " s; see " + log);
    }

    private boolean answers() {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(endpoint() + "/").toURL().openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(1000);
            int code = c.getResponseCode();
            c.disconnect();
            return code > 0;
        } catch (IOException e) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    /** A free loopback port (the launchers' one way to pick one). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
