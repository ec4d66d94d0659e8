package dev.longvqa.video;

import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.javacpp.Loader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Loads the FFmpeg natives the decoder uses (avformat, swscale and what they link), through
 * JavaCPP's {@link Loader} — or, when a start-up manifest is named, straight from the files a
 * previous process's {@code Loader} loaded.
 *
 * <p>Why: on a short video {@code scenes} is mostly start-up, and {@code Loader.load} is its
 * largest piece: ~0.15 s of CPU on an idle core with the launcher's AOT cache, ~0.3 s of wall time
 * while picocli and the JIT share the two cores (issue 17). Most of it is Java that runs once and
 * so runs interpreted: properties and platform resolution for each preset class, a look-up of every
 * library name (hardware-acceleration libraries included) in every jar of the class path, and the
 * checks of JavaCPP's extraction cache. The libraries' own linking and JNI initialisation are a
 * third of it.
 *
 * <p>The manifest ({@value #MANIFEST_PROPERTY}; the {@code ./longvqa} launcher names one under
 * {@code src/target/}) lists what {@code Loader} loaded, each file with its size and modification
 * time, written after a normal load. A later process that finds every file as listed loads them
 * itself with {@link System#load} (in the order their dependencies allow) and turns JavaCPP's own
 * loading off ({@code org.bytedeco.javacpp.loadLibraries=false}: JavaCPP's documented switch for
 * libraries loaded by other means), then checks that a native call binds. Anything else — no
 * manifest, a file changed or gone, a library that does not load — falls back to {@code Loader}
 * as without a manifest, JavaCPP's switch restored, and the manifest rewritten. Without the
 * property (the Lambda functions, the worker, tests) only {@code Loader} runs.
 */
final class FfmpegNatives {
    /** System property: the manifest's path. */
    static final String MANIFEST_PROPERTY = "longvqa.ffmpeg.natives";
    private static final String LOAD_LIBRARIES = "org.bytedeco.javacpp.loadLibraries";
    /** JavaCPP's JNI library per class the decoder uses ({@code jni} + the class's name) and its own. */
    static final List<String> JNI_LIBRARIES = List.of("libjnijavacpp.so", "libjniavutil.so", "libjniswresample.so",
            "libjniavcodec.so", "libjniavformat.so", "libjniswscale.so");
    private static final System.Logger LOG = System.getLogger(FfmpegNatives.class.getName());

    /** How the natives were loaded in this process (tests, diagnostics). */
    enum LoadedBy { JAVACPP, MANIFEST }

    private FfmpegNatives() {
    }

    /**
     * Loads them once per process (later calls return the first one's result); throws an
     * {@link UncheckedIOException} naming the platform if they cannot be.
     */
    static LoadedBy load() {
        try {
            return Once.RESULT;
        } catch (ExceptionInInitializerError e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw e;
        }
    }

    /** The JVM's class initialisation: one load per process, and concurrent callers wait for it. */
    private static final class Once {
        static final LoadedBy RESULT = loadNow();
    }

    private static LoadedBy loadNow() {
        Path file = manifestPath(System.getProperty(MANIFEST_PROPERTY));
        ManifestUse attempt = file == null ? ManifestUse.UNUSABLE : fromManifest(file);
        if (attempt == ManifestUse.LOADED) return LoadedBy.MANIFEST;
        try {
            Loader.load(avformat.class);
            Loader.load(swscale.class);
        } catch (Throwable e) {
            throw new UncheckedIOException(new IOException("FFmpeg natives could not be loaded for "
                    + Loader.getPlatform() + ": " + e.getMessage(), e));
        }
        // After a failed attempt JavaCPP does not list what this process loaded itself: the next
        // run, which loads through JavaCPP alone, writes the manifest.
        if (file != null && attempt == ManifestUse.UNUSABLE) writeManifest(file);
        return LoadedBy.JAVACPP;
    }

    /** The manifest's path, or null (unset, blank, or not a path here: a start-up cache never fails a start). */
    static Path manifestPath(String property) {
        if (property == null || property.isBlank()) return null;
        try {
            return Path.of(property);
        } catch (java.nio.file.InvalidPathException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> MANIFEST_PROPERTY + " is not a path: " + e.getMessage());
            return null;
        }
    }

    /** One library file as the manifest lists it. */
    record LibraryFile(long size, long modifiedMillis, Path path) {
        static LibraryFile of(Path p) throws IOException {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            return new LibraryFile(a.size(), a.lastModifiedTime().toMillis(), p);
        }

        String line() {
            return size + " " + modifiedMillis + " " + path;
        }

        static LibraryFile parse(String line) {
            String[] f = line.split(" ", 3);
            if (f.length != 3) throw new IllegalArgumentException("not a manifest line: " + line);
            return new LibraryFile(Long.parseLong(f[0]), Long.parseLong(f[1]), Path.of(f[2]));
        }

        /** One stat of the file, as {@link #of} reads it: a regular file of this size and time. */
        boolean unchanged() {
            try {
                BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
                return a.isRegularFile() && a.size() == size && a.lastModifiedTime().toMillis() == modifiedMillis;
            } catch (IOException e) {
                return false;
            }
        }
    }

    /** What became of a manifest: used; not used, nothing loaded; or tried and failed (then deleted). */
    enum ManifestUse { LOADED, UNUSABLE, FAILED }

    /** Loads the listed files if every one is as listed. */
    static ManifestUse fromManifest(Path file) {
        List<LibraryFile> entries;
        try {
            if (!Files.isRegularFile(file)) return ManifestUse.UNUSABLE;
            entries = Files.readAllLines(file).stream().filter(l -> !l.isBlank()).map(LibraryFile::parse).toList();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "natives manifest " + file + " unreadable, loading through JavaCPP: " + e);
            return ManifestUse.UNUSABLE;
        }
        // Every JNI library of a class the decoder initialises must be listed: a class whose natives
        // are missing when it initialises stays unusable for the process, past any fallback. A
        // missing dependency of theirs is harmless: its dependents fail to open, before any class.
        boolean complete = JNI_LIBRARIES.stream().allMatch(n -> entries.stream().anyMatch(e -> e.path().getFileName().toString().equals(n)));
        if (!complete || !entries.stream().allMatch(LibraryFile::unchanged)) return ManifestUse.UNUSABLE;
        String before = System.getProperty(LOAD_LIBRARIES);
        System.setProperty(LOAD_LIBRARIES, "false");
        try {
            loadInDependencyOrder(entries.stream().map(e -> e.path().toString()).toList());
            // A native of each library the decoder calls binds (a library missing from the list fails here).
            if (avformat.avformat_version() == 0 || swscale.swscale_version() == 0 || avutil.avutil_version() == 0) {
                throw new UnsatisfiedLinkError("FFmpeg reports version 0");
            }
            return ManifestUse.LOADED;
        } catch (Throwable e) {
            if (before == null) System.clearProperty(LOAD_LIBRARIES);
            else System.setProperty(LOAD_LIBRARIES, before);
            try {
                Files.deleteIfExists(file); // the next run writes it again
            } catch (IOException ignored) {
                // the next run finds it stale again
            }
            LOG.log(System.Logger.Level.DEBUG, () -> "natives manifest " + file + " did not load, loading through JavaCPP: " + e);
            return ManifestUse.FAILED;
        }
    }

    /**
     * {@link System#load} of every path, each once its dependencies are loaded: a library whose
     * dependency is not loaded yet fails to open and is tried again in the next round (the
     * manifest has no order: JavaCPP keeps what it loaded in a hash map). Fails when a round loads
     * nothing.
     */
    static void loadInDependencyOrder(List<String> paths) {
        List<String> left = new ArrayList<>(paths);
        while (!left.isEmpty()) {
            UnsatisfiedLinkError last = null;
            int before = left.size();
            for (Iterator<String> it = left.iterator(); it.hasNext(); ) {
                String p = it.next();
                try {
                    System.load(p);
                    it.remove();
                } catch (UnsatisfiedLinkError e) {
                    last = e;
                }
            }
            if (left.size() == before) throw last;
        }
    }

    /** After a normal load: what JavaCPP loaded, written atomically (concurrent first runs race harmlessly). */
    private static void writeManifest(Path file) {
        try {
            TreeSet<String> lines = new TreeSet<>();
            for (String p : Loader.getLoadedLibraries().values()) {
                if (p == null || p.isEmpty()) continue;
                Path path = Path.of(p);
                if (Files.isRegularFile(path)) lines.add(LibraryFile.of(path).line());
            }
            if (lines.isEmpty()) return;
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            try {
                Files.write(tmp, lines);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException | RuntimeException e) {
            // A start-up cache only: the next run loads through JavaCPP again.
            LOG.log(System.Logger.Level.DEBUG, () -> String.format(Locale.ROOT, "natives manifest %s not written: %s", file, e));
        }
    }
}
