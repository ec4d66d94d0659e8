package dev.longvqa.cli;

import io.smallrye.config.SmallRyeConfig;
import picocli.CommandLine;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The command line's way of reading configuration, for another command line of this project
 * ({@code longvqa local}): its own {@code @ConfigMapping} read from the same sources in the same
 * order as {@code longvqa}'s (option, system property, environment, user file, default), with
 * {@code longvqa}'s properties beside it, so an option such as {@code local up --llm} takes the very
 * default {@code ask --llm} has. docs/CONFIGURATION.md, "Command line".
 */
public final class Configuration {
    private final SmallRyeConfig config;
    private final Set<String> properties;

    private Configuration(SmallRyeConfig config, Set<String> properties) {
        this.config = config;
        this.properties = properties;
    }

    /**
     * The configuration a process with this environment and these system properties reads, with
     * {@code mapping} beside the command line's own. A value that does not convert, or an unknown
     * key in the user file, fails here with an {@link IllegalArgumentException} naming it.
     */
    public static Configuration load(Map<String, String> env, Properties system, Class<?> mapping) {
        Set<String> names = new HashSet<>(CliConfig.PROPERTIES);
        names.addAll(CliConfig.properties(mapping));
        return new Configuration(CliConfig.config(env, system, List.of(mapping)), Set.copyOf(names));
    }

    /** {@code mapping}'s values. */
    public <T> T mapping(Class<T> mapping) {
        return config.getConfigMapping(mapping);
    }

    /**
     * Picocli's defaults from this configuration: option {@code --NAME} takes property
     * {@code longvqa.NAME}, or {@code longvqa.KEY} for an option with {@code descriptionKey = "KEY"}.
     */
    public CommandLine.IDefaultValueProvider optionDefaults() {
        return new ConfigDefaults(config, properties);
    }

    /** Every property an option default may come from: the command line's and the mapping's. */
    public Set<String> properties() {
        return properties;
    }
}
