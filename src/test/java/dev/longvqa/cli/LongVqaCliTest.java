package dev.longvqa.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line a start builds for its first argument: only that subcommand, the same as in the whole tree. */
class LongVqaCliTest {
    @TempDir
    Path dir;

    private Map<String, String> env() {
        return Map.of(CliConfig.FILE_ENV, dir.resolve("none.properties").toString(), "LONGVQA_MAX_IMAGES", "6");
    }

    private static Properties props() {
        Properties p = new Properties();
        p.setProperty("user.home", "/home/someone");
        return p;
    }

    /** Each option of a subcommand as help shows it: names, default (after the configuration) and arity. */
    private static List<String> options(CommandLine sub) {
        return sub.getCommandSpec().options().stream()
                .map(o -> String.join("/", o.names()) + "=" + defaultOf(sub, o) + " " + o.arity())
                .sorted().toList();
    }

    private static String defaultOf(CommandLine sub, CommandLine.Model.OptionSpec o) {
        try {
            return String.valueOf(sub.getDefaultValueProvider() == null ? o.defaultValue() : sub.getDefaultValueProvider().defaultValue(o));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aSubcommandNamedFirstIsTheOnlyOneBuiltAndHasTheWholeTreesOptions() {
        CommandLine all = LongVqaCli.commandLine(env(), props());
        List<String> names = List.copyOf(all.getSubcommands().keySet());
        assertThat(names).containsExactly("scenes", "plan", "ask", "models", "synth", "help");
        for (String name : names) {
            if (name.equals("help")) continue;
            CommandLine one = LongVqaCli.commandLine(env(), props(), name);
            assertThat(one.getSubcommands().keySet()).as(name).containsExactly(name);
            CommandLine sub = one.getSubcommands().get(name), whole = all.getSubcommands().get(name);
            assertThat(sub.getCommandSpec().userObject().getClass()).isEqualTo(whole.getCommandSpec().userObject().getClass());
            assertThat(options(sub)).as(name).isNotEmpty().isEqualTo(options(whole));
            assertThat(sub.getCommandSpec().positionalParameters()).hasSameSizeAs(whole.getCommandSpec().positionalParameters());
        }
        // the configuration reaches the one-subcommand line as it reaches the whole tree
        CommandLine.ParseResult r = LongVqaCli.commandLine(env(), props(), "ask").parseArgs("ask", "v.mp4", "q");
        assertThat(((AskCommand) r.subcommand().commandSpec().userObject()).maxImages).isEqualTo(6);
    }

    @Test
    void helpAnOptionOrAnUnknownWordGetsEverySubcommand() {
        for (String first : new String[]{"help", "--help", "scnes", ""}) {
            assertThat(LongVqaCli.commandLine(env(), props(), first).getSubcommands().keySet()).as(first)
                    .containsExactly("scenes", "plan", "ask", "models", "synth", "help");
        }
        // `help scenes` still finds its sibling
        java.io.StringWriter out = new java.io.StringWriter();
        CommandLine help = LongVqaCli.commandLine(env(), props(), "help");
        help.setOut(new java.io.PrintWriter(out));
        assertThat(help.execute("help", "scenes")).isZero();
        assertThat(out.toString()).startsWith("Usage: longvqa scenes");
    }
}
