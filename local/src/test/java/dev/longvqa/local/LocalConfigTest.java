package dev.longvqa.local;

import dev.longvqa.contract.ConfigTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code longvqa local}'s options take their defaults as {@code longvqa}'s do: option, system
 * property, environment, user file, {@link LocalConfig}'s default (or {@code longvqa}'s own, for
 * the options both command lines have); docs/CONFIGURATION.md states them.
 */
class LocalConfigTest {
    @TempDir
    Path home;

    final Map<String, String> env = new HashMap<>(Map.of("LONGVQA_CONFIG", "/dev/null/none"));
    final Properties system = new Properties();

    LocalConfigTest() {
        system.setProperty("user.home", "/home/someone");
    }

    /** The value {@code option} of {@code local COMMAND} has after parsing {@code args}. */
    Object parsed(String option, String... args) {
        CommandLine cli = LocalCli.commandLine(env, system);
        CommandLine.ParseResult r = cli.parseArgs(args).subcommand();
        return r.commandSpec().findOption(option).getValue();
    }

    @Test
    void anOptionWinsOverASystemPropertyOverTheEnvironmentOverTheDefault() {
        assertThat(parsed("--data", "status", "J")).isEqualTo(Path.of("/home/someone/.longvqa/local"));
        env.put("LONGVQA_LOCAL_DIR", "/from/env");
        assertThat(parsed("--data", "status", "J")).isEqualTo(Path.of("/from/env"));
        system.setProperty("longvqa.local.dir", "/from/property");
        assertThat(parsed("--data", "status", "J")).isEqualTo(Path.of("/from/property"));
        assertThat(parsed("--data", "status", "J", "--data", "/from/option")).isEqualTo(Path.of("/from/option"));
    }

    @Test
    void theUserFileIsBelowTheEnvironmentAndAboveTheDefault() throws Exception {
        Path file = Files.writeString(home.resolve("config.properties"), "local.port=9000\nllm=openai:http://gpu:8000/v1\nlongvqa.local.ask-timeout=5\n");
        env.put("LONGVQA_CONFIG", file.toString());
        assertThat(parsed("--port", "up")).isEqualTo(9000);
        assertThat(parsed("--llm", "up")).isEqualTo("openai:http://gpu:8000/v1");
        assertThat(parsed("--timeout", "ask", "J", "Q")).isEqualTo(5L);
        env.put("LONGVQA_LOCAL_PORT", "9001");
        assertThat(parsed("--port", "up")).isEqualTo(9001);
    }

    @Test
    void theOptionsLongvqaAlsoHasTakeItsOneDefault() {
        // local up --llm/--budget/--asr are ask's settings: the same property, the same default
        assertThat(parsed("--llm", "up")).isEqualTo(dev.longvqa.cli.AskCommand.defaultSpec());
        assertThat(parsed("--budget", "up")).isEqualTo(String.valueOf(dev.longvqa.tdc.TdcSettings.REFERENCE_BUDGET));
        assertThat(parsed("--asr", "up")).isEqualTo("auto");
        assertThat(parsed("--tdc", "up")).isNull();
        env.put("LONGVQA_ASR", "off");
        env.put("LONGVQA_LOCAL_TDC", "/models/tdc");
        assertThat(parsed("--asr", "up")).isEqualTo("off");
        assertThat(parsed("--tdc", "up")).isEqualTo(Path.of("/models/tdc"));
        // the worker's own LONGVQA_TDC is not the local cloud's setting
        env.remove("LONGVQA_LOCAL_TDC");
        env.put("LONGVQA_TDC", "/worker/tdc");
        assertThat(parsed("--tdc", "up")).isNull();
    }

    @Test
    void helpShowsTheEffectiveDefault() {
        env.put("LONGVQA_LOCAL_PORT", "9123");
        CommandLine cli = LocalCli.commandLine(env, system);
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out));
        assertThat(cli.execute("up", "--help")).isZero();
        String help = out.toString().replaceAll("\\s+", ""); // picocli wraps long lines, even inside a value
        assertThat(help).contains("default:9123").contains("default:/home/someone/.longvqa/local")
                .contains("default:" + dev.longvqa.cli.AskCommand.defaultSpec());
    }

    @Test
    void aMisspeltKeyOrABadValueIsRefusedNamingIt() throws Exception {
        Path file = Files.writeString(home.resolve("typo.properties"), "local.prot=9000\n");
        env.put("LONGVQA_CONFIG", file.toString());
        assertThatThrownBy(() -> LocalCli.commandLine(env, system)).hasMessageContaining("local.prot");
        env.put("LONGVQA_CONFIG", "/dev/null/none");
        env.put("LONGVQA_LOCAL_PORT", "eighty");
        assertThatThrownBy(() -> LocalCli.commandLine(env, system)).hasMessageContaining("longvqa.local.port");
    }

    @Test
    void everyPropertyAndVariableIsDocumentedWithItsDefault() throws Exception {
        Map<String, String> documented = ConfigTable.documentedSection("Local cloud");
        List<ConfigTable.Entry> entries = ConfigTable.entries(LocalConfig.class, LocalConfig.PREFIX);
        assertThat(entries).extracting(ConfigTable.Entry::name).contains("longvqa.local.dir", "longvqa.local.port", "longvqa.local.tdc");
        for (ConfigTable.Entry e : entries) {
            for (String name : new String[]{e.name(), e.name().replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT)}) {
                assertThat(documented).as("docs/CONFIGURATION.md documents " + name).containsKey(name);
                if (e.defaultValue() != null) assertThat(documented.get(name)).as("the default of " + name).isEqualTo(e.defaultValue());
            }
        }
        assertThat(documented.keySet().stream().filter(k -> k.startsWith(LocalConfig.PREFIX + ".")))
                .as("rows for properties that exist").containsExactlyInAnyOrderElementsOf(entries.stream().map(ConfigTable.Entry::name).toList());
    }
}
