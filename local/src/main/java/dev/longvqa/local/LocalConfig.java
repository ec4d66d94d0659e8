package dev.longvqa.local;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The defaults of {@code longvqa local}'s own options, read as {@code longvqa}'s are
 * ({@code dev.longvqa.cli.Configuration}: option, system property, environment, user file,
 * default). Option {@code --NAME} with {@code descriptionKey = "local.KEY"} takes property
 * {@code longvqa.local.KEY} ({@code LONGVQA_LOCAL_KEY}); an option of the same meaning as one of
 * {@code longvqa}'s ({@code up --llm}, {@code --budget}, {@code --asr}) takes that property and its
 * one default. docs/CONFIGURATION.md's "Local cloud" table is checked against this
 * ({@code LocalConfigDocTest}).
 */
@ConfigMapping(prefix = LocalConfig.PREFIX)
public interface LocalConfig {
    String PREFIX = "longvqa.local";

    /** The local cloud's state directory ({@code --data} of every command). */
    @WithDefault("${user.home}/.longvqa/local")
    Path dir();

    /** A TDC checkpoint directory for {@code up}'s worker ({@code up --tdc}); unset: frames as images. */
    Optional<Path> tdc();

    /** {@code up}'s API and page on 127.0.0.1 ({@code up --port}; 0: any free port). */
    @WithDefault("8787")
    int port();

    /** {@code web}'s signing proxy on 127.0.0.1 ({@code web --port}); the stack's CORS rule allows this origin. */
    @WithName("web-port")
    @WithDefault("8788")
    int webPort();

    /** Seconds {@code upload --wait} waits for the job ({@code upload --timeout}). */
    @WithName("upload-timeout")
    @WithDefault("3600")
    long uploadTimeout();

    /** Seconds {@code ask} waits for the answers ({@code ask --timeout}). */
    @WithName("ask-timeout")
    @WithDefault("600")
    long askTimeout();
}
