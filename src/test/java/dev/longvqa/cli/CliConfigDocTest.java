package dev.longvqa.cli;

import dev.longvqa.contract.ConfigTable;
import org.junit.jupiter.api.Test;

import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/CONFIGURATION.md's "Command line" table states exactly the properties of {@link CliConfig},
 * each with its variable and the default the command line really uses (the mapping's, or the core
 * type's for {@link CliConfig#CORE_DEFAULTS}).
 */
class CliConfigDocTest {

    @Test
    void everyPropertyAndVariableIsDocumentedWithItsDefault() throws Exception {
        Map<String, String> documented = ConfigTable.documentedSection("Command line");
        var entries = ConfigTable.entries(CliConfig.class, CliConfig.PREFIX);
        assertThat(entries).extracting(ConfigTable.Entry::name).contains("longvqa.fps", "longvqa.llm", "longvqa.cache", "longvqa.synth.seed");
        for (ConfigTable.Entry e : entries) {
            String expected = e.defaultValue() != null ? e.defaultValue() : CliConfig.CORE_DEFAULTS.get(e.name());
            for (String name : new String[]{e.name(), variable(e.name())}) {
                assertThat(documented).as("docs/CONFIGURATION.md documents " + name).containsKey(name);
                if (expected != null) assertThat(documented.get(name)).as("the default of " + name).isEqualTo(expected);
            }
        }
        assertThat(documented.keySet().stream().filter(k -> k.startsWith(CliConfig.PREFIX + ".")))
                .as("rows for properties that exist").containsExactlyInAnyOrderElementsOf(entries.stream().map(ConfigTable.Entry::name).toList());
    }

    /** SmallRye's environment name of a property: upper case, every other character '_'. */
    private static String variable(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }
}
