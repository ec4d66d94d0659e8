package dev.longvqa.emulators;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.io.IOException;
import java.net.Socket;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DynaliteTest {

    @Test
    void servesTheCallsTheProjectMakesAndLeavesNothingListening() throws Exception {
        Dynalite dynalite = Dynalite.start();
        int port = dynalite.port();
        try (dynalite; DynamoDbClient ddb = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(dynalite.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))).build()) {
            ddb.createTable(b -> b.tableName("jobs").billingMode(BillingMode.PAY_PER_REQUEST)
                    .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))
                    .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S)));
            Map<String, AttributeValue> item = Map.of("id", AttributeValue.fromS("a"), "n", AttributeValue.fromN("1"));
            ddb.putItem(b -> b.tableName("jobs").item(item).conditionExpression("attribute_not_exists(id)"));
            assertThatThrownBy(() -> ddb.putItem(b -> b.tableName("jobs").item(item).conditionExpression("attribute_not_exists(id)")))
                    .isInstanceOf(ConditionalCheckFailedException.class);
            ddb.updateItem(b -> b.tableName("jobs").key(Map.of("id", AttributeValue.fromS("a")))
                    .updateExpression("SET n = n + :one").expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))));
            assertThat(ddb.getItem(b -> b.tableName("jobs").key(Map.of("id", AttributeValue.fromS("a")))).item().get("n").n())
                    .isEqualTo("2");
        }
        assertThat(dynalite.isAlive()).isFalse();
        assertThat(listening(port)).isFalse();
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException refused) {
            return false;
        }
    }
}
