package dev.longvqa.functions;

import dev.longvqa.contract.ConfigTable;
import dev.longvqa.functions.api.ApiConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/CONFIGURATION.md's "Functions" table states exactly the names and defaults of {@link Settings}
 * and {@link ApiConfig}: no setting missing, no default different, no row for a setting that is gone.
 */
class SettingsDocTest {

    @Test
    void everySettingIsDocumentedWithItsDefault() throws Exception {
        Map<String, String> documented = ConfigTable.documentedSection("Functions");
        var entries = new java.util.ArrayList<>(ConfigTable.entries(Settings.class, Settings.PREFIX));
        entries.addAll(ConfigTable.entries(ApiConfig.class, "longvqa.api"));
        assertThat(entries).extracting(ConfigTable.Entry::name).contains("longvqa.bucket", "longvqa.limits.max-bytes",
                "longvqa.questions.max-chars", "longvqa.aws.path-style", "longvqa.api.url-ttl");
        for (ConfigTable.Entry e : entries) {
            assertThat(documented).as("docs/CONFIGURATION.md documents " + e.name()).containsKey(e.name());
            if (e.defaultValue() != null) {
                assertThat(documented.get(e.name())).as("the default of " + e.name()).isEqualTo(e.defaultValue());
            }
        }
        assertThat(documented.keySet().stream().filter(k -> k.startsWith(Settings.PREFIX + ".")))
                .as("rows for settings that exist").containsExactlyInAnyOrderElementsOf(entries.stream().map(ConfigTable.Entry::name).toList());
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
        assertThat(ApiConfig.of(Map.of()).settings().urlTtl()).isEqualTo(java.time.Duration.ofHours(1));
    }
}
