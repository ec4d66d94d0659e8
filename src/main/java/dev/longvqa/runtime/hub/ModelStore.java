package dev.longvqa.runtime.hub;

import dev.longvqa.contract.Json;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The local model cache, in the Hugging Face hub cache layout ({@link HubSettings#cacheDir}, by
 * default the one huggingface_hub uses): {@code models--owner--name/refs/<revision>} holds the
 * commit a branch or tag points at, {@code models--owner--name/snapshots/<commit>/} the files as
 * the hub names them. A checkpoint another tool (transformers, vLLM, huggingface-cli) fetched is
 * found there before any download, and what {@code models pull} writes is found by them: it
 * writes the files into the snapshot (plain files; huggingface_hub's own downloads are links into
 * {@code blobs/}, which read the same) and {@code refs/<revision>} last. A snapshot counts as
 * complete with {@value #MANIFEST} (our pull finished) or with config.json, tokenizer.json and
 * safetensors present.
 */
public final class ModelStore {
    public static final String MANIFEST = ".longvqa-manifest.json";
    private static final ObjectMapper JSON = Json.mapper();

    /** What a runtime needs from a repository: top-level configs, tokenizer, weights, templates. */
    public static final Predicate<String> RUNTIME_FILES = path -> !path.contains("/")
            && (path.endsWith(".json") || path.endsWith(".safetensors") || path.endsWith(".txt")
            || path.endsWith(".model") || path.endsWith(".jinja") || path.endsWith(".tiktoken"));

    private static final ConcurrentHashMap<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    private final HubSettings settings;
    private final HubClient client;

    public ModelStore(HubSettings settings) {
        this.settings = settings;
        this.client = new HubClient(settings);
    }

    public static ModelStore fromEnvironment() {
        return new ModelStore(HubSettings.fromEnvironment());
    }

    public HubSettings settings() {
        return settings;
    }

    /**
     * The snapshot of {@code ref}: the commit {@code refs/<revision>} names, the revision itself when
     * it is a commit, else (never fetched) a folder named after the revision, where a pull that
     * cannot learn the commit writes.
     */
    public Path directory(ModelRef ref) {
        Path repo = settings.cacheDir().resolve(ref.cacheFolder());
        String snapshot = ref.isCommit() ? ref.revision() : readRef(repo, ref.revision()).orElse(ref.revision().replace('/', '_'));
        return repo.resolve("snapshots").resolve(snapshot);
    }

    private static java.util.Optional<String> readRef(Path repo, String revision) {
        Path f = repo.resolve("refs").resolve(revision);
        try {
            if (!Files.isRegularFile(f)) return java.util.Optional.empty();
            String sha = Files.readString(f).strip();
            return sha.isEmpty() || sha.contains("/") || sha.contains("..") ? java.util.Optional.empty() : java.util.Optional.of(sha);
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    /**
     * The local directory of {@code modelId}: an existing directory path is used as is; a hub id
     * or short name comes from the cache, pulled on first use unless offline.
     *
     * @throws LongVqaException MODEL_UNAVAILABLE when it is not cached and cannot be fetched,
     *                          saying where to place the files by hand
     */
    public Path resolve(String modelId) {
        return resolve(modelId, DownloadListener.NONE);
    }

    public Path resolve(String modelId, DownloadListener listener) {
        // (a pull that waited on the lock re-checks each file, so a finished download is not repeated)
        Path local = Path.of(modelId.replaceFirst("^~", System.getProperty("user.home")));
        if (!modelId.contains("@") && Files.isDirectory(local) && (local.isAbsolute() || modelId.startsWith("."))) return local;
        ModelRef ref = ModelRef.parse(modelId);
        Path dir = directory(ref);
        if (isComplete(dir)) return dir;
        java.util.Optional<Path> earlier = earlierLayout(ref);
        if (earlier.isPresent()) return earlier.get();
        if (settings.offline()) throw unavailable(ref, dir, "the hub is offline (HF_HUB_OFFLINE / LONGVQA_OFFLINE)");
        try {
            return pull(ref, RUNTIME_FILES, listener);
        } catch (LongVqaException e) {
            if (e.code() == ErrorCode.MODEL_UNAVAILABLE && e.getMessage().startsWith("cannot reach")) {
                // the sentence around it names the model already: say it once
                throw unavailable(ref, dir, e.getMessage().replace(" for " + ref + " (", " ("));
            }
            throw e;
        }
    }

    /**
     * Downloads the files of {@code ref} matching {@code include} (skipping those already complete).
     * One pull per directory at a time, across threads and processes (a lock file): workers that
     * start together on a cold cache wait for the first download instead of racing on the parts.
     */
    public Path pull(ModelRef ref, Predicate<String> include, DownloadListener listener) {
        // pin the snapshot to the commit the revision points at now, when the hub says which
        String commit = ref.isCommit() ? ref.revision() : client.commit(ref).orElse(null);
        Path repo = settings.cacheDir().resolve(ref.cacheFolder());
        Path dir = commit != null ? repo.resolve("snapshots").resolve(commit) : directory(ref);
        ReentrantLock local = LOCKS.computeIfAbsent(dir, d -> new ReentrantLock());
        local.lock();
        try {
            Files.createDirectories(dir);
            try (FileChannel ch = FileChannel.open(dir.resolve(".longvqa.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = ch.lock()) {
                Path done = pullLocked(ref, dir, include, listener);
                if (commit != null && !ref.isCommit()) {
                    Files.createDirectories(repo.resolve("refs"));
                    Files.writeString(repo.resolve("refs").resolve(ref.revision()), commit);
                }
                return done;
            }
        } catch (IOException e) {
            throw new LongVqaException(ErrorCode.TRANSIENT, "cannot lock the model cache at " + dir + ": " + e.getMessage(), e);
        } finally {
            local.unlock();
        }
    }

    private Path pullLocked(ModelRef ref, Path dir, Predicate<String> include, DownloadListener listener) {
        List<RemoteFile> files = client.listFiles(ref).stream().filter(f -> include.test(f.path())).toList();
        if (files.isEmpty()) throw new LongVqaException(ErrorCode.MODEL_UNAVAILABLE, ref + " lists no model files");
        for (RemoteFile f : files) {
            Path target = dir.resolve(f.path()).normalize();
            if (!target.startsWith(dir)) throw new LongVqaException(ErrorCode.MODEL_UNAVAILABLE, "unsafe file name in " + ref + ": " + f.path());
            if (isAlreadyThere(target, f)) continue;
            client.download(ref, f, target, listener);
        }
        writeManifest(dir, ref, files);
        return dir;
    }

    private static boolean isAlreadyThere(Path target, RemoteFile f) {
        try {
            if (!Files.isRegularFile(target)) return false;
            if (f.size() >= 0 && Files.size(target) != f.size()) return false;
            return f.sha256() == null || HubClient.sha256(target).equalsIgnoreCase(f.sha256());
        } catch (IOException e) {
            return false;
        }
    }

    private static void writeManifest(Path dir, ModelRef ref, List<RemoteFile> files) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("repo", ref.repo());
        m.put("revision", ref.revision());
        m.put("files", files);
        try {
            JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(MANIFEST).toFile(), m);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where longvqa kept models before it used the Hugging Face hub cache layout. */
    static final Path EARLIER_CACHE = Path.of(System.getProperty("user.home"), ".cache", "longvqa", "models");

    /**
     * A complete checkpoint in longvqa's earlier layout ({@code owner--name/revision}), under the
     * configured cache or the earlier default one, read as it is: models pulled before the switch
     * to the hub layout are not downloaded again. Nothing is ever written there.
     */
    java.util.Optional<Path> earlierLayout(ModelRef ref) {
        String folder = ref.repo().replace("/", "--");
        String revision = ref.revision().replace('/', '_');
        for (Path root : List.of(settings.cacheDir(), EARLIER_CACHE)) {
            Path dir = root.resolve(folder).resolve(revision);
            if (isComplete(dir)) return java.util.Optional.of(dir);
        }
        return java.util.Optional.empty();
    }

    /** Pulled completely, or placed by hand with the files a runtime needs. */
    public static boolean isComplete(Path dir) {
        if (Files.isRegularFile(dir.resolve(MANIFEST))) return true;
        return Files.isRegularFile(dir.resolve("config.json")) && Files.isRegularFile(dir.resolve("tokenizer.json"))
                && (Files.isRegularFile(dir.resolve("model.safetensors")) || Files.isRegularFile(dir.resolve("model.safetensors.index.json")));
    }

    /** The remote listing of {@code ref} (for {@code models info} before a pull). */
    public List<RemoteFile> remoteFiles(ModelRef ref) {
        return client.listFiles(ref);
    }

    /** A model present in the cache. */
    public record CachedModel(ModelRef ref, Path dir, long bytes, boolean complete) {
    }

    public List<CachedModel> list() {
        List<CachedModel> out = new ArrayList<>();
        Path root = settings.cacheDir();
        if (!Files.isDirectory(root)) return out;
        try (Stream<Path> repos = Files.list(root)) {
            for (Path repoDir : repos.sorted().toList()) {
                String name = repoDir.getFileName().toString();
                if (!name.startsWith("models--") || !Files.isDirectory(repoDir.resolve("snapshots"))) continue;
                String repo = name.substring("models--".length()).replaceFirst("--", "/");
                Map<String, String> names = refNames(repoDir);
                try (Stream<Path> revs = Files.list(repoDir.resolve("snapshots"))) {
                    for (Path rev : revs.filter(Files::isDirectory).sorted().toList()) {
                        String snapshot = rev.getFileName().toString();
                        ModelRef ref;
                        try {
                            ref = new ModelRef(repo, names.getOrDefault(snapshot, snapshot));
                        } catch (IllegalArgumentException e) {
                            continue; // not a repository id we can name (e.g. a dataset-style folder)
                        }
                        out.add(new CachedModel(ref, rev, size(rev), isComplete(rev)));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.sort(Comparator.comparing(c -> c.ref().toString()));
        return out;
    }

    /** commit -> revision name, from {@code refs/} (e.g. main). */
    private static Map<String, String> refNames(Path repoDir) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        Path refs = repoDir.resolve("refs");
        if (!Files.isDirectory(refs)) return out;
        try (Stream<Path> s = Files.walk(refs)) {
            for (Path f : s.filter(Files::isRegularFile).toList()) {
                out.putIfAbsent(Files.readString(f).strip(), refs.relativize(f).toString());
            }
        }
        return out;
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static LongVqaException unavailable(ModelRef ref, Path dir, String why) {
        return new LongVqaException(ErrorCode.MODEL_UNAVAILABLE, "model " + ref + " is not in the cache and cannot be downloaded: "
                + why + ". Run `longvqa models pull " + ref + "` where the hub is reachable, or place the checkpoint by hand in "
                + dir + " with config.json, tokenizer.json (tokenizer_config.json for the chat template) and model.safetensors "
                + "or model.safetensors.index.json with all its model-XXXXX-of-YYYYY.safetensors shards");
    }
}
