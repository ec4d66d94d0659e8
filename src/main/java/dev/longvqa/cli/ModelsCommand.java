package dev.longvqa.cli;

import dev.longvqa.error.LongVqaException;
import dev.longvqa.runtime.HfCheckpoint;
import dev.longvqa.runtime.Safetensors;
import dev.longvqa.runtime.hub.DownloadListener;
import dev.longvqa.runtime.hub.KnownModel;
import dev.longvqa.runtime.hub.ModelRef;
import dev.longvqa.runtime.hub.ModelStore;
import dev.longvqa.runtime.hub.ProgressBarListener;
import dev.longvqa.runtime.hub.RemoteFile;
import dev.longvqa.runtime.llm.ChatTemplate;
import dev.longvqa.runtime.llm.LlmConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * {@code longvqa models list|pull|info}: the local model cache and the Hugging Face hub.
 * Settings come from the environment (HF_ENDPOINT, HF_TOKEN, LONGVQA_MODELS, HF_HUB_OFFLINE).
 * Paths go to stdout, progress bars and errors to stderr; exit 3 when a model is unavailable.
 */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "List, download and inspect language models (Hugging Face checkpoints).")
public final class ModelsCommand implements Callable<Integer> {
    private final ModelStore injected;
    private final PrintStream out;
    private final PrintStream err;
    private ModelStore store;

    public ModelsCommand() {
        this(null, System.out, System.err);
    }

    /** For embedding and tests: a given store and streams. */
    public ModelsCommand(ModelStore store, PrintStream out, PrintStream err) {
        this.injected = store;
        this.out = out;
        this.err = err;
    }

    private ModelStore store() {
        if (store == null) store = injected != null ? injected : ModelStore.fromEnvironment();
        return store;
    }

    @Override
    public Integer call() {
        return list();
    }

    @Command(name = "list", description = "Known models and what the cache holds.")
    int list() {
        return guarded(() -> {
            ModelStore s = store();
            out.println("known models (short name -> hub repository):");
            for (KnownModel k : KnownModel.values()) {
                boolean cached = ModelStore.isComplete(s.directory(new ModelRef(k.repo(), "main")));
                out.printf("  %-16s %-38s %s%s%n", k.alias(), k.repo(), cached ? "[cached] " : "", k.description());
            }
            List<ModelStore.CachedModel> cached = s.list();
            out.println("cache " + s.settings().cacheDir() + (cached.isEmpty() ? ": empty" : ":"));
            for (ModelStore.CachedModel m : cached) {
                out.printf("  %-48s %8.1f MiB %s%n", m.ref(), m.bytes() / 1048576.0, m.complete() ? m.dir() : "(incomplete) " + m.dir());
            }
            return 0;
        });
    }

    @Command(name = "pull", description = "Download a model into the cache (resumes interrupted downloads). Prints its directory.")
    int pull(@Parameters(paramLabel = "MODEL", description = "owner/name[@revision] or a short name (see list)") String model,
             @Option(names = "--all-files", description = "every file of the repository, not only configs, tokenizer and *.safetensors")
             boolean all,
             @Option(names = "--quiet", description = "no progress (as --progress none)") boolean quiet,
             @Option(names = "--progress", paramLabel = "auto|bar|plain|none", description = "progress on stderr (default: ${DEFAULT-VALUE})")
             String progress) {
        return guarded(() -> {
            ModelRef ref = ModelRef.parse(model);
            Predicate<String> include = all ? p -> true : ModelStore.RUNTIME_FILES;
            Terminal.Mode mode = quiet ? Terminal.Mode.NONE : Terminal.progressMode(progress);
            DownloadListener listener = mode == Terminal.Mode.NONE ? DownloadListener.NONE : new ProgressBarListener(err, mode == Terminal.Mode.BAR);
            if (store().settings().offline()) {
                // resolve() explains where to put the files by hand.
                out.println(store().resolve(model));
                return 0;
            }
            out.println(store().pull(ref, include, listener));
            return 0;
        });
    }

    @Command(name = "info", description = "Describe a model: decoder shape, weights, chat template; the hub's file list if not cached.")
    int info(@Parameters(paramLabel = "MODEL") String model) {
        return guarded(() -> {
            ModelRef ref = ModelRef.parse(model);
            Path dir = store().directory(ref);
            if (!ModelStore.isComplete(dir)) {
                if (store().settings().offline()) store().resolve(model); // throws MODEL_UNAVAILABLE with guidance
                out.println(ref + ": not cached; files on " + store().settings().endpoint() + ":");
                for (RemoteFile f : store().remoteFiles(ref)) {
                    out.printf("  %-56s %12s%s%n", f.path(), f.size() < 0 ? "?" : f.size(),
                            ModelStore.RUNTIME_FILES.test(f.path()) ? "" : "  (skipped by pull)");
                }
                return 0;
            }
            out.println(ref + " in " + dir);
            LlmConfig c = LlmConfig.read(dir.resolve("config.json"));
            out.printf("  decoder: %s (%s), %d layers, hidden %d, heads %d (kv %d, head dim %d), mlp %d, vocab %d%n",
                    c.family(), c.modelType(), c.numLayers(), c.hiddenSize(), c.numHeads(), c.numKvHeads(), c.headDim(),
                    c.intermediateSize(), c.vocabSize());
            out.printf("  rope: theta %.0f, scaling %s; tied embeddings %s; ~%.1fM decoder parameters%n",
                    c.ropeTheta(), c.ropeScaling().type(), c.tieWordEmbeddings(), c.parameterCount() / 1e6);
            var format = ChatTemplate.forCheckpoint(dir, c);
            out.println("  chat template: " + (format instanceof ChatTemplate t ? t + " (hand-written; the checkpoint has no Jinja template)"
                    : "the checkpoint's own Jinja template (" + format.id() + "), family " + ChatTemplate.detect(dir, c)));
            try (HfCheckpoint ckpt = HfCheckpoint.open(dir)) {
                Map<String, Long> byType = new TreeMap<>();
                Map<String, Long> byGroup = new TreeMap<>();
                for (String n : ckpt.names()) {
                    Safetensors.TensorInfo t = ckpt.info(n);
                    byType.merge(t.dtype().name(), t.elementCount(), Long::sum);
                    byGroup.merge(group(n), t.elementCount(), Long::sum);
                }
                out.println("  tensors: " + ckpt.names().size() + ", elements by dtype " + byType);
                out.println("  parameters by part: " + byGroup.entrySet().stream()
                        .map(e -> e.getKey() + " " + String.format("%.1fM", e.getValue() / 1e6)).collect(Collectors.joining(", ")));
            }
            try (var files = Files.list(dir)) {
                out.println("  files: " + files.map(p -> p.getFileName().toString()).filter(f -> !f.startsWith(".")).sorted().toList());
            }
            return 0;
        });
    }

    /** Top-level component of a tensor name: model.vision_model, model.text_model, lm_head... */
    private static String group(String name) {
        String[] p = name.split("\\.");
        if (p.length > 2 && p[0].equals("model") && !p[1].equals("layers") && !p[1].equals("embed_tokens") && !p[1].equals("norm")) {
            return p[0] + "." + p[1];
        }
        return p[0].equals("model") ? "model (decoder)" : p[0];
    }

    private interface CacheAction {
        int run() throws Exception;
    }

    private int guarded(CacheAction action) {
        try {
            return action.run();
        } catch (LongVqaException e) {
            err.println(e.oneLine());
            return e.code().kind().exitCode();
        } catch (IllegalArgumentException e) {
            err.println("BAD_REQUEST: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("INTERNAL: " + e);
            return 1;
        }
    }
}
