package dev.longvqa.functions;

import dev.longvqa.contract.ConfigTable;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/FUNCTIONS.md's configuration table states exactly the names and defaults of {@link Settings}. */
class SettingsDocTest {

    @Test
    void everySettingIsDocumentedWithItsDefault() throws Exception {
        Map<String, String> documented = ConfigTable.documented(Files.readString(docs().resolve("FUNCTIONS.md")));
        var entries = ConfigTable.entries(Settings.class, Settings.PREFIX);
        assertThat(entries).extracting(ConfigTable.Entry::name).contains("longvqa.bucket", "longvqa.limits.max-bytes",
                "longvqa.questions.max-chars", "longvqa.aws.path-style");
        for (ConfigTable.Entry e : entries) {
            assertThat(documented).as("docs/FUNCTIONS.md documents " + e.name()).containsKey(e.name());
            if (e.defaultValue() != null) {
                assertThat(documented.get(e.name())).as("the default of " + e.name()).isEqualTo(e.defaultValue());
            }
        }
    }

    @Test
    void theDefaultsAreTheMappingsAlone() throws Exception {
        // application.properties states no longvqa.* value: the mapping's @WithDefault is the one source
        try (var in = Settings.class.getResourceAsStream("/application.properties")) {
            java.util.Properties p = new java.util.Properties();
            p.load(in);
            assertThat(p.stringPropertyNames()).noneMatch(k -> k.startsWith(Settings.PREFIX + "."));
        }
        Settings s = Settings.of(Map.of());
        assertThat(s.questions().maxChars()).isEqualTo(dev.longvqa.contract.Limits.MAX_QUESTION_CHARS);
        assertThat(s.videoLimits()).isEqualTo(dev.longvqa.video.VideoLimits.DEFAULT);
        assertThat(Settings.of(Map.of("longvqa.range-seconds", "15")).rangeSec()).isEqualTo(15.0);
    }

    static Path docs() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("docs")) && Files.exists(p.resolve("pom.xml"))) return p.resolve("docs");
        }
        throw new IllegalStateException("no docs/ above " + Path.of("").toAbsolutePath());
    }
}
