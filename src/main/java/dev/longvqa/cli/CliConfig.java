package dev.longvqa.cli;

import dev.longvqa.contract.ConfigTable;
import dev.longvqa.contract.Limits;
import dev.longvqa.reason.SegmentRule;
import dev.longvqa.scenes.SegmenterSettings;
import dev.longvqa.tdc.TdcSettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Every default of the {@code longvqa} command line, read once per process by SmallRye Config (the
 * library the functions and the worker read theirs with). A property {@code longvqa.NAME} is the
 * option {@code --NAME} of every command that has it; its sources, strongest first: the option
 * itself, a system property ({@code -Dlongvqa.fps=2}), the environment ({@code LONGVQA_FPS=2}), the
 * user file {@link #userFile} ({@code fps=2} or {@code longvqa.fps=2}), and the default here.
 * {@link ConfigDefaults} hands these values to picocli as the options' defaults, so {@code --help}
 * shows the effective one.
 *
 * <p>Each default is stated once: the command line's own in {@code @WithDefault}; the shared limits
 * from {@link Limits}; what a core type owns (the reference's scene count and LVCoT rule, the TDC
 * budget) from that type ({@link #CORE_DEFAULTS}, or a constant in {@code @WithDefault}).
 * docs/CONFIGURATION.md's table is checked against this interface ({@code CliConfigDocTest}).
 *
 * <p>A new option with a configurable default (e.g. another transcript engine's model) is one method
 * here and one {@code @Option} without {@code defaultValue}: {@link ConfigDefaults} pairs them by name.
 */
@ConfigMapping(prefix = CliConfig.PREFIX)
interface CliConfig {
    String PREFIX = "longvqa";

    /**
     * The defaults owned by core types, registered as configuration defaults so that the command
     * line, its {@code --help} and the docs show the very value the core uses.
     */
    Map<String, String> CORE_DEFAULTS = Map.of(
            PREFIX + ".max-scenes", String.valueOf(SegmenterSettings.DEFAULT.maxScenes()),
            PREFIX + ".lvcot", SegmentRule.REFERENCE.toString());

    /** Every property of this mapping, by full name (groups included). */
    Set<String> PROPERTIES = properties(CliConfig.class);

    // --- decoding and cuts (scenes, plan, ask) ---

    /** Frames sampled per second ({@code --fps}); the TDC reference samples at 1 fps. */
    @WithDefault("1.0")
    double fps();

    /** {@code uniform}, {@code keyframes} or {@code adaptive} ({@code --sampling}). */
    @WithDefault("uniform")
    String sampling();

    /** At most this many scenes ({@code --max-scenes}); the core's S ({@link #CORE_DEFAULTS}). */
    @WithName("max-scenes")
    int maxScenes();

    /** Longest video accepted, seconds ({@code --max-duration}). */
    @WithName("max-duration")
    @WithDefault(Limits.MAX_VIDEO_SECONDS_TEXT)
    double maxDuration();

    /** Largest file accepted, bytes ({@code --max-bytes}). */
    @WithName("max-bytes")
    @WithDefault(Limits.MAX_VIDEO_BYTES_TEXT)
    long maxBytes();

    /** The frame embedder for cuts: {@code builtin} or {@code vit:FILE[@SIZE]} ({@code --embedder}). */
    @WithDefault("builtin")
    String embedder();

    // --- TDC (plan, ask) ---

    /** LLM context budget in tokens, {@code 8K} up to {@code 128K} ({@code --budget}); the reference's. */
    @WithDefault("" + TdcSettings.REFERENCE_BUDGET)
    String budget();

    /** Tokens of the question and prompt text that {@code plan} reserves ({@code --text-tokens}). */
    @WithName("text-tokens")
    @WithDefault("64")
    int textTokens();

    /** Where the TDC towers and Q-Former run: {@code cpu}, {@code gpu} or {@code auto} ({@code --device}). */
    @WithDefault("auto")
    String device();

    /**
     * What runs the TDC Q-Former ({@code --tdc-engine}): {@code auto} (ONNX Runtime on the CPU, DJL on
     * a GPU), {@code djl} or {@code onnxruntime}; the worker reads the same variable.
     */
    @WithName("tdc-engine")
    @WithDefault("auto")
    String tdcEngine();

    /** Scenes inside a TDC context: {@code reference} (adapt_segment) or {@code segmenter} ({@code --scene-split}). */
    @WithName("scene-split")
    @WithDefault("reference")
    String sceneSplit();

    // --- the language model and the passes (ask) ---

    /** The language model spec ({@code --llm}): the embedded runtime model unless set. */
    @WithDefault("runtime:HuggingFaceTB/SmolVLM-256M-Instruct")
    String llm();

    /** The model name requested from an OpenAI-compatible server ({@code --model-name}); unset: its first. */
    @WithName("model-name")
    Optional<String> modelName();

    /** LVCoT segments by sampled frames ({@code --lvcot}); the reference's rule ({@link #CORE_DEFAULTS}). */
    String lvcot();

    /** Frames shown per pass to image-capable models ({@code --max-images}). */
    @WithName("max-images")
    @WithDefault("16")
    int maxImages();

    /** LVCoT prompts: {@code auto}, {@code reference} or {@code annotated} ({@code --profile}). */
    @WithDefault("auto")
    String profile();

    /**
     * The speech recogniser for timed transcripts ({@code --asr}), a {@code SpeechToTexts} spec:
     * {@code auto} picks the first engine installed. Another engine is another spec value here, and
     * its own settings another property beside this one.
     */
    @WithDefault("auto")
    String asr();

    /** The segment summary and transcript cache ({@code --cache-dir}; {@code LONGVQA_CACHE}). */
    @WithName("cache")
    @WithDefault("${XDG_CACHE_HOME:${user.home}/.cache}/longvqa/segments")
    Path cacheDir();

    // --- output ---

    /** Progress on stderr ({@code --progress}): {@code auto} (a bar on a terminal, plain lines elsewhere), {@code bar}, {@code plain}, {@code none}. */
    @WithDefault("auto")
    String progress();

    /** {@code true} (or {@code 1}): stack traces with the one-line errors. */
    @WithDefault("false")
    String debug();

    /** {@code longvqa synth}'s generated video. */
    SynthDefaults synth();

    interface SynthDefaults {
        /** Number of cuts ({@code synth --cuts}). */
        @WithDefault("5")
        int cuts();

        /** Approximate length in seconds ({@code synth --seconds}). */
        @WithDefault("60")
        double seconds();

        /** Random seed ({@code synth --seed}). */
        @WithDefault("1")
        long seed();
    }

    default boolean debugEnabled() {
        return debug().equals("1") || debug().equalsIgnoreCase("true");
    }

    // --- loading ---

    /** The environment variable naming another user file than {@link #userFile}'s default. */
    String FILE_ENV = "LONGVQA_CONFIG";

    /**
     * The user's file: {@code $LONGVQA_CONFIG}, else {@code $XDG_CONFIG_HOME/longvqa/config.properties},
     * else {@code ~/.config/longvqa/config.properties}. Read when it exists.
     */
    static Path userFile(Map<String, String> env, Properties system) {
        String given = env.get(FILE_ENV);
        if (given != null && !given.isBlank()) return Path.of(given);
        String xdg = env.getOrDefault("XDG_CONFIG_HOME", "");
        Path base = xdg.isBlank() ? Path.of(system.getProperty("user.home"), ".config") : Path.of(xdg);
        return base.resolve("longvqa").resolve("config.properties");
    }

    /** Only the defaults: what the command line does with nothing configured. */
    static CliConfig defaults() {
        Properties home = new Properties();
        home.setProperty("user.home", System.getProperty("user.home"));
        return load(Map.of(FILE_ENV, "/dev/null/none"), home);
    }

    /** The configuration a process with this environment and these system properties reads. */
    static CliConfig load(Map<String, String> env, Properties system) {
        return config(env, system).getConfigMapping(CliConfig.class);
    }

    /**
     * The SmallRye configuration behind the mapping; {@link ConfigDefaults} reads option defaults
     * from it by name. A value that does not convert fails here, naming the property.
     */
    static SmallRyeConfig config(Map<String, String> env, Properties system) {
        return config(env, system, List.of());
    }

    /**
     * As {@link #config(Map, Properties)}, with more mappings read from the same sources (another
     * command line's, {@link Configuration}): the user file may then hold their keys too.
     */
    static SmallRyeConfig config(Map<String, String> env, Properties system, List<Class<?>> more) {
        Map<String, String> sys = new HashMap<>();
        system.stringPropertyNames().forEach(k -> sys.put(k, system.getProperty(k)));
        Set<String> known = new HashSet<>(PROPERTIES);
        Set<String> prefixes = new HashSet<>();
        more.forEach(m -> {
            known.addAll(properties(m));
            prefixes.add(prefix(m));
        });
        Path file = userFile(env, system);
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder()
                .addDefaultInterceptors() // ${...} expressions, as in the cache directory's default
                .withSources(new PropertiesConfigSource(sys, "system properties", 400))
                .withSources(new EnvConfigSource(env, 300))
                .withSources(new PropertiesConfigSource(readUserFile(file, known, prefixes), "user file " + file, 250))
                .withDefaultValues(CORE_DEFAULTS)
                .withConverter(Path.class, 100, Path::of)
                .withMapping(CliConfig.class)
                .withValidateUnknown(false); // the environment holds LONGVQA_* variables of the launcher, the worker, the models cache
        more.forEach(builder::withMapping);
        return builder.build();
    }

    /** The settings under {@code longvqa.local.} belong to {@code longvqa local}'s mapping, which checks them itself. */
    String LOCAL_NAMESPACE = PREFIX + ".local";

    /** A mapping's prefix, from its {@code @ConfigMapping}. */
    static String prefix(Class<?> mapping) {
        ConfigMapping m = mapping.getAnnotation(ConfigMapping.class);
        if (m == null) throw new IllegalArgumentException(mapping.getName() + " is no @ConfigMapping");
        return m.prefix();
    }

    /** Every property of a mapping, by full name. */
    static Set<String> properties(Class<?> mapping) {
        return ConfigTable.entries(mapping, prefix(mapping)).stream().map(ConfigTable.Entry::name).collect(Collectors.toUnmodifiableSet());
    }

    /**
     * The file's properties, each under {@link #PREFIX} ({@code fps=2} and {@code longvqa.fps=2} alike).
     * A key of no {@code known} property is an error, except one under {@link #LOCAL_NAMESPACE} when
     * that mapping is not loaded ({@code longvqa ask} leaves {@code local.dir} to {@code longvqa local}).
     */
    private static Map<String, String> readUserFile(Path file, Set<String> known, Set<String> prefixes) {
        Map<String, String> out = new HashMap<>();
        if (!Files.isRegularFile(file)) return out;
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the configuration file " + file + ": " + e.getMessage(), e);
        }
        Set<String> unknown = new TreeSet<>();
        for (String k : p.stringPropertyNames()) {
            String name = k.startsWith(PREFIX + ".") ? k : PREFIX + "." + k;
            boolean elsewhere = name.startsWith(LOCAL_NAMESPACE + ".") && !prefixes.contains(LOCAL_NAMESPACE);
            if (!known.contains(name) && !elsewhere) unknown.add(k);
            out.put(name, p.getProperty(k).strip());
        }
        // a misspelt key would otherwise be ignored without a word; the file holds the mappings' keys only
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown setting " + String.join(", ", unknown) + " in " + file
                    + " (docs/CONFIGURATION.md lists the command line's)");
        }
        return out;
    }
}
