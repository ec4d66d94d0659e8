package dev.longvqa.functions;

import dev.longvqa.contract.Handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/** Lambda {@code register}: EventBridge "Object Created" event → job row (START / DUPLICATE / IGNORED). */
@Named(Handler.Names.REGISTER)
public class RegisterHandler implements RequestHandler<JsonNode, RegisterResult> {
    @Inject
    RegisterService service;

    @Override
    public RegisterResult handleRequest(JsonNode event, Context context) {
        return Invocation.run(Handler.Names.REGISTER, null, () -> service.register(event),
                r -> new JobMetrics(Handler.Names.REGISTER, r.jobId()).put(switch (r.action()) {
                    case START -> "JobsStarted";
                    case DUPLICATE -> "DuplicateEvents";
                    case IGNORED -> "IgnoredEvents";
                }, 1, "Count"));
    }
}
