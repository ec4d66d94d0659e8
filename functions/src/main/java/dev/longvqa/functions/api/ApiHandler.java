package dev.longvqa.functions.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.longvqa.contract.Json;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.contract.Handler;
import dev.longvqa.contract.api.HttpEvent;
import dev.longvqa.contract.api.HttpResponse;
import dev.longvqa.functions.JobStore;
import dev.longvqa.functions.ObjectStore;
import dev.longvqa.functions.Settings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.sfn.SfnClient;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;

/**
 * Lambda {@code api}: API Gateway HTTP API payload v2 event → response, over {@link ApiService}
 * (the same code {@code local up} serves). Errors are answers ({@code {"error": ...}}), never a
 * failed invocation. Like the stage handlers, it reads and writes the raw stream with the one mapper
 * ({@link Json#mapper()}), not the Lambda runtime's own.
 */
@Named(Handler.BeanNames.API)
public class ApiHandler implements RequestStreamHandler {
    @Inject
    ApiService service;

    @Override
    public void handleRequest(InputStream in, OutputStream out, Context context) throws IOException {
        HttpResponse response;
        try {
            HttpEvent event = Json.mapper().readValue(in, HttpEvent.class);
            response = event == null ? ApiService.error(400, ErrorCode.BAD_REQUEST.name(), "no event", null) : service.handle(event);
        } catch (JsonProcessingException e) {
            response = ApiService.error(400, ErrorCode.BAD_REQUEST.name(), "not an HTTP API payload v2 event: "
                    + e.getOriginalMessage().lines().findFirst().orElse(""), null);
        }
        Json.mapper().writeValue(out, response);
    }

    /** The API's beans: built on first use, so the stage functions never create a Step Functions client. */
    @ApplicationScoped
    public static class Beans {
        @Produces
        @Singleton
        SfnClient sfn(ApiConfig config) {
            var b = SfnClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder());
            config.sfnEndpoint().ifPresent(b::endpointOverride);
            return b.build();
        }

        @Produces
        @Singleton
        ApiService api(ObjectStore store, JobStore jobs, DynamoDbClient dynamo, S3Presigner presigner, SfnClient sfn,
                       Settings settings, ApiConfig config) {
            return new ApiService(new ApiDeps(store, jobs, dynamo, presigner, sfn, settings, config.settings(), Clock.systemUTC()));
        }
    }
}
