package dev.longvqa.local.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longvqa.local.asl.StatesError;
import dev.longvqa.local.asl.TaskRequest;
import dev.longvqa.local.asl.TaskResource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/**
 * {@code arn:aws:states:::dynamodb:putItem | getItem | updateItem | deleteItem} through the SDK
 * (DynamoDB Local, or the real service). Parameters and results use the DynamoDB JSON shapes
 * ({@code {"jobId": {"S": "..."}}}) exactly as in an ASL definition. Service errors surface as
 * {@code DynamoDB.<ErrorCode>}, e.g. {@code DynamoDB.ConditionalCheckFailedException}, the
 * names the service integration uses.
 */
public record DynamoDbResource(DynamoDbClient dynamo) implements TaskResource {
    public static final String PUT_ITEM = "arn:aws:states:::dynamodb:putItem";
    public static final String GET_ITEM = "arn:aws:states:::dynamodb:getItem";
    public static final String UPDATE_ITEM = "arn:aws:states:::dynamodb:updateItem";
    public static final String DELETE_ITEM = "arn:aws:states:::dynamodb:deleteItem";
    public static final List<String> ARNS = List.of(PUT_ITEM, GET_ITEM, UPDATE_ITEM, DELETE_ITEM);

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    @Override
    public JsonNode call(TaskRequest request) {
        JsonNode p = request.parameters();
        String table = p.path("TableName").asText(null);
        if (table == null) throw new StatesError("States.Runtime", "DynamoDB task needs TableName");
        try {
            return switch (request.resource()) {
                case PUT_ITEM -> {
                    var r = dynamo.putItem(b -> b.tableName(table).item(item(p.get("Item")))
                            .conditionExpression(text(p, "ConditionExpression"))
                            .expressionAttributeNames(names(p)).expressionAttributeValues(values(p))
                            .returnValues(text(p, "ReturnValues")));
                    yield attributes(r.hasAttributes() ? r.attributes() : null);
                }
                case GET_ITEM -> {
                    var r = dynamo.getItem(b -> b.tableName(table).key(item(p.get("Key")))
                            .consistentRead(p.has("ConsistentRead") ? p.get("ConsistentRead").asBoolean() : null)
                            .projectionExpression(text(p, "ProjectionExpression")).expressionAttributeNames(names(p)));
                    ObjectNode out = F.objectNode();
                    if (r.hasItem()) out.set("Item", json(r.item()));
                    yield out;
                }
                case UPDATE_ITEM -> {
                    var r = dynamo.updateItem(b -> b.tableName(table).key(item(p.get("Key")))
                            .updateExpression(text(p, "UpdateExpression")).conditionExpression(text(p, "ConditionExpression"))
                            .expressionAttributeNames(names(p)).expressionAttributeValues(values(p))
                            .returnValues(text(p, "ReturnValues")));
                    yield attributes(r.hasAttributes() ? r.attributes() : null);
                }
                case DELETE_ITEM -> {
                    var r = dynamo.deleteItem(b -> b.tableName(table).key(item(p.get("Key")))
                            .conditionExpression(text(p, "ConditionExpression"))
                            .expressionAttributeNames(names(p)).expressionAttributeValues(values(p))
                            .returnValues(text(p, "ReturnValues")));
                    yield attributes(r.hasAttributes() ? r.attributes() : null);
                }
                default -> throw new StatesError("States.Runtime", "unsupported DynamoDB resource " + request.resource());
            };
        } catch (DynamoDbException e) {
            String code = e.awsErrorDetails() == null ? e.getClass().getSimpleName() : e.awsErrorDetails().errorCode();
            throw new StatesError("DynamoDB." + code, e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage());
        }
    }

    /** A write's result: {@code {"Attributes": ...}} when ReturnValues asked for them, else {@code {}}. */
    private static ObjectNode attributes(Map<String, AttributeValue> attrs) {
        ObjectNode out = F.objectNode();
        if (attrs != null) out.set("Attributes", json(attrs));
        return out;
    }

    private static String text(JsonNode p, String field) {
        return p.hasNonNull(field) ? p.get(field).asText() : null;
    }

    private static Map<String, String> names(JsonNode p) {
        if (!p.has("ExpressionAttributeNames")) return null;
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : p.get("ExpressionAttributeNames").properties()) out.put(e.getKey(), e.getValue().asText());
        return out;
    }

    private static Map<String, AttributeValue> values(JsonNode p) {
        return p.has("ExpressionAttributeValues") ? item(p.get("ExpressionAttributeValues")) : null;
    }

    /** A map of DynamoDB JSON attribute values, e.g. an Item or Key. */
    static Map<String, AttributeValue> item(JsonNode json) {
        if (json == null || !json.isObject()) throw new StatesError("States.Runtime", "expected a map of attribute values, got " + json);
        Map<String, AttributeValue> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : json.properties()) out.put(e.getKey(), value(e.getValue()));
        return out;
    }

    static AttributeValue value(JsonNode v) {
        if (v == null || !v.isObject() || v.size() != 1) {
            throw new StatesError("States.Runtime", "an attribute value has exactly one type key (S, N, BOOL, M, L…), got " + v);
        }
        Map.Entry<String, JsonNode> e = v.properties().iterator().next();
        JsonNode x = e.getValue();
        return switch (e.getKey()) {
            case "S" -> AttributeValue.fromS(x.asText());
            case "N" -> AttributeValue.fromN(x.asText());
            case "BOOL" -> AttributeValue.fromBool(x.asBoolean());
            case "NULL" -> AttributeValue.fromNul(true);
            case "B" -> AttributeValue.fromB(SdkBytes.fromByteArray(Base64.getDecoder().decode(x.asText())));
            case "M" -> AttributeValue.fromM(item(x));
            case "L" -> {
                List<AttributeValue> l = new ArrayList<>();
                x.forEach(n -> l.add(value(n)));
                yield AttributeValue.fromL(l);
            }
            case "SS" -> AttributeValue.fromSs(strings(x));
            case "NS" -> AttributeValue.fromNs(strings(x));
            case "BS" -> AttributeValue.fromBs(strings(x).stream().map(s -> SdkBytes.fromByteArray(Base64.getDecoder().decode(s))).toList());
            default -> throw new StatesError("States.Runtime", "unknown attribute type " + e.getKey());
        };
    }

    private static List<String> strings(JsonNode arr) {
        List<String> out = new ArrayList<>();
        arr.forEach(n -> out.add(n.asText()));
        return out;
    }

    static ObjectNode json(Map<String, AttributeValue> item) {
        ObjectNode out = F.objectNode();
        item.forEach((k, v) -> out.set(k, json(v)));
        return out;
    }

    static ObjectNode json(AttributeValue v) {
        ObjectNode out = F.objectNode();
        switch (v.type()) {
            case S -> out.put("S", v.s());
            case N -> out.put("N", v.n());
            case BOOL -> out.put("BOOL", v.bool());
            case NUL -> out.put("NULL", true);
            case B -> out.put("B", Base64.getEncoder().encodeToString(v.b().asByteArray()));
            case M -> out.set("M", json(v.m()));
            case L -> {
                ArrayNode l = out.putArray("L");
                v.l().forEach(x -> l.add(json(x)));
            }
            case SS -> v.ss().forEach(out.putArray("SS")::add);
            case NS -> v.ns().forEach(out.putArray("NS")::add);
            case BS -> v.bs().forEach(b -> out.withArray("BS").add(Base64.getEncoder().encodeToString(b.asByteArray())));
            default -> throw new IllegalStateException("unknown attribute type " + v.type());
        }
        return out;
    }
}
