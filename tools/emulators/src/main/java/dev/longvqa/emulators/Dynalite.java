package dev.longvqa.emulators;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * dynalite (npm, MIT): an in-memory DynamoDB emulator, as a child process on an ephemeral loopback
 * port. It speaks the DynamoDB JSON protocol the SDK uses (CreateTable, Put/Get/Update/Delete with
 * conditions, Query, Scan); it answers UnknownOperationException to UpdateTimeToLive and
 * TransactWriteItems, so callers skip TTL locally.
 *
 * <p>The child ends when {@link #close()} is called, at JVM exit (a shutdown hook), and when the
 * JVM dies without running hooks: the server script exits once its stdin (our pipe) closes.
 */
public final class Dynalite implements AutoCloseable {
    private static final String SCRIPT = "dynalite-server.js";

    private final Process process;
    private final int port;
    private final Thread hook;

    private Dynalite(Process process, int port) {
        this.process = process;
        this.port = port;
        this.hook = new Thread(this::stop, "dynalite-stop");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Starts dynalite from the project's emulator packages ({@link NpmPackages#directory()}), installing them if missing. */
    public static Dynalite start() throws IOException {
        return start(NpmPackages.installed(NpmPackages.directory()), Duration.ofSeconds(60));
    }

    /** Starts dynalite from {@code packages} (a directory holding {@value #SCRIPT} and its node_modules). */
    public static Dynalite start(Path packages, Duration timeout) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(NpmPackages.node(), SCRIPT));
        Process p = new ProcessBuilder(cmd).directory(packages.toFile()).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        CompletableFuture<Integer> listening = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.startsWith("LISTENING ")) return Integer.parseInt(line.substring(10).strip());
                    synchronized (seen) {
                        seen.append(line).append('\n');
                    }
                }
            } catch (IOException | NumberFormatException e) {
                synchronized (seen) {
                    seen.append(e).append('\n');
                }
            }
            return -1;
        });
        int port;
        try {
            port = listening.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            port = -1;
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting dynalite", e);
        }
        if (port <= 0) {
            p.destroyForcibly();
            String why;
            synchronized (seen) {
                why = seen.toString().strip();
            }
            throw new IOException("dynalite did not start in " + packages + " (needs Node.js >= 20 on the PATH): "
                    + (why.isEmpty() ? "no output" : why));
        }
        // Keep draining its output so a chatty child never blocks on a full pipe.
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // discarded: dynalite only speaks when asked to (--verbose)
                }
            } catch (IOException ignored) {
                // the child ended
            }
        }, "dynalite-out");
        drain.setDaemon(true);
        drain.start();
        return new Dynalite(p, port);
    }

    public int port() {
        return port;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** The child's process id (tests check that it ended). */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    private void stop() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run: nothing left to undo
        }
    }

    @Override
    public String toString() {
        return "dynalite at " + endpoint() + " (pid " + process.pid() + ")";
    }
}
