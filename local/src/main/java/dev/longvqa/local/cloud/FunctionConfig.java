package dev.longvqa.local.cloud;

import dev.longvqa.functions.Settings;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;

/**
 * A Lambda function's configuration as the deployed function reads it: its
 * {@code application.properties} (the one in the functions jar, {@code prod} profile) under the
 * environment variables the template gives the function, through SmallRye Config, the library
 * Quarkus reads them with. So a variable the stack sets under another name than the artifact
 * reads is missing here exactly as it is in AWS.
 *
 * @param handler  the {@code @Named} handler the function runs ({@code quarkus.lambda.handler})
 * @param settings the services' settings
 */
record FunctionConfig(String handler, Settings settings) {
    private static final int ENVIRONMENT_ORDINAL = 300; // above application.properties (250), as in Quarkus

    static FunctionConfig of(Map<String, String> environment) {
        return of(environment, Map.of());
    }

    /** @param overrides properties above the environment (the local cloud's own scratch directory) */
    static FunctionConfig of(Map<String, String> environment, Map<String, String> overrides) {
        SmallRyeConfig config = config(environment, overrides, Settings.class);
        return new FunctionConfig(config.getValue("quarkus.lambda.handler", String.class),
                config.getConfigMapping(Settings.class).validated());
    }

    /** The API function's own settings ({@code longvqa.api.*}), read the same way. */
    static dev.longvqa.functions.api.ApiSettings api(Map<String, String> environment) {
        return config(environment, Map.of(), dev.longvqa.functions.api.ApiConfig.class)
                .getConfigMapping(dev.longvqa.functions.api.ApiConfig.class).settings();
    }

    private static SmallRyeConfig config(Map<String, String> environment, Map<String, String> overrides, Class<?> mapping) {
        return new SmallRyeConfigBuilder()
                .addDefaultInterceptors()
                .withProfile("prod")
                .withSources(new PropertiesConfigSource(overrides, "local cloud", ENVIRONMENT_ORDINAL + 100))
                .withSources(new EnvConfigSource(environment, ENVIRONMENT_ORDINAL))
                .withSources(new PropertiesConfigSource(applicationProperties(), "functions application.properties", 250))
                .withConverter(Path.class, 100, Path::of)
                .withMapping(mapping)
                .withValidateUnknown(false)
                .build();
    }

    /** The functions jar's own file (other modules on this class path may carry one too). */
    private static Map<String, String> applicationProperties() {
        try {
            URL home = Settings.class.getProtectionDomain().getCodeSource().getLocation();
            for (URL url : Collections.list(Settings.class.getClassLoader().getResources("application.properties"))) {
                if (url.toString().contains(home.getPath())) {
                    java.util.Properties p = new java.util.Properties();
                    try (var in = url.openStream()) {
                        p.load(in);
                    }
                    @SuppressWarnings({"unchecked", "rawtypes"})
                    Map<String, String> map = (Map) p;
                    return Map.copyOf(map);
                }
            }
            throw new IllegalStateException("the functions' application.properties is not on the class path (from " + home + ")");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
