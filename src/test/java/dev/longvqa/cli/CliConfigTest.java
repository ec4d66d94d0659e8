package dev.longvqa.cli;

import dev.longvqa.contract.Limits;
import dev.longvqa.reason.SegmentRule;
import dev.longvqa.scenes.SegmenterSettings;
import dev.longvqa.tdc.TdcSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The command line's defaults come from {@link CliConfig}: option over system property over environment over user file over default. */
class CliConfigTest {
    @TempDir
    Path dir;

    private Map<String, String> env(String... kv) {
        Map<String, String> env = new HashMap<>();
        env.put(CliConfig.FILE_ENV, dir.resolve("config.properties").toString());
        for (int i = 0; i < kv.length; i += 2) env.put(kv[i], kv[i + 1]);
        return env;
    }

    private static Properties props(String... kv) {
        Properties p = new Properties();
        p.setProperty("user.home", "/home/someone");
        for (int i = 0; i < kv.length; i += 2) p.setProperty(kv[i], kv[i + 1]);
        return p;
    }

    /** The scenes command's shared options after parsing {@code args} with this configuration. */
    private static FrontEndOptions front(Map<String, String> env, Properties props, String... args) {
        CommandLine cmd = LongVqaCli.commandLine(env, props);
        CommandLine.ParseResult r = cmd.parseArgs(args);
        return ((ScenesCommand) r.subcommand().commandSpec().userObject()).front;
    }

    private static AskCommand ask(Map<String, String> env, Properties props, String... args) {
        CommandLine.ParseResult r = LongVqaCli.commandLine(env, props).parseArgs(args);
        return (AskCommand) r.subcommand().commandSpec().userObject();
    }

    @Test
    void withNothingConfiguredTheDefaultsAreTheMappingsAndTheCoresOwn() {
        FrontEndOptions f = front(env(), props(), "scenes", "v.mp4");
        assertThat(f.fps).isEqualTo(1.0);
        assertThat(f.sampling).isEqualTo("uniform");
        assertThat(f.embedder).isEqualTo("builtin");
        assertThat(f.progress).isEqualTo("auto");
        // owned elsewhere, stated once there
        assertThat(f.maxScenes).isEqualTo(SegmenterSettings.DEFAULT.maxScenes());
        assertThat(f.maxDurationSec).isEqualTo(Limits.MAX_VIDEO_SECONDS);
        assertThat(f.maxBytes).isEqualTo(Limits.MAX_VIDEO_BYTES);
        AskCommand a = ask(env(), props(), "ask", "v.mp4", "Q?");
        assertThat(SegmentRule.parse(a.lvcotRule)).isEqualTo(SegmentRule.REFERENCE);
        assertThat(TdcSettings.parseBudget(a.budget)).isEqualTo(TdcSettings.defaults().budget());
        assertThat(a.llm).isEqualTo(AskCommand.defaultSpec()).isEqualTo("runtime:" + AskCommand.DEFAULT_MODEL);
        assertThat(a.cacheDir).isEqualTo(Path.of("/home/someone/.cache/longvqa/segments"));
        assertThat(a.modelName).isNull();
        assertThat(a.tdcDir).isNull();
    }

    @Test
    void optionOverSystemPropertyOverEnvironmentOverUserFile() throws Exception {
        Files.writeString(dir.resolve("config.properties"), "fps=0.5\nlongvqa.max-scenes=7\nsampling=keyframes\n");
        FrontEndOptions file = front(env(), props(), "scenes", "v.mp4");
        assertThat(file.fps).isEqualTo(0.5);
        assertThat(file.maxScenes).isEqualTo(7);
        assertThat(file.sampling).isEqualTo("keyframes");
        FrontEndOptions fromEnv = front(env("LONGVQA_FPS", "2", "LONGVQA_MAX_SCENES", "9"), props(), "scenes", "v.mp4");
        assertThat(fromEnv.fps).isEqualTo(2.0);
        assertThat(fromEnv.maxScenes).isEqualTo(9);
        assertThat(fromEnv.sampling).as("the file still fills what the environment does not").isEqualTo("keyframes");
        FrontEndOptions fromProperty = front(env("LONGVQA_FPS", "2"), props("longvqa.fps", "3"), "scenes", "v.mp4");
        assertThat(fromProperty.fps).isEqualTo(3.0);
        FrontEndOptions fromOption = front(env("LONGVQA_FPS", "2"), props("longvqa.fps", "3"), "scenes", "v.mp4", "--fps", "4");
        assertThat(fromOption.fps).isEqualTo(4.0);
    }

    @Test
    void theUserFileLivesUnderXdgConfigHome() {
        assertThat(CliConfig.userFile(Map.of("XDG_CONFIG_HOME", "/x/conf"), props())).isEqualTo(Path.of("/x/conf/longvqa/config.properties"));
        assertThat(CliConfig.userFile(Map.of(), props())).isEqualTo(Path.of("/home/someone/.config/longvqa/config.properties"));
        assertThat(CliConfig.userFile(Map.of(CliConfig.FILE_ENV, "/etc/lv.properties", "XDG_CONFIG_HOME", "/x"), props()))
                .isEqualTo(Path.of("/etc/lv.properties"));
        AskCommand a = ask(env("XDG_CACHE_HOME", "/x/cache"), props(), "ask", "v.mp4", "Q?");
        assertThat(a.cacheDir).isEqualTo(Path.of("/x/cache/longvqa/segments"));
        assertThat(ask(env("LONGVQA_CACHE", "/c"), props(), "ask", "v.mp4", "Q?").cacheDir).isEqualTo(Path.of("/c"));
    }

    @Test
    void helpShowsTheEffectiveDefault() {
        StringWriter out = new StringWriter();
        CommandLine cmd = LongVqaCli.commandLine(env("LONGVQA_MAX_IMAGES", "4", "LONGVQA_LLM", "openai:http://h:1/v1"), props());
        cmd.setOut(new PrintWriter(out, true));
        assertThat(cmd.execute("ask", "--help")).isZero();
        String help = out.toString().replaceAll("\\s+", " ");
        assertThat(help).contains("(default: 4)").contains("(default: openai:http://h:1/v1,")
                .contains("(default: " + TdcSettings.REFERENCE_BUDGET + ")").contains("(default: " + SegmentRule.REFERENCE + ",")
                .doesNotContain("(default: null)");
    }

    @Test
    void onlyTheMappingsPropertiesFillOptions() {
        // the worker's LONGVQA_TDC names a TDC directory too, but the CLI's --tdc is no configured default
        AskCommand a = ask(env("LONGVQA_TDC", "/somewhere", "LONGVQA_JSON", "true", "LONGVQA_NO_CACHE", "true"), props(), "ask", "v.mp4", "Q?");
        assertThat(a.tdcDir).isNull();
        assertThat(a.json).isFalse();
        assertThat(a.noCache).isFalse();
        assertThat(CliConfig.PROPERTIES).contains("longvqa.fps", "longvqa.cache", "longvqa.synth.cuts").doesNotContain("longvqa.tdc");
    }

    @Test
    void noOptionStatesADefaultOfItsOwn() {
        // every default is the mapping's: no defaultValue in an annotation, and no "(default: null)" in any help
        CommandLine cmd = LongVqaCli.commandLine(env(), props());
        java.util.List<CommandLine> all = new java.util.ArrayList<>(java.util.List.of(cmd));
        int shown = 0;
        for (int i = 0; i < all.size(); i++) {
            CommandLine c = all.get(i);
            all.addAll(c.getSubcommands().values());
            for (CommandLine.Model.OptionSpec o : c.getCommandSpec().options()) {
                assertThat(o.defaultValue()).as(c.getCommandName() + " " + o.longestName()).isNull();
            }
            String help = c.getUsageMessage(CommandLine.Help.Ansi.OFF).replaceAll("\\s+", " ");
            assertThat(help).as(c.getCommandName()).doesNotContain("default: null");
            shown += help.split("\\(default: ", -1).length - 1;
        }
        assertThat(shown).isGreaterThanOrEqualTo(20);
    }

    @Test
    void aValueThatDoesNotConvertIsOneLineNamingItsProperty() {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int exit = LongVqaCli.run(env("LONGVQA_MAX_SCENES", "many"), props(), new java.io.PrintStream(err, true), "scenes", "v.mp4");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).startsWith("error: BAD_REQUEST: configuration: ").contains("longvqa.max-scenes").contains("many")
                .doesNotContain("java.").doesNotContain("SRCFG").hasLineCount(1);
    }

    @Test
    void aMisspeltKeyInTheUserFileIsAnErrorNotIgnored() throws Exception {
        Files.writeString(dir.resolve("config.properties"), "max-images=8\nmax-image=4\n");
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int exit = LongVqaCli.run(env(), props(), new java.io.PrintStream(err, true), "scenes", "v.mp4");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).startsWith("error: BAD_REQUEST: configuration: unknown setting max-image in ")
                .contains("config.properties").hasLineCount(1);
    }

    @Test
    void theLocalCloudsKeysInTheSharedUserFileAreLeftToIt() throws Exception {
        // one user file for both command lines: longvqa reads its keys and leaves local.* to `longvqa local` (LocalConfig)
        Files.writeString(dir.resolve("config.properties"), "max-images=8\nlocal.port=9000\n");
        assertThat(ask(env(), props(), "ask", "v.mp4", "q").maxImages).isEqualTo(8);
        Files.writeString(dir.resolve("config.properties"), "locl.port=9000\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LongVqaCli.commandLine(env(), props())).hasMessageContaining("unknown setting locl.port");
    }

    @Test
    void debugAndProgressAreSettingsToo() {
        assertThat(CliConfig.load(env("LONGVQA_DEBUG", "1"), props()).debugEnabled()).isTrue();
        assertThat(CliConfig.load(env(), props()).debugEnabled()).isFalse();
        assertThat(front(env("LONGVQA_PROGRESS", "plain"), props(), "scenes", "v.mp4").progressMode()).isEqualTo(Terminal.Mode.PLAIN);
        assertThat(front(env("LONGVQA_PROGRESS", "plain"), props(), "scenes", "v.mp4", "-q").progressMode()).isEqualTo(Terminal.Mode.NONE);
        assertThat(front(env(), props(), "scenes", "v.mp4", "--progress", "bar").progressMode()).isEqualTo(Terminal.Mode.BAR);
        assertThatThrownBy(() -> front(env(), props(), "scenes", "v.mp4", "--progress", "fancy").progressMode())
                .hasMessageContaining("--progress");
    }
}
