package dev.longvqa.local;

import dev.longvqa.contract.Json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LocalCliTest {
    static final ObjectMapper JSON = Json.mapper();
    @TempDir
    Path dir;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    int run(String... args) {
        CommandLine cli = LocalCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    Path file(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content);
    }

    @Test
    void runsAPassOnlyDefinitionWithSubstitutionsAndHistory() throws Exception {
        Path def = file("m.json", """
            {"StartAt": "Greet", "States": {
              "Greet": {"Type": "Pass", "Parameters": {"msg": "hello from ${Where}", "who.$": "$.who"}, "ResultPath": "$.greeting", "Next": "Map"},
              "Map": {"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": {"StartAt": "Double", "States": {
                  "Double": {"Type": "Pass", "Parameters": {"v.$": "$"}, "End": true}}},
                "ResultPath": "$.doubled", "End": true}}}""");
        Path input = file("in.json", "{\"who\": \"dev\", \"items\": [1, 2]}");
        int code = run("run-asl", def.toString(), "--input", "@" + input, "-s", "Where=local", "--history");
        assertThat(code).as(out + " " + err).isZero();
        JsonNode result = JSON.readTree(out.toString());
        assertThat(result.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(result.get("output").get("greeting").get("msg").asText()).isEqualTo("hello from local");
        assertThat(result.get("output").get("greeting").get("who").asText()).isEqualTo("dev");
        assertThat(result.get("output").get("doubled")).isEqualTo(JSON.readTree("[{\"v\": 1}, {\"v\": 2}]"));
        assertThat(result.get("history").get(0).get("type").asText()).isEqualTo("ExecutionStarted");
    }

    @Test
    void anIntrinsicFunctionTheInterpreterLacksIsRefusedAtLoad() throws Exception {
        Path def = file("i.json", """
            {"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"a": {"msg.$": "States.UUID()"}}, "End": true}}}""");
        assertThat(run("run-asl", def.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("msg.$").contains("intrinsic function");
    }

    @Test
    void aTaskWithoutHandlerFailsClearly() throws Exception {
        Path def = file("t.json", """
            {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Parameters": {"FunctionName": "register"}, "End": true}}}""");
        assertThat(run("run-asl", def.toString())).isEqualTo(1);
        JsonNode result = JSON.readTree(out.toString());
        assertThat(result.get("status").asText()).isEqualTo("FAILED");
        assertThat(result.get("error").asText()).isEqualTo("States.Runtime");
        assertThat(result.get("cause").asText()).contains("no local handler").contains("lambda:invoke");
    }

    @Test
    void invalidDefinitionOrMissingSubstitutionIsExitTwo() throws Exception {
        assertThat(run("run-asl", file("bad.json", "{\"StartAt\": \"X\", \"States\": {}}").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("States is missing or empty");
        Path def = file("sub.json", "{\"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": \"Pass\", \"Result\": \"${Nope}\", \"End\": true}}}");
        assertThat(run("run-asl", def.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("Nope");
        assertThat(run("run-asl", dir.resolve("missing.json").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("missing.json");
    }
}
