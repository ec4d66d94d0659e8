package dev.longvqa.local.cloud.stack;

import dev.longvqa.contract.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A CloudFormation template deployed onto the emulators: buckets on S3Mock, tables on dynalite,
 * queues on ElasticMQ (their attributes and redrive policy as written), and the descriptions of
 * what runs in this JVM (functions with their resolved environment, state machines with their
 * substitutions resolved, rules with their event pattern, containers with their environment).
 * Names come from the template: a resource's own name property if it sets one, else its logical id.
 * {@code Ref}, {@code Fn::GetAtt}, {@code Fn::Join}, {@code Fn::Sub}, {@code Fn::Select} and
 * {@code Fn::Split} resolve to the emulators' names, URLs and ARNs. Resource types with no local
 * meaning (IAM, logs, VPC, ECS cluster, alarms...) are listed in {@link #skipped()}; a reference to
 * one resolves to a placeholder that nothing local reads.
 */
public final class Deployment {
    public static final String REGION = "us-east-1";
    public static final String ACCOUNT = "000000000000";
    private static final ObjectMapper JSON = Json.mapper();

    public record Bucket(String logicalId, String name, boolean eventBridge) {}

    /** @param ttlAttribute the template's TTL attribute; dynalite has no UpdateTimeToLive, so rows do not expire locally */
    public record Table(String logicalId, String name, String ttlAttribute) {}

    public record Queue(String logicalId, String name, String url, String arn, Map<String, String> attributes) {}

    public record LambdaFunction(String logicalId, String name, String arn, Map<String, String> environment,
                                 int memoryMb, int timeoutSec) {}

    public record StateMachine(String logicalId, String name, String arn, String definition, Map<String, String> substitutions) {}

    /**
     * An event-pattern rule and its targets.
     */
    public record Rule(String logicalId, String name, String arn, EventPattern pattern, List<Target> targets) {
        public List<String> targetArns() {
            return targets.stream().map(Target::arn).toList();
        }
    }

    /**
     * One rule target: what it receives ({@link TargetInput}), how often EventBridge retries a failed
     * delivery ({@code RetryPolicy}; AWS's defaults where the template sets none), and the queue
     * an undeliverable event goes to ({@code DeadLetterConfig}, or null).
     */
    public record Target(String arn, TargetInput input, int maximumRetryAttempts, int maximumEventAgeSeconds,
                         String deadLetterArn) {}

    public record Container(String logicalId, String name, Map<String, String> environment) {}

    public record SkippedResource(String logicalId, String type) {}

    private record ResolvedRef(String ref, Map<String, String> attributes) {}

    private final JsonNode template;
    private final S3Client s3;
    private final DynamoDbClient dynamo;
    private final SqsClient sqs;
    private final Map<String, ResolvedRef> resolved = new HashMap<>();
    private final Set<String> resolving = new HashSet<>();

    private final List<Bucket> buckets = new ArrayList<>();
    private final List<Table> tables = new ArrayList<>();
    private final List<Queue> queues = new ArrayList<>();
    private final List<LambdaFunction> functions = new ArrayList<>();
    private final List<StateMachine> stateMachines = new ArrayList<>();
    private final List<Rule> rules = new ArrayList<>();
    private final List<Container> containers = new ArrayList<>();
    private final List<SkippedResource> skipped = new ArrayList<>();

    private Deployment(JsonNode template, S3Client s3, DynamoDbClient dynamo, SqsClient sqs) {
        this.template = template;
        this.s3 = s3;
        this.dynamo = dynamo;
        this.sqs = sqs;
    }

    /** Creates every resource the emulators can hold and describes the rest. */
    public static Deployment deploy(JsonNode template, S3Client s3, DynamoDbClient dynamo, SqsClient sqs) {
        Deployment d = new Deployment(template, s3, dynamo, sqs);
        for (Iterator<String> ids = template.path("Resources").fieldNames(); ids.hasNext(); ) d.resource(ids.next());
        return d;
    }

    public List<Bucket> buckets() { return List.copyOf(buckets); }
    public List<Table> tables() { return List.copyOf(tables); }
    public List<Queue> queues() { return List.copyOf(queues); }
    public List<LambdaFunction> functions() { return List.copyOf(functions); }
    public List<StateMachine> stateMachines() { return List.copyOf(stateMachines); }
    public List<Rule> rules() { return List.copyOf(rules); }
    public List<Container> containers() { return List.copyOf(containers); }
    public List<SkippedResource> skipped() { return List.copyOf(skipped); }

    /** The one resource of a kind the local cloud runs exactly once of (one state machine, one worker container). */
    public static <T> T single(List<T> items, String what) {
        if (items.size() != 1) throw new IllegalStateException("the template has " + items.size() + " " + what + "; the local cloud runs exactly one");
        return items.getFirst();
    }

    // ---------------------------------------------------------------- resources

    private ResolvedRef resource(String id) {
        ResolvedRef r = resolved.get(id);
        if (r != null) return r;
        JsonNode res = template.path("Resources").get(id);
        if (res == null) throw new IllegalArgumentException("the template references an unknown resource " + id);
        if (!resolving.add(id)) throw new IllegalArgumentException("circular reference through " + id);
        String type = res.path("Type").asText();
        JsonNode p = res.path("Properties");
        r = switch (type) {
            case "AWS::S3::Bucket" -> bucket(id, p);
            case "AWS::DynamoDB::Table" -> table(id, p);
            case "AWS::SQS::Queue" -> queue(id, p);
            case "AWS::Lambda::Function" -> function(id, p);
            case "AWS::StepFunctions::StateMachine" -> stateMachine(id, p);
            case "AWS::Events::Rule" -> rule(id, p);
            case "AWS::ECS::TaskDefinition" -> taskDefinition(id, p);
            default -> {
                skipped.add(new SkippedResource(id, type));
                yield null;
            }
        };
        resolving.remove(id);
        if (r != null) resolved.put(id, r);
        return r;
    }

    private ResolvedRef bucket(String id, JsonNode p) {
        String name = p.has("BucketName") ? value(p.get("BucketName")) : lower(id);
        if (s3.listBuckets().buckets().stream().noneMatch(b -> b.name().equals(name))) s3.createBucket(b -> b.bucket(name));
        boolean events = p.path("NotificationConfiguration").path("EventBridgeConfiguration").path("EventBridgeEnabled").asBoolean(false);
        buckets.add(new Bucket(id, name, events));
        return new ResolvedRef(name, Map.of("Arn", "arn:aws:s3:::" + name, "DomainName", name + ".s3.amazonaws.com",
                "RegionalDomainName", name + ".s3." + REGION + ".amazonaws.com"));
    }

    private ResolvedRef table(String id, JsonNode p) {
        String name = p.has("TableName") ? value(p.get("TableName")) : id;
        List<KeySchemaElement> keys = new ArrayList<>();
        for (JsonNode k : p.path("KeySchema")) {
            keys.add(KeySchemaElement.builder().attributeName(value(k.get("AttributeName"))).keyType(value(k.get("KeyType"))).build());
        }
        List<AttributeDefinition> attrs = new ArrayList<>();
        for (JsonNode a : p.path("AttributeDefinitions")) {
            attrs.add(AttributeDefinition.builder().attributeName(value(a.get("AttributeName"))).attributeType(value(a.get("AttributeType"))).build());
        }
        if (p.has("LocalSecondaryIndexes")) {
            throw new IllegalArgumentException("table " + id + ": local secondary indexes are not deployed locally yet");
        }
        // global secondary indexes as declared (the API's owner index): dynalite queries them
        List<GlobalSecondaryIndex> indexes = new ArrayList<>();
        for (JsonNode g : p.path("GlobalSecondaryIndexes")) {
            List<KeySchemaElement> gKeys = new ArrayList<>();
            for (JsonNode k : g.path("KeySchema")) {
                gKeys.add(KeySchemaElement.builder().attributeName(value(k.get("AttributeName"))).keyType(value(k.get("KeyType"))).build());
            }
            JsonNode projection = g.path("Projection");
            List<String> nonKey = new ArrayList<>();
            projection.path("NonKeyAttributes").forEach(a -> nonKey.add(value(a)));
            indexes.add(GlobalSecondaryIndex.builder().indexName(value(g.get("IndexName"))).keySchema(gKeys)
                    .projection(Projection.builder().projectionType(projection.path("ProjectionType").asText("ALL"))
                            .nonKeyAttributes(nonKey.isEmpty() ? null : nonKey).build()).build());
        }
        dynamo.createTable(b -> b.tableName(name).keySchema(keys).attributeDefinitions(attrs).billingMode(BillingMode.PAY_PER_REQUEST)
                .globalSecondaryIndexes(indexes.isEmpty() ? null : indexes));
        if (!indexes.isEmpty()) dynamo.waiter().waitUntilTableExists(b -> b.tableName(name)); // an index is queryable once ACTIVE
        JsonNode ttl = p.path("TimeToLiveSpecification");
        tables.add(new Table(id, name, ttl.path("Enabled").asBoolean(false) ? value(ttl.get("AttributeName")) : null));
        String arn = "arn:aws:dynamodb:" + REGION + ":" + ACCOUNT + ":table/" + name;
        return new ResolvedRef(name, Map.of("Arn", arn, "StreamArn", arn + "/stream/local"));
    }

    /** Queue properties ElasticMQ honours; encryption settings mean nothing locally. */
    private static final Map<String, QueueAttributeName> QUEUE_ATTRIBUTES = Map.of(
            "VisibilityTimeout", QueueAttributeName.VISIBILITY_TIMEOUT,
            "MessageRetentionPeriod", QueueAttributeName.MESSAGE_RETENTION_PERIOD,
            "ReceiveMessageWaitTimeSeconds", QueueAttributeName.RECEIVE_MESSAGE_WAIT_TIME_SECONDS,
            "DelaySeconds", QueueAttributeName.DELAY_SECONDS,
            "MaximumMessageSize", QueueAttributeName.MAXIMUM_MESSAGE_SIZE,
            "FifoQueue", QueueAttributeName.FIFO_QUEUE,
            "ContentBasedDeduplication", QueueAttributeName.CONTENT_BASED_DEDUPLICATION);

    private ResolvedRef queue(String id, JsonNode p) {
        boolean fifo = p.path("FifoQueue").asBoolean(false);
        String name = p.has("QueueName") ? value(p.get("QueueName")) : id + (fifo ? ".fifo" : "");
        Map<QueueAttributeName, String> attributes = new LinkedHashMap<>();
        QUEUE_ATTRIBUTES.forEach((prop, attr) -> {
            if (p.has(prop)) attributes.put(attr, value(p.get(prop)));
        });
        if (p.has("RedrivePolicy")) {
            JsonNode policy = resolve(p.get("RedrivePolicy"));
            attributes.put(QueueAttributeName.REDRIVE_POLICY, policy.isTextual() ? policy.asText() : policy.toString());
        }
        String url = sqs.createQueue(b -> b.queueName(name).attributes(attributes)).queueUrl();
        String arn = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        Map<String, String> shown = new LinkedHashMap<>();
        attributes.forEach((k, v) -> shown.put(k.toString(), v));
        queues.add(new Queue(id, name, url, arn, Map.copyOf(shown)));
        return new ResolvedRef(url, Map.of("Arn", arn, "QueueName", name, "QueueUrl", url));
    }

    private ResolvedRef function(String id, JsonNode p) {
        String name = p.has("FunctionName") ? value(p.get("FunctionName")) : id;
        Map<String, String> env = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = p.path("Environment").path("Variables").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            env.put(e.getKey(), value(e.getValue()));
        }
        String arn = "arn:aws:lambda:" + REGION + ":" + ACCOUNT + ":function:" + name;
        functions.add(new LambdaFunction(id, name, arn, Map.copyOf(env), p.path("MemorySize").asInt(128), p.path("Timeout").asInt(3)));
        return new ResolvedRef(name, Map.of("Arn", arn));
    }

    private ResolvedRef stateMachine(String id, JsonNode p) {
        String name = p.has("StateMachineName") ? value(p.get("StateMachineName")) : id;
        String definition = p.has("DefinitionString") ? value(p.get("DefinitionString"))
                : p.has("Definition") ? resolve(p.get("Definition")).toString() : null;
        if (definition == null) throw new IllegalArgumentException("state machine " + id + " has no inline definition");
        Map<String, String> subs = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = p.path("DefinitionSubstitutions").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            subs.put(e.getKey(), value(e.getValue()));
        }
        String arn = "arn:aws:states:" + REGION + ":" + ACCOUNT + ":stateMachine:" + name;
        stateMachines.add(new StateMachine(id, name, arn, definition, Map.copyOf(subs)));
        return new ResolvedRef(arn, Map.of("Arn", arn, "Name", name));
    }

    private ResolvedRef rule(String id, JsonNode p) {
        String name = p.has("Name") ? value(p.get("Name")) : id;
        if (!"ENABLED".equals(p.path("State").asText("ENABLED"))) {
            skipped.add(new SkippedResource(id, "AWS::Events::Rule (disabled)"));
            return new ResolvedRef(name, Map.of());
        }
        if (!p.has("EventPattern")) throw new IllegalArgumentException("rule " + id + ": only event-pattern rules run locally");
        String arn = "arn:aws:events:" + REGION + ":" + ACCOUNT + ":rule/" + name;
        List<Target> targets = new ArrayList<>();
        for (JsonNode t : p.path("Targets")) {
            JsonNode target = resolve(t);
            TargetInput input;
            try {
                input = TargetInput.of(target);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("rule " + id + ": " + e.getMessage(), e);
            }
            JsonNode retry = target.path("RetryPolicy");
            // EventBridge's defaults: 185 retries over 24 hours
            targets.add(new Target(target.path("Arn").asText(), input, retry.path("MaximumRetryAttempts").asInt(185),
                    retry.path("MaximumEventAgeInSeconds").asInt(86_400),
                    target.path("DeadLetterConfig").path("Arn").asText(null)));
        }
        rules.add(new Rule(id, name, arn, new EventPattern(resolve(p.get("EventPattern"))), List.copyOf(targets)));
        return new ResolvedRef(name, Map.of("Arn", arn));
    }

    private ResolvedRef taskDefinition(String id, JsonNode p) {
        for (JsonNode c : p.path("ContainerDefinitions")) {
            Map<String, String> env = new LinkedHashMap<>();
            for (JsonNode e : c.path("Environment")) env.put(value(e.get("Name")), value(e.get("Value")));
            containers.add(new Container(id, value(c.get("Name")), Map.copyOf(env)));
        }
        String arn = "arn:aws:ecs:" + REGION + ":" + ACCOUNT + ":task-definition/" + id + ":1";
        return new ResolvedRef(arn, Map.of("TaskDefinitionArn", arn));
    }

    // ---------------------------------------------------------------- intrinsic functions

    /** A property that must end up a string. */
    String value(JsonNode node) {
        JsonNode v = resolve(node);
        if (v == null || v.isNull()) return null;
        if (v.isValueNode()) return v.asText();
        throw new IllegalArgumentException("expected a string, got " + v);
    }

    /** Replaces every intrinsic function in {@code node} by its local value. */
    JsonNode resolve(JsonNode node) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (node == null) return null;
        if (node.isArray()) {
            ArrayNode out = f.arrayNode();
            for (JsonNode n : node) out.add(resolve(n));
            return out;
        }
        if (!node.isObject()) return node;
        if (node.size() == 1) {
            String key = node.fieldNames().next();
            JsonNode arg = node.get(key);
            switch (key) {
                case "Ref" -> { return f.textNode(ref(arg.asText())); }
                case "Fn::GetAtt" -> {
                    String[] parts = arg.isArray() ? new String[]{arg.get(0).asText(), arg.get(1).asText()} : arg.asText().split("\\.", 2);
                    return f.textNode(getAtt(parts[0], parts[1]));
                }
                case "Fn::Join" -> {
                    List<String> parts = new ArrayList<>();
                    for (JsonNode n : resolve(arg.get(1))) parts.add(n.asText());
                    return f.textNode(String.join(arg.get(0).asText(), parts));
                }
                case "Fn::Sub" -> { return f.textNode(sub(arg)); }
                case "Fn::Select" -> { return resolve(arg.get(1)).get(resolve(arg.get(0)).asInt()); }
                case "Fn::Split" -> {
                    ArrayNode out = f.arrayNode();
                    for (String s : value(arg.get(1)).split(Pattern.quote(arg.get(0).asText()), -1)) out.add(s);
                    return out;
                }
                default -> {
                    if (key.startsWith("Fn::") || key.equals("Condition")) {
                        throw new IllegalArgumentException("intrinsic function " + key + " is not supported locally: " + node);
                    }
                }
            }
        }
        ObjectNode out = f.objectNode();
        node.fields().forEachRemaining(e -> out.set(e.getKey(), resolve(e.getValue())));
        return out;
    }

    private String ref(String id) {
        switch (id) {
            case "AWS::Region": return REGION;
            case "AWS::AccountId": return ACCOUNT;
            case "AWS::Partition": return "aws";
            case "AWS::URLSuffix": return "amazonaws.com";
            case "AWS::StackName": return "local";
            case "AWS::NoValue": return null;
            default: break;
        }
        JsonNode parameter = template.path("Parameters").get(id);
        if (parameter != null) return parameter.path("Default").asText("local-parameter-" + id);
        ResolvedRef r = resource(id);
        return r != null ? r.ref() : placeholder(id, "Ref");
    }

    private String getAtt(String id, String attribute) {
        ResolvedRef r = resource(id);
        if (r == null) return placeholder(id, attribute);
        String v = r.attributes().get(attribute);
        if (v == null) throw new IllegalArgumentException("Fn::GetAtt " + id + "." + attribute + " has no local value");
        return v;
    }

    /** What a reference to a skipped resource resolves to: recognisable, and read by nothing local. */
    private static String placeholder(String id, String what) {
        return "arn:aws:local:" + REGION + ":" + ACCOUNT + ":skipped/" + id + "/" + what;
    }

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^!}][^}]*)}");

    private String sub(JsonNode arg) {
        String text = arg.isArray() ? arg.get(0).asText() : arg.asText();
        Map<String, String> vars = new HashMap<>();
        if (arg.isArray()) arg.get(1).fields().forEachRemaining(e -> vars.put(e.getKey(), value(e.getValue())));
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String v = vars.containsKey(name) ? vars.get(name)
                    : name.contains(".") && !name.startsWith("AWS::") ? getAtt(name.substring(0, name.indexOf('.')), name.substring(name.indexOf('.') + 1))
                    : ref(name);
            m.appendReplacement(out, Matcher.quoteReplacement(v == null ? "" : v));
        }
        m.appendTail(out);
        return out.toString().replace("${!", "${");
    }

    private static String lower(String id) {
        String s = id.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-");
        return s.length() > 63 ? s.substring(0, 63) : s;
    }

    /** One line per resource, for {@code local up}'s banner and the state directory. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        buckets.forEach(x -> b.append("  bucket   ").append(x.name()).append(x.eventBridge() ? "  (events to EventBridge)" : "").append('\n'));
        tables.forEach(x -> b.append("  table    ").append(x.name())
                .append(x.ttlAttribute() == null ? "" : "  (TTL " + x.ttlAttribute() + " not applied: dynalite has no UpdateTimeToLive)").append('\n'));
        queues.forEach(x -> b.append("  queue    ").append(x.name()).append("  ").append(x.attributes()).append('\n'));
        functions.forEach(x -> b.append("  function ").append(x.name()).append("  ").append(x.memoryMb()).append(" MB, ")
                .append(x.timeoutSec()).append(" s, env ").append(x.environment().keySet()).append('\n'));
        stateMachines.forEach(x -> b.append("  workflow ").append(x.name()).append('\n'));
        rules.forEach(x -> b.append("  rule     ").append(x.logicalId()).append("  ").append(x.pattern().pattern()).append('\n'));
        containers.forEach(x -> b.append("  worker   ").append(x.name()).append("  env ").append(x.environment().keySet()).append('\n'));
        Map<String, Integer> counts = new java.util.TreeMap<>();
        skipped.forEach(s -> counts.merge(s.type(), 1, Integer::sum));
        b.append("  skipped  (no local meaning) ").append(counts).append('\n');
        return b.toString();
    }

    /** Parses JSON text (a template, a state machine definition). */
    public static JsonNode readTreeOf(String text) {
        return readTree(text);
    }

    static JsonNode readTree(String text) {
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not a JSON template: " + e.getMessage(), e);
        }
    }
}
