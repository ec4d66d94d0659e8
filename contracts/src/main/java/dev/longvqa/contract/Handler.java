package dev.longvqa.contract;

import java.util.Arrays;
import java.util.Optional;

/**
 * The five stage Lambdas. One Quarkus {@code function.zip} serves them all: the stack sets
 * {@link FunctionEnv#HANDLER} to {@link #handlerName()}, which picks the {@code @Named} bean, and
 * fills the ASL's {@link #arnSubstitution()} with the function's ARN.
 */
public enum Handler {
    REGISTER(BeanNames.REGISTER, AslSubstitution.REGISTER_FUNCTION_ARN),
    PLAN(BeanNames.PLAN, AslSubstitution.PLAN_FUNCTION_ARN),
    DECODE_RANGE(BeanNames.DECODE_RANGE, AslSubstitution.DECODE_RANGE_FUNCTION_ARN),
    SEGMENT(BeanNames.SEGMENT, AslSubstitution.SEGMENT_FUNCTION_ARN),
    RECORD(BeanNames.RECORD, AslSubstitution.RECORD_FUNCTION_ARN),
    /** The HTTP API (docs/openapi.yaml); no state of the ASL calls it, so it has no ARN substitution. */
    API(BeanNames.API, null);

    /**
     * The handler the Lambda runtime loads: Quarkus's stream handler, which dispatches to the
     * {@code @Named} bean. What the template's {@code Handler} property must say.
     */
    public static final String LAMBDA_HANDLER = "io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest";

    /** Compile-time constants, for {@code @Named(Handler.BeanNames.REGISTER)}. */
    public static final class BeanNames {
        public static final String REGISTER = "register";
        public static final String PLAN = "plan";
        public static final String DECODE_RANGE = "decode-range";
        public static final String SEGMENT = "segment";
        public static final String RECORD = "record";
        public static final String API = "api";

        private BeanNames() {}
    }

    private final String handlerName;
    private final AslSubstitution arnSubstitution;

    Handler(String handlerName, AslSubstitution arnSubstitution) {
        this.handlerName = handlerName;
        this.arnSubstitution = arnSubstitution;
    }

    /** The {@code @Named} value, e.g. {@code decode-range}. */
    public String handlerName() {
        return handlerName;
    }

    public AslSubstitution arnSubstitution() {
        return arnSubstitution;
    }

    /** A CDK construct id, e.g. {@code DecodeRange}. */
    public String constructId() {
        StringBuilder id = new StringBuilder();
        for (String part : handlerName.split("-")) {
            id.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return id.toString();
    }

    public static Optional<Handler> byName(String handlerName) {
        return Arrays.stream(values()).filter(h -> h.handlerName.equals(handlerName)).findFirst();
    }
}
