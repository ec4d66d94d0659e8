package dev.longvqa.infra.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each deployable unit's role allows every AWS operation its code calls (read from its compiled
 * classes by {@link SdkOperations}), as synthesized: a new SDK call without its grant fails here
 * rather than with AccessDenied in AWS.
 */
class GrantsCoverCallsTest {

  private static SynthesizedAssembly assembly;

  @BeforeAll
  static void synth() throws IOException {
    Path zip = Files.createDirectories(SynthesizedAssembly.REPO.resolve("infra/target/cdk-test")).resolve("grants-function.zip");
    Files.write(zip, new byte[] {'P', 'K', 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    assembly = SynthesizedAssembly.synth(SynthesizedAssembly.REPO.resolve("infra/target/cdk-test/grants"),
        "--function-code", zip.toString(), "--worker-image", "public.ecr.aws/example/worker:1");
  }

  /** Allowed action patterns of every policy attached to a role whose logical id starts with {@code rolePrefix}. */
  private static List<String> allowed(String rolePrefix) {
    List<String> actions = new ArrayList<>();
    for (JsonNode policy : assembly.resources("AWS::IAM::Policy").values()) {
      boolean attached = false;
      for (JsonNode role : policy.at("/Properties/Roles")) attached |= role.path("Ref").asText().startsWith(rolePrefix);
      if (!attached) continue;
      for (JsonNode st : policy.at("/Properties/PolicyDocument/Statement")) {
        if (!st.path("Effect").asText().equals("Allow")) continue;
        JsonNode a = st.get("Action");
        if (a.isArray()) a.forEach(x -> actions.add(x.asText()));
        else actions.add(a.asText());
      }
    }
    return actions;
  }

  private static Map<String, Set<String>> notAllowed(Map<String, Set<String>> calls, List<String> allowed) {
    List<Pattern> patterns = allowed.stream()
        .map(a -> Pattern.compile(Pattern.quote(a).replace("*", "\\E.*\\Q"), Pattern.CASE_INSENSITIVE)).toList();
    Map<String, Set<String>> missing = new TreeMap<>();
    calls.forEach((action, where) -> {
      if (patterns.stream().noneMatch(p -> p.matcher(action).matches())) missing.put(action, where);
    });
    return missing;
  }

  @Test
  void theWorkersTaskRoleAllowsEveryCallTheWorkerMakes() {
    Map<String, Set<String>> calls = SdkOperations.of(SynthesizedAssembly.REPO.resolve("gpu-worker/target/classes"));
    assertThat(calls).as("the reader finds the worker's calls").containsKeys("sqs:ReceiveMessage", "states:SendTaskSuccess",
        "s3:GetObject", "bedrock:InvokeModel");
    assertThat(notAllowed(calls, allowed("GpuWorkersTaskTaskRole"))).isEmpty();
  }

  @Test
  void theFunctionsRolesAllowEveryCallTheFunctionsMake() {
    Map<String, Set<String>> calls = SdkOperations.of(SynthesizedAssembly.REPO.resolve("functions/target/classes"));
    assertThat(calls).containsKeys("dynamodb:PutItem", "s3:PutObject", "s3:GetObject");
    List<String> union = new ArrayList<>();
    for (String stage : List.of("Register", "Plan", "DecodeRange", "Segment", "Record")) {
      union.addAll(allowed("Workflow" + stage + "Role"));
    }
    union.addAll(allowed("ApiApiRole"));
    assertThat(notAllowed(calls, union)).isEmpty();
  }

  @Test
  void theApiRoleAllowsEveryCallTheApiMakes() {
    // the API's own package, and the stores it calls through (JobStore, ObjectStore)
    Map<String, Set<String>> calls = SdkOperations.of(SynthesizedAssembly.REPO.resolve("functions/target/classes/dev/longvqa/functions/api"));
    assertThat(calls).as("the reader finds the API's calls").containsKeys("states:StartExecution", "dynamodb:Query",
        "s3:PutObject", "s3:ListMultipartUploadParts");
    List<String> allowed = allowed("ApiApiRole");
    // the stores' calls the API makes: GetItem/UpdateItem (JobStore), GetObject/HeadObject/PutObject (ObjectStore)
    for (String action : List.of("dynamodb:GetItem", "dynamodb:UpdateItem", "s3:GetObject", "s3:PutObject")) calls.putIfAbsent(action, Set.of("store"));
    assertThat(notAllowed(calls, allowed)).isEmpty();
  }

  @Test
  void noRoleAllowsWhatNoCodeCalls() {
    // the data-plane actions CDK's broad helpers would add and nothing here calls
    List<String> all = new ArrayList<>(allowed("GpuWorkersTaskTaskRole"));
    for (String stage : List.of("Register", "Plan", "DecodeRange", "Segment", "Record")) {
      all.addAll(allowed("Workflow" + stage + "Role"));
    }
    all.addAll(allowed("ApiApiRole"));
    assertThat(all).doesNotContain("dynamodb:Scan", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "s3:DeleteObject*");
  }
}
