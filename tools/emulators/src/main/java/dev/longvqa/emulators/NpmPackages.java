package dev.longvqa.emulators;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * The emulators' npm packages: {@code tools/emulators/package.json} with its committed
 * {@code package-lock.json}. A fresh checkout has no {@code node_modules}: the first start runs
 * {@code npm ci} there (under a file lock, since several test JVMs may start at once).
 */
final class NpmPackages {
    /** Overrides where the packages live (a directory with package.json and the server scripts). */
    public static final String DIR_PROPERTY = "longvqa.emulators.dir";
    private static final Path RELATIVE = Path.of("tools", "emulators");

    private NpmPackages() {}

    /**
     * {@code -Dlongvqa.emulators.dir}, else {@code tools/emulators} above the working directory,
     * else above where these classes were loaded from (a build inside the repository).
     */
    public static Path directory() throws IOException {
        String configured = System.getProperty(DIR_PROPERTY);
        if (configured != null && !configured.isBlank()) return Path.of(configured).toAbsolutePath();
        Path found = above(Path.of("").toAbsolutePath());
        if (found == null) {
            try {
                found = above(Path.of(NpmPackages.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
            } catch (URISyntaxException | RuntimeException ignored) {
                // not from a file: only the working directory counts
            }
        }
        if (found == null) {
            throw new IOException("cannot find " + RELATIVE + "/package.json above " + Path.of("").toAbsolutePath()
                    + ": run from the longvqa checkout or set -D" + DIR_PROPERTY);
        }
        return found;
    }

    private static Path above(Path start) {
        for (Path p = start; p != null; p = p.getParent()) {
            Path candidate = p.resolve(RELATIVE);
            if (Files.isRegularFile(candidate.resolve("package.json"))) return candidate;
        }
        return null;
    }

    /** Runs {@code npm ci} in {@code dir} unless its lock file's packages are already there; returns {@code dir}. */
    public static Path installed(Path dir) throws IOException {
        if (complete(dir)) return dir;
        Path lock = dir.resolve(".install.lock");
        try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            if (complete(dir)) return dir; // another JVM installed them while we waited
            Path log = Files.createTempFile("longvqa-npm-ci", ".log");
            Process p = new ProcessBuilder(npm(), "ci", "--no-audit", "--no-fund", "--loglevel=error")
                    .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean done = p.waitFor(10, TimeUnit.MINUTES);
            if (!done) p.destroyForcibly();
            if (!done || p.exitValue() != 0 || !complete(dir)) {
                throw new IOException("npm ci in " + dir + " failed (needs Node.js >= 20 and npm, and the npm registry once):\n"
                        + Files.readString(log, StandardCharsets.UTF_8).strip());
            }
            Files.deleteIfExists(log);
            return dir;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted during npm ci", e);
        }
    }

    /** Every package the lock file names is unpacked (npm writes node_modules/.package-lock.json last). */
    private static boolean complete(Path dir) {
        return Files.isRegularFile(dir.resolve("node_modules").resolve(".package-lock.json"))
                && Files.isRegularFile(dir.resolve("node_modules").resolve("dynalite").resolve("package.json"));
    }

    static String node() {
        return System.getenv().getOrDefault("LONGVQA_NODE", "node");
    }

    private static String npm() {
        return System.getenv().getOrDefault("LONGVQA_NPM", "npm");
    }
}
