package dev.longvqa.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Headless Debian Chromium, each call with a fresh profile and no network side traffic. The web
 * page's tests (local/, {@code DevToolsBrowser}) start it with the same {@link #command} and drive
 * it over the DevTools protocol instead of one-shot flags.
 */
public final class Chromium {
    public static final Path BINARY = Path.of(System.getProperty("longvqa.chromium", "/usr/bin/chromium"));

    private Chromium() {}

    public static boolean available() {
        return Files.isExecutable(BINARY);
    }

    /** The DOM after parsing and layout, as Chromium serialises it. */
    static String dumpDom(Path html, Path work) throws IOException, InterruptedException {
        Path out = work.resolve("dom-" + System.nanoTime() + ".html");
        run(work, out, "--dump-dom", html.toUri().toString());
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    static Path screenshot(Path html, Path work, int width, int height) throws IOException, InterruptedException {
        Path png = work.resolve("shot-" + System.nanoTime() + ".png");
        run(work, work.resolve("screenshot.log"), "--screenshot=" + png, "--window-size=" + width + "," + height,
                "--force-device-scale-factor=1", "--hide-scrollbars", html.toUri().toString());
        if (!Files.exists(png)) throw new IOException("chromium wrote no screenshot " + png);
        return png;
    }

    /** Headless, sandbox-less (root in CI), no GPU, no background traffic, the given fresh profile; then {@code args}. */
    public static List<String> command(Path profile, String... args) {
        List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static void run(Path work, Path stdout, String... args) throws IOException, InterruptedException {
        List<String> cmd = command(Files.createTempDirectory(work, "chromium-profile-"), args);
        Path err = work.resolve("chromium-" + System.nanoTime() + ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new IOException("chromium timed out: " + cmd);
        }
        if (p.exitValue() != 0) {
            throw new IOException("chromium exited " + p.exitValue() + ": " + Files.readString(err));
        }
    }

    /** Standard deviation of luma over a screenshot (every other pixel): near 0 for a blank page. */
    public static double lumaStdDev(java.awt.image.BufferedImage img) {
        double s = 0, s2 = 0;
        long n = 0;
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                int c = img.getRGB(x, y);
                double l = 0.299 * (c >> 16 & 0xff) + 0.587 * (c >> 8 & 0xff) + 0.114 * (c & 0xff);
                s += l;
                s2 += l * l;
                n++;
            }
        }
        double mean = s / n;
        return Math.sqrt(Math.max(0, s2 / n - mean * mean));
    }
}
