package dev.longvqa.cli;

import io.smallrye.config.SmallRyeConfig;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.Optional;
import java.util.Set;

/**
 * The options' defaults from {@link CliConfig}: option {@code --NAME} takes property
 * {@code longvqa.NAME} (or {@code longvqa.KEY} when the option names a {@code descriptionKey}, as
 * {@code --cache-dir} does for {@code longvqa.cache}), and only for the mapping's properties, so that an
 * unrelated variable such as the worker's {@code LONGVQA_TDC} never fills {@code --tdc}. An option given on the command line wins over
 * it; picocli's {@code ${DEFAULT-VALUE}} in {@code --help} shows it, so help states the default this
 * user's configuration gives, not a constant.
 */
final class ConfigDefaults implements CommandLine.IDefaultValueProvider {
    private final SmallRyeConfig config;
    private final Set<String> properties;

    ConfigDefaults(SmallRyeConfig config) {
        this(config, CliConfig.PROPERTIES);
    }

    /** Defaults for the options whose property is one of {@code properties}. */
    ConfigDefaults(SmallRyeConfig config, Set<String> properties) {
        this.config = config;
        this.properties = Set.copyOf(properties);
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option) || !properties.contains(property(option))) return null;
        return config.getOptionalValue(property(option), String.class).orElse(null);
    }

    /** The property an option's default comes from. */
    static String property(OptionSpec option) {
        String key = Optional.ofNullable(option.descriptionKey()).filter(k -> !k.isBlank())
                .orElseGet(() -> option.longestName().replaceFirst("^-+", ""));
        return CliConfig.PREFIX + "." + key;
    }
}
