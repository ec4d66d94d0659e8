package dev.longvqa.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longvqa.contract.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

/** The bucket's CORS rule for the web page's direct uploads (longvqa local web's origin), and none when no origin is set. */
class WebCorsStackTest {
  private static final java.nio.file.Path REPO = InfraConfig.findRepoRoot(java.nio.file.Path.of(""));

  private static JsonNode bucket(InfraConfig config) {
    JsonNode resources = Json.mapper().valueToTree(Template.fromStack(LongVqaApp.create(config).stack()).toJSON()).get("Resources");
    List<JsonNode> buckets = new ArrayList<>();
    resources.properties().forEach(e -> {
      if (e.getValue().get("Type").asText().equals("AWS::S3::Bucket")) buckets.add(e.getValue().get("Properties"));
    });
    assertThat(buckets).hasSize(1);
    return buckets.getFirst();
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  @Test
  void byDefaultThePageOfLocalWebMayUploadAndReadTheEtags() {
    JsonNode rules = bucket(LongVqaStackTest.placeholderConfig("cors-default")).at("/CorsConfiguration/CorsRules");
    assertThat(rules.size()).isEqualTo(1);
    JsonNode rule = rules.get(0);
    assertThat(texts(rule.get("AllowedOrigins"))).containsExactly("http://127.0.0.1:8788", "http://localhost:8788");
    assertThat(texts(rule.get("AllowedMethods"))).containsExactlyInAnyOrder("PUT", "GET", "HEAD");
    assertThat(texts(rule.get("ExposedHeaders"))).containsExactly("ETag");
    assertThat(texts(rule.get("AllowedHeaders"))).containsExactly("*");
  }

  @Test
  void originsAreConfigurableAndNoneMeansNoCorsRule() {
    InfraConfig.Builder b = InfraConfig.builder(REPO)
        .outdir(REPO.resolve("infra/target/cdk-test/cors-none"))
        .functionCode(REPO.resolve(FunctionCode.PLACEHOLDER_DIR))
        .workerImage(WorkerImage.PLACEHOLDER_URI)
        .allowPlaceholders(true);
    assertThat(bucket(b.webOrigins(List.of("")).build()).has("CorsConfiguration")).isFalse();
    assertThat(b.webOrigins(List.of(" https://vqa.example.org ")).build().webOrigins()).containsExactly("https://vqa.example.org");
    assertThatThrownBy(() -> b.webOrigins(List.of("http://127.0.0.1:8788/")).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no path");
    assertThatThrownBy(() -> b.webOrigins(List.of("127.0.0.1:8788")).build()).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theSynthCommandTakesTheOrigins() {
    InfraCli.Synth synth = new InfraCli.Synth();
    picocli.CommandLine cli = new picocli.CommandLine(synth);
    cli.parseArgs("--web-origin", "https://a.example,http://localhost:9000");
    assertThat(synth.webOrigins).containsExactly("https://a.example", "http://localhost:9000");
    cli.parseArgs("--web-origin=");
    assertThat(InfraConfig.builder(REPO).webOrigins(synth.webOrigins).build().webOrigins()).isEmpty();
  }
}
