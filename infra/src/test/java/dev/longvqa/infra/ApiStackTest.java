package dev.longvqa.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longvqa.contract.FunctionEnv;
import dev.longvqa.contract.Handler;
import dev.longvqa.contract.JobRow;
import dev.longvqa.contract.api.ApiRoutes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

/** The API in the synthesized template: every route signed (IAM), throttled, nothing public; the answer workflow and the owner index. */
class ApiStackTest {
  private static JsonNode resources;

  @BeforeAll
  static void synth() {
    Template template = Template.fromStack(LongVqaApp.create(LongVqaStackTest.placeholderConfig("api")).stack());
    resources = dev.longvqa.contract.Json.mapper().valueToTree(template.toJSON()).get("Resources");
  }

  private static List<Map.Entry<String, JsonNode>> ofType(String type) {
    List<Map.Entry<String, JsonNode>> found = new ArrayList<>();
    resources.properties().forEach(e -> {
      if (e.getValue().get("Type").asText().equals(type)) found.add(e);
    });
    return found;
  }

  @Test
  void everyRouteOfTheApiRequiresIamAuthorizationAndThereAreNoOthers() {
    List<String> routes = new ArrayList<>();
    for (var route : ofType("AWS::ApiGatewayV2::Route")) {
      JsonNode p = route.getValue().get("Properties");
      assertThat(p.path("AuthorizationType").asText()).as(p.path("RouteKey").asText()).isEqualTo("AWS_IAM");
      routes.add(p.path("RouteKey").asText());
    }
    assertThat(routes).containsExactlyInAnyOrderElementsOf(ApiRoutes.ALL);
    assertThat(routes).noneMatch(r -> r.contains("$default") || r.startsWith("ANY"));
    assertThat(ofType("AWS::ApiGatewayV2::Api")).hasSize(1);
    assertThat(ofType("AWS::ApiGatewayV2::Authorizer")).as("IAM needs no authorizer resource; no other kind is declared").isEmpty();
    // no function URL, no public permission other than API Gateway's invoke of the API function
    assertThat(ofType("AWS::Lambda::Url")).isEmpty();
    for (var permission : ofType("AWS::Lambda::Permission")) {
      JsonNode p = permission.getValue().get("Properties");
      assertThat(p.path("Principal").asText()).isIn("apigateway.amazonaws.com", "events.amazonaws.com");
      if (p.path("Principal").asText().equals("apigateway.amazonaws.com")) assertThat(p.has("SourceArn")).isTrue();
    }
  }

  @Test
  void theStageIsThrottledAndLogged() {
    var stages = ofType("AWS::ApiGatewayV2::Stage");
    assertThat(stages).hasSize(1);
    JsonNode p = stages.getFirst().getValue().get("Properties");
    assertThat(p.path("StageName").asText()).isEqualTo("$default");
    assertThat(p.at("/DefaultRouteSettings/ThrottlingRateLimit").asInt()).isEqualTo(Api.RATE_LIMIT);
    assertThat(p.at("/DefaultRouteSettings/ThrottlingBurstLimit").asInt()).isEqualTo(Api.BURST_LIMIT);
    assertThat(p.at("/AccessLogSettings/DestinationArn").isMissingNode()).isFalse();
  }

  @Test
  void theApiFunctionRunsTheApiHandlerAndStartsTheAnswerStateMachine() {
    var fn = ofType("AWS::Lambda::Function").stream()
        .filter(e -> e.getValue().at("/Properties/Environment/Variables/" + FunctionEnv.HANDLER.variable()).asText().equals(Handler.API.handlerName()))
        .toList();
    assertThat(fn).hasSize(1);
    JsonNode env = fn.getFirst().getValue().at("/Properties/Environment/Variables");
    assertThat(env.has(FunctionEnv.BUCKET.variable())).isTrue();
    assertThat(env.has(FunctionEnv.TABLE.variable())).isTrue();
    String answerMachine = env.path(FunctionEnv.ANSWER_STATE_MACHINE.variable()).path("Ref").asText();
    assertThat(answerMachine).startsWith("ApiAnswerStateMachine");
    JsonNode machine = resources.get(answerMachine);
    assertThat(machine.path("Type").asText()).isEqualTo("AWS::StepFunctions::StateMachine");
    JsonNode definition;
    try {
      definition = dev.longvqa.contract.Json.mapper().readTree(machine.at("/Properties/DefinitionString").asText());
    } catch (java.io.IOException e) {
      throw new AssertionError("the answer state machine's definition is not JSON", e);
    }
    // the answer-only workflow: the GPU answer task and the record function, no decode or segment pass
    List<String> states = new ArrayList<>();
    definition.path("States").fieldNames().forEachRemaining(states::add);
    assertThat(states).containsExactlyInAnyOrder("Answer", "RecordAnswers", "Done", "RecordFailure", "AnswerFailed");
    assertThat(definition.at("/States/Answer/Parameters/MessageBody/type").asText()).isEqualTo("answer");
    assertThat(machine.at("/Properties/DefinitionSubstitutions").has("RecordFunctionArn")).isTrue();
    assertThat(ofType("AWS::StepFunctions::StateMachine")).hasSize(2);
  }

  @Test
  void theJobsTableHasTheOwnerIndex() {
    JsonNode table = ofType("AWS::DynamoDB::Table").getFirst().getValue().get("Properties");
    JsonNode gsi = table.path("GlobalSecondaryIndexes").get(0);
    assertThat(gsi.path("IndexName").asText()).isEqualTo(JobRow.OWNER_INDEX);
    assertThat(gsi.at("/KeySchema/0/AttributeName").asText()).isEqualTo(JobRow.OWNER);
    assertThat(gsi.at("/KeySchema/1/AttributeName").asText()).isEqualTo(JobRow.CREATED_AT);
  }
}
