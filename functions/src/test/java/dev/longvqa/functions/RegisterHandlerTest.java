package dev.longvqa.functions;

import dev.longvqa.contract.S3Layout;
import dev.longvqa.pipeline.JobId;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code register} through the Lambda mock event server, against S3Mock and dynalite. */
@QuarkusTest
@QuarkusTestResource(LocalAws.class)
class RegisterHandlerTest {
    @Inject
    S3Client s3;

    @Inject
    DynamoDbClient ddb;

    static String event(String key, String etag, String reason) {
        return """
                {"version":"0","id":"%s","detail-type":"Object Created","source":"aws.s3","account":"111122223333",
                 "time":"2026-11-21T00:00:00Z","region":"us-east-1","resources":["arn:aws:s3:::%s"],
                 "detail":{"version":"0","bucket":{"name":"%s"},
                   "object":{"key":"%s","size":5,"etag":"%s","sequencer":"617f08299329d189"},
                   "request-id":"N4N7GDK58NMKJ12R","requester":"111122223333","source-ip-address":"1.2.3.4",
                   "reason":"%s"},
                 "executionArn":"arn:aws:states:us-east-1:111122223333:execution:longvqa:%s"}
                """.formatted(UUID.randomUUID(), LocalAws.BUCKET, LocalAws.BUCKET, key, etag, reason, UUID.randomUUID());
    }

    static Response invoke(String body) {
        return given().contentType(ContentType.JSON).accept(ContentType.JSON).body(body).when().post();
    }

    String put(String key, String content, Map<String, String> metadata) {
        return s3.putObject(b -> b.bucket(LocalAws.BUCKET).key(key).metadata(metadata), RequestBody.fromString(content))
                .eTag().replace("\"", "");
    }

    Map<String, AttributeValue> row(String jobId) {
        return ddb.getItem(b -> b.tableName(LocalAws.TABLE).key(Map.of("jobId", AttributeValue.fromS(jobId)))).item();
    }

    @Test
    void startsOnceAndTheSameObjectIsADuplicateEvenWithAnEncodedKey() {
        String key = "videos/" + UUID.randomUUID() + "/talk one+ü (1).mp4";
        String etag = put(key, "bytes", Map.of("question", "What colour is the ball?"));

        Response first = invoke(event(key, etag, "PutObject"));
        first.then().statusCode(200);
        String jobId = first.jsonPath().getString("jobId");
        assertThat(jobId).isEqualTo(JobId.of(LocalAws.BUCKET, key, null, etag).value());
        assertThat(first.jsonPath().getString("action")).isEqualTo("START");
        assertThat(first.jsonPath().getString("video.key")).isEqualTo(key);
        assertThat(first.jsonPath().getList("questions.text")).containsExactly("What colour is the ball?");

        Map<String, AttributeValue> row = row(jobId);
        assertThat(row.get("status").s()).isEqualTo("RECEIVED");
        assertThat(row.get("key").s()).isEqualTo(key);
        assertThat(row.get("executionArn").s()).startsWith("arn:aws:states:");
        assertThat(row.get("questions").l()).hasSize(1);
        String createdAt = row.get("createdAt").s();

        // The same upload delivered again, once as is and once with the key URL-encoded.
        String encoded = URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/").replace("+", "%20");
        for (String k : new String[]{key, encoded}) {
            Response again = invoke(event(k, etag, "PutObject"));
            again.then().statusCode(200);
            assertThat(again.jsonPath().getString("action")).isEqualTo("DUPLICATE");
            assertThat(again.jsonPath().getString("jobId")).isEqualTo(jobId);
        }
        assertThat(row(jobId).get("createdAt").s()).isEqualTo(createdAt); // nothing overwritten
        assertThat(row(jobId).get("executionArn")).isEqualTo(row.get("executionArn"));
    }

    @Test
    void sidecarsAndKeysOutsideTheUploadPrefixAreIgnored() {
        // The upload rule never routes these here (they are outside videos/); given one anyway,
        // register starts nothing.
        String sidecar = "questions/" + UUID.randomUUID() + ".mp4.json";
        String etag = put(sidecar, "[\"Why?\"]", Map.of());
        Response r = invoke(event(sidecar, etag, "PutObject"));
        r.then().statusCode(200);
        assertThat(r.jsonPath().getString("action")).isEqualTo("IGNORED");
        assertThat(r.jsonPath().getString("jobId")).isNull();
        assertThat(row(JobId.of(LocalAws.BUCKET, sidecar, null, etag).value())).isEmpty();

        String other = "jobs/" + UUID.randomUUID() + "/scenes.json";
        etag = put(other, "{}", Map.of());
        assertThat(invoke(event(other, etag, "PutObject")).jsonPath().getString("action")).isEqualTo("IGNORED");
        assertThat(row(JobId.of(LocalAws.BUCKET, other, null, etag).value())).isEmpty();
    }

    @Test
    void multipartUploadWithSidecarQuestions() {
        String name = UUID.randomUUID() + ".mp4";
        String key = "videos/" + name;
        put("questions/" + name + ".json", "{\"questions\": [\"Who enters first?\", \"  What is on the table?  \"]}", Map.of());
        String etag = put(key, "bytes", Map.of("question", "ignored: the sidecar wins"));
        Response r = invoke(event(key, etag + "-3", "CompleteMultipartUpload"));
        r.then().statusCode(200);
        assertThat(r.jsonPath().getString("action")).isEqualTo("START");
        assertThat(r.jsonPath().getList("questions.id")).containsExactly("q1", "q2");
        assertThat(r.jsonPath().getList("questions.text")).containsExactly("Who enters first?", "What is on the table?");
        assertThat(r.jsonPath().getString("video.etag")).isEqualTo(etag + "-3");
    }

    @Test
    void aSidecarBesideTheVideoIsNotRead() {
        // the old layout (videos/<name>.questions.json) is just another object: the metadata question wins
        String key = "videos/" + UUID.randomUUID() + ".mp4";
        put(key + ".questions.json", "[\"From the wrong place?\"]", Map.of());
        String etag = put(key, "bytes", Map.of("question", "From the metadata?"));
        Response r = invoke(event(key, etag, "PutObject"));
        assertThat(r.jsonPath().getList("questions.text")).containsExactly("From the metadata?");
    }

    @Test
    void withoutQuestionsTheDefaultIsAsked() {
        String key = "videos/" + UUID.randomUUID() + ".webm";
        String etag = put(key, "bytes", Map.of());
        Response r = invoke(event(key, etag, "PutObject"));
        assertThat(r.jsonPath().getList("questions.text")).containsExactly(QuestionSource.DEFAULT);
    }

    @Test
    void tooManyQuestionsFailTheJobAsBadQuestionWithoutRetry() {
        String key = "videos/" + UUID.randomUUID() + ".mp4";
        StringBuilder many = new StringBuilder("[");
        for (int i = 0; i < 21; i++) many.append(i == 0 ? "" : ",").append("\"question ").append(i).append("?\"");
        put(S3Layout.sidecar(key), many.append("]").toString(), Map.of());
        String etag = put(key, "bytes", Map.of());

        Response r = invoke(event(key, etag, "PutObject"));
        r.then().statusCode(500);
        assertThat(r.jsonPath().getString("errorType")).isEqualTo("LongVqa.BAD_QUESTION");
        assertThat(r.jsonPath().getString("errorMessage")).contains("21 questions");

        String jobId = JobId.of(LocalAws.BUCKET, key, null, etag).value();
        Map<String, AttributeValue> row = row(jobId);
        assertThat(row.get("status").s()).isEqualTo("FAILED");
        assertThat(row.get("errorType").s()).isEqualTo("BAD_QUESTION");
        // The same upload again does not start a second run.
        assertThat(invoke(event(key, etag, "PutObject")).jsonPath().getString("action")).isEqualTo("DUPLICATE");
    }

    @Test
    void anOverlongQuestionInTheSidecarIsRejected() {
        String key = "videos/" + UUID.randomUUID() + ".mp4";
        put(S3Layout.sidecar(key), "[\"" + "x".repeat(2001) + "\"]", Map.of());
        String etag = put(key, "bytes", Map.of());
        Response r = invoke(event(key, etag, "PutObject"));
        r.then().statusCode(500);
        assertThat(r.jsonPath().getString("errorType")).isEqualTo("LongVqa.BAD_QUESTION");
    }

    @Test
    void anEventWithoutObjectIsABadRequest() {
        Response r = invoke("{\"detail\": {\"bucket\": {\"name\": \"" + LocalAws.BUCKET + "\"}}}");
        r.then().statusCode(500);
        assertThat(r.jsonPath().getString("errorType")).isEqualTo("LongVqa.BAD_REQUEST");
    }
}
